"""Names that end up in URL paths, given control characters: ReservedCharValidator's pattern starts with
``\\u0000-\\u001F`` and its message shows such a character as ``0x`` and its hex code ("Character 0x9 not
allowed."). A realm's name, its id and its supported locales, and an identity provider's alias (whose Java ``\\s``
white space is "Empty Space not allowed." first) are refused; nothing is made or renamed."""

from __future__ import annotations

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio

REALMS = "/admin/realms"
CONTROLS = [("k\tl", "0x9"), ("n\x00ul", "0x0"), ("u\x1fs", "0x1f"), ("line\nbreak", "0xa"), ("e\x1bsc", "0x1b")]


@pytest.mark.parametrize(("name", "shown"), CONTROLS)
async def test_a_realm_name_or_id_with_a_control_character_is_refused(env: Env, name: str, shown: str) -> None:
    headers = await env.admin_headers()
    refused = {"errorMessage": f"Character {shown} not allowed."}
    for rep in ({"realm": name}, {"realm": "by-id", "id": name}):
        created = await env.http.post(REALMS, headers=headers, json=rep)
        assert (created.status_code, created.json()) == (400, refused), rep
    assert (await env.http.post(REALMS, headers=headers, json={"realm": "plain"})).status_code == 201
    renamed = await env.http.put(f"{REALMS}/plain", headers=headers, json={"realm": name})
    assert (renamed.status_code, renamed.json()) == (400, refused)
    assert [r["realm"] for r in (await env.http.get(REALMS, headers=headers)).json()] == ["master", "plain"]


@pytest.mark.parametrize(("locale", "shown"), CONTROLS)
async def test_a_supported_locale_with_a_control_character_is_refused(env: Env, locale: str, shown: str) -> None:
    headers = await env.admin_headers()
    refused = {"errorMessage": f"Character {shown} not allowed."}
    created = await env.http.post(REALMS, headers=headers, json={"realm": "loc", "supportedLocales": ["en", locale]})
    assert (created.status_code, created.json()) == (400, refused)
    assert (await env.http.post(REALMS, headers=headers, json={"realm": "loc"})).status_code == 201
    updated = await env.http.put(f"{REALMS}/loc", headers=headers, json={"supportedLocales": [locale]})
    assert (updated.status_code, updated.json()) == (400, refused)
    assert (await env.http.get(f"{REALMS}/loc", headers=headers)).json().get("supportedLocales", []) == []


@pytest.mark.parametrize(
    ("alias", "message"),
    [
        ("a\tb", "Empty Space not allowed."),  # validateNoSpace's \s first
        ("a\nb", "Empty Space not allowed."),
        ("a\x0bb", "Empty Space not allowed."),
        ("a\x00b", "Character 0x0 not allowed."),
        ("a\x1bb", "Character 0x1b not allowed."),
    ],
)
async def test_an_identity_provider_alias_with_a_control_character_is_refused(
    env: Env, alias: str, message: str
) -> None:
    headers = await env.admin_headers()
    url = f"{REALMS}/master/identity-provider/instances"
    rep = {"alias": alias, "providerId": "oidc", "config": {"clientId": "c", "clientSecret": "s"}}
    created = await env.http.post(url, headers=headers, json=rep)
    assert (created.status_code, created.json()) == (400, {"errorMessage": message})
    assert (await env.http.get(url, headers=headers)).json() == []
