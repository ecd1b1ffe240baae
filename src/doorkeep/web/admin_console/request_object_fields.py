"""The client Advanced tab's "Open ID Connect Compatibility Modes"/"Fine grain OpenID Connect configuration"
fields for request objects and PAR, as Keycloak's console shows them: ``request.object.signature.alg``
(any, none or an algorithm), ``request.object.required``, ``request.uris`` (one per line, stored
``##``-separated) and ``require.pushed.authorization.requests``. They are client attributes the Admin REST
API stores as sent; the checks that use them are oauth/request_object.py and oauth/request_parser.py.
"""

from __future__ import annotations

from collections.abc import Mapping

from doorkeep.oauth.discovery import REQUEST_OBJECT_ALGS
from doorkeep.oauth.pushed_authorization import REQUIRE_PAR
from doorkeep.oauth.request_object import ANY, SIGNATURE_ALG
from doorkeep.oauth.request_parser import REQUEST_ONLY, REQUEST_OR_URI, REQUEST_URIS, REQUIRED, URI_ONLY
from doorkeep.web.admin_console.forms import FormState, checkbox

ALGORITHMS = (ANY, *REQUEST_OBJECT_ALGS)  # Keycloak's console: "any", then the algorithms, "none" among them
REQUIRED_CHOICES = (
    ("", "not required"),
    (REQUEST_OR_URI, REQUEST_OR_URI),
    (REQUEST_ONLY, REQUEST_ONLY),
    (URI_ONLY, URI_ONLY),
)


def show(attributes: Mapping[str, object], state: FormState) -> None:
    state.values[SIGNATURE_ALG] = str(attributes.get(SIGNATURE_ALG) or ANY)
    state.values[REQUIRED] = str(attributes.get(REQUIRED) or "")
    state.values[REQUEST_URIS] = "\n".join(u for u in str(attributes.get(REQUEST_URIS) or "").split("##") if u)
    state.values[REQUIRE_PAR] = str(attributes.get(REQUIRE_PAR) or "").lower() == "true"


def read(form: Mapping[str, str], state: FormState, attributes: dict[str, object]) -> None:
    """Put the fields' values in ``attributes``; a choice not offered is refused in words (a forged form)."""
    alg, required = form.get(SIGNATURE_ALG, ANY).strip() or ANY, form.get(REQUIRED, "").strip()
    uris = [u.strip() for u in form.get(REQUEST_URIS, "").splitlines() if u.strip()]
    par = checkbox(form, REQUIRE_PAR)
    state.values.update({SIGNATURE_ALG: alg, REQUIRED: required, REQUEST_URIS: "\n".join(uris), REQUIRE_PAR: par})
    if alg not in ALGORITHMS:
        state.errors[SIGNATURE_ALG] = f"Request object signature algorithm: unknown value {alg}."
    if required not in {value for value, _ in REQUIRED_CHOICES}:
        state.errors[REQUIRED] = f"Request object required: unknown value {required}."
    if alg == ANY:  # the console's "any" sets nothing (request_object.ANY)
        attributes.pop(SIGNATURE_ALG, None)
    else:
        attributes[SIGNATURE_ALG] = alg
    for key, value in ((REQUIRED, required), (REQUEST_URIS, "##".join(uris))):
        if value:
            attributes[key] = value
        else:
            attributes.pop(key, None)
    if par or REQUIRE_PAR in attributes:  # off is stored as "false" once set, as Keycloak's console sends it
        attributes[REQUIRE_PAR] = "true" if par else "false"
