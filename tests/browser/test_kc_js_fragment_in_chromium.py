"""keycloak-js's preserves-fragment and preserves-path-fragment specs (keycloak/keycloak-js ``test/tests``), in
Chromium against Doorkeep: the app's own fragment survives the login round trip through Doorkeep's
``response_mode=fragment`` answer, unencoded.

Upstream's "preserves fragment with conflicting (known oauth) params" (``#state=anotherValue``) cannot pass against
Keycloak 26.4.14+ either: ``RedirectUtils.containsForbiddenOidcParameters`` refuses a ``redirect_uri`` whose query
or fragment already carries ``state`` (HTTP parameter pollution), and so does Doorkeep; the port asserts that
refusal."""

from __future__ import annotations

import pytest
from kc_js_support import TestBed, bed, shared_realm, stage

pytestmark = [pytest.mark.browser, pytest.mark.interop]
__all__ = ["bed", "shared_realm", "stage"]


@pytest.mark.parametrize(
    "fragment",
    [
        "#section=preserved",
        "#/admin/users",
        "#/admin/users?tab=details&sort=asc",
        "#?tab=details",
        "#&&foo=bar&&baz=qux&=bax&fuz=",
        "#/admin/maintenance/scripts",  # preserves-path-fragment.spec
        "#/admin/users?tab=details",  # preserves-path-fragment.spec
    ],
)
def test_preserves_the_url_fragment(bed: TestBed, fragment: str) -> None:
    executor = bed.executor
    init = executor.default_init_options()
    executor.navigate_to_app(fragment)
    executor.initialize_adapter(init)
    executor.login()
    executor.submit_login_form()
    assert executor.initialize_adapter(init) is True
    final = "#" + executor.page.url.split("#", 1)[1] if "#" in executor.page.url else ""
    assert final == fragment
    assert "%2F" not in final and "%3D" not in final


def test_a_fragment_with_a_known_oauth_param_is_refused_as_keycloak_does(bed: TestBed) -> None:
    executor = bed.executor
    executor.navigate_to_app("#state=anotherValue")
    executor.initialize_adapter(executor.default_init_options())
    executor.login()
    assert executor.page.locator("#kc-error-message").inner_text() == "Invalid parameter: redirect_uri"
