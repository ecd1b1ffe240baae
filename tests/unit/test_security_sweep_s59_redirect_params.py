"""An attacker's sweep of session 58's response-parameter refusal in redirect URIs (Keycloak 26.7.3's
RedirectUtils.containsForbiddenOidcParameters, keycloak#49959 and #51909): a ``redirect_uri`` or
``post_logout_redirect_uri`` that already carries ``code``, ``state`` or another response parameter, in any
spelling Keycloak's ``UriUtils.decodeQueryString`` decodes (percent-encoded, ``+``, no value, in the fragment), is
refused; so is one in another case (Doorkeep folds case, a stricter reading). Names that decode to something else
(a NUL or a space added, a zero-width space, a ``;`` separator, a ``?`` inside a value, an encoded ``&``) are other
parameters for Keycloak too, and pass. With the escape hatch on, logout's ``state`` replaces every ``state``
by its decoded name, so none of the caller's survives beside it. All held."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from doorkeep.model import Client
from doorkeep.oauth import redirect_uris

BASE = "https://sso.example"
CB = "https://app.example/cb"
APP = Client(id="c", realm_id="r", client_id="app", redirect_uris=(f"{CB}*",))

REFUSED = [
    "?code=x",
    "?CODE=x",
    "?c%6Fde=x",
    "?a=1&code",
    "?a=1&code=",
    "#code=x",
    "#a&state=y",
    "?state=s",
    "?%73tate=1",
    "?StAtE=1",
    "?session_state=1",
    "?iss=1",
    "?error=1",
    "?error_description=1",
    "?response=1",
    "?kc_action_status=1",
    "?id_token=1",
    "?access_token=1",
    "?token_type=1",
    "?expires_in=1",
    "?x=1&code=1&code=2",
]
PASSED = [
    "?x=1&x=2",
    "?st+ate=1",
    "?code%00=1",
    "?code;x=1",
    ";code=1",
    "?a=b?code=1",
    "?%E2%80%8Bcode=1",
    "?x=%26code%3D1",
]


@pytest.mark.parametrize("suffix", REFUSED)
def test_a_response_parameter_in_any_spelling_is_refused_at_login_and_logout(suffix: str) -> None:
    assert redirect_uris.resolve(CB + suffix, APP, BASE) is None
    assert redirect_uris.post_logout(CB + suffix, APP, BASE) is None


@pytest.mark.parametrize("suffix", PASSED)
def test_a_name_that_decodes_to_another_parameter_passes(suffix: str) -> None:
    assert redirect_uris.resolve(CB + suffix, APP, BASE) == CB + suffix
    assert redirect_uris.post_logout(CB + suffix, APP, BASE) == CB + suffix


@pytest.mark.parametrize("suffix", ["?state=evil", "?%73tate=evil", "?state=a&state=b", "?state=evil#state=frag"])
def test_with_the_escape_hatch_logouts_state_replaces_every_state(suffix: str) -> None:
    allowed = redirect_uris.post_logout(CB + suffix, APP, BASE, allow_params=True)
    assert allowed == CB + suffix
    query = parse_qs(urlsplit(redirect_uris.with_state(allowed, "ours")).query)
    assert query["state"] == ["ours"]
