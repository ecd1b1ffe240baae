"""Every page comes from a Jinja2 template with autoescape: hostile values are rendered as text."""

from __future__ import annotations

from doorkeep.console import pages
from doorkeep.console.templating import ENV, TEMPLATES

HOSTILE = '"><script>alert(1)</script>'


def test_autoescape_is_on_for_every_template_and_none_turns_it_off() -> None:
    assert ENV.autoescape is True  # for every template name, not only *.html
    sources = {p.relative_to(TEMPLATES).as_posix(): p.read_text() for p in TEMPLATES.rglob("*.html")}
    assert sources
    for name, source in sources.items():
        assert "|safe" not in source.replace(" ", "") and "autoescapefalse" not in source.replace(" ", ""), name


def test_login_consent_logout_and_error_pages_escape_every_value() -> None:
    rendered = [
        pages.login(HOSTILE, HOSTILE, HOSTILE, username=HOSTILE, error=HOSTILE, remember_me=True),
        pages.update_password(HOSTILE, HOSTILE, HOSTILE, HOSTILE),
        pages.consent(HOSTILE, HOSTILE, HOSTILE, HOSTILE, [HOSTILE]),
        pages.error(HOSTILE, HOSTILE),
        pages.info(HOSTILE, HOSTILE, HOSTILE),
        pages.logout_confirm(HOSTILE, HOSTILE, HOSTILE, {HOSTILE: HOSTILE}),
        pages.form_post(HOSTILE, {HOSTILE: HOSTILE}),
    ]
    for html in rendered:
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_login_page_keeps_the_markup_clients_and_tests_rely_on() -> None:
    html = pages.login("Demo", "/realms/demo/login-actions/authenticate", "code1")
    # Keycloak's login.ftl: action before method (python-keycloak's tests scrape ``action="(.*)" method``)
    assert '<form id="kc-form-login" action="/realms/demo/login-actions/authenticate" method="post">' in html
    assert '<input type="hidden" name="session_code" value="code1">' in html
    assert '<button type="submit" id="kc-login" name="login">Sign In</button>' in html
    assert '<link rel="stylesheet" href="/resources/console/login.css">' in html
