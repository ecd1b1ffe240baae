"""``/admin/realms/{realm}/localization`` beyond Keycloak's own tests of it (those are
test_keycloak_realm_localization_resource_test.py): who may read and write, the media types, the JSON file
upload, bodies that are not texts, texts that come with an imported realm, and texts a realm export carries
back (``localizationTexts``, an emptied locale included)."""

from __future__ import annotations

import pytest

from admin_support import forbidden, realm_admin
from browser_flow import REDIRECT, start, submit
from doorkeep.realms.exportimport.files import export_realm
from support import seed_client, seed_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

URL = "/admin/realms/test/localization"


async def _texts(env: Env, locale: str) -> object:
    response = await env.http.get(f"{URL}/{locale}", headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    return response.json()


async def test_any_admin_role_reads_but_only_manage_realm_writes(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    admin = await env.admin_headers()
    assert (await env.http.post(f"{URL}/en", json={"k": "v"}, headers=admin)).status_code == 204
    viewer = await realm_admin(env, "viewer", "view-users")
    assert (await env.http.get(URL, headers=viewer)).json() == ["en"]
    assert (await env.http.get(f"{URL}/en", headers=viewer)).json() == {"k": "v"}
    assert (await env.http.get(f"{URL}/en/k", headers=viewer)).text == "v"
    forbidden(await env.http.post(f"{URL}/en", json={"k": "w"}, headers=viewer))
    forbidden(await env.http.put(f"{URL}/en/k", content="w", headers={**viewer, "Content-Type": "text/plain"}))
    forbidden(await env.http.delete(f"{URL}/en/k", headers=viewer))
    forbidden(await env.http.delete(f"{URL}/en", headers=viewer))
    nobody = await realm_admin(env, "nobody")
    forbidden(await env.http.get(URL, headers=nobody))
    forbidden(await env.http.get(f"{URL}/en", headers=nobody))
    manager = await realm_admin(env, "manager", "manage-realm")
    assert (await env.http.delete(f"{URL}/en/k", headers=manager)).status_code == 204
    assert await _texts(env, "en") == {}
    assert (await env.http.get(URL, headers=admin)).json() == ["en"]  # the emptied locale stays listed


async def test_a_text_is_put_as_text_plain_and_nothing_else(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    refused = await env.http.put(f"{URL}/de/hello", json="Hallo", headers=headers)
    assert refused.status_code == 415
    assert refused.json()["error"] == "HTTP 415 Unsupported Media Type"
    saved = await env.http.put(
        f"{URL}/de/hello", content="Grüß Gott".encode(), headers={**headers, "Content-Type": "text/plain"}
    )
    assert saved.status_code == 204
    read = await env.http.get(f"{URL}/de/hello", headers=headers)
    assert read.text == "Grüß Gott" and read.headers["content-type"] == "text/plain;charset=UTF-8"


async def test_posted_texts_must_be_an_object_of_strings(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    for body in (["a"], {"k": {"nested": "x"}}, "text"):
        response = await env.http.post(f"{URL}/en", json=body, headers=headers)
        assert response.status_code == 400, (body, response.text)
    scalars = await env.http.post(f"{URL}/en", json={"n": 3, "b": True, "gone": None}, headers=headers)
    assert scalars.status_code == 204
    assert await _texts(env, "en") == {"n": "3", "b": "true"}  # Jackson's String of a scalar; nulls left out


async def test_texts_upload_as_a_json_file(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    upload = await env.http.post(
        f"{URL}/fr", files={"file": ("fr.json", b'{"hello": "Bonjour"}', "application/json")}, headers=headers
    )
    assert upload.status_code == 204, upload.text
    assert await _texts(env, "fr") == {"hello": "Bonjour"}
    broken = await env.http.post(f"{URL}/fr", files={"file": ("fr.json", b"[1]", "application/json")}, headers=headers)
    assert broken.status_code == 400 and broken.json() == {"error": "Could not read file."}
    elsewhere = await env.http.post(f"{URL}/fr", files={"other": ("x", b"{}", "application/json")}, headers=headers)
    assert elsewhere.status_code == 400 and elsewhere.json() == {"error": "HTTP 400 Bad Request"}


async def test_deleting_an_unknown_locale_is_keycloaks_404(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    response = await env.http.delete(f"{URL}/xx", headers=await env.admin_headers())
    assert response.status_code == 404
    assert response.json() == {"error": "No localization texts for locale xx found."}


async def test_an_imported_realms_texts_must_be_maps_of_strings(env: Env) -> None:
    headers = await env.admin_headers()
    bad = {"realm": "bad", "enabled": True, "localizationTexts": {"en": ["not", "a", "map"]}}
    assert (await env.http.post("/admin/realms", json=bad, headers=headers)).status_code == 400
    good = {"realm": "good", "enabled": True, "localizationTexts": {"en": {"k": "v"}}}
    assert (await env.http.post("/admin/realms", json=good, headers=headers)).status_code == 201
    response = await env.http.get("/admin/realms/good/localization/en/k", headers=headers)
    assert response.text == "v"


async def test_a_full_export_carries_the_texts_and_a_realm_imported_from_it_has_them(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    texts = {"de": {"a": "A-de"}, "en": {"a": "A-en", "b": "<b>B</b> ü"}, "fr": {"gone": "x"}}
    for locale, given in texts.items():
        assert (await env.http.post(f"{URL}/{locale}", json=given, headers=headers)).status_code == 204
    assert (await env.http.delete(f"{URL}/fr/gone", headers=headers)).status_code == 204  # fr kept, empty
    exported = await export_realm(env.db, "test")
    assert exported["localizationTexts"] == {**texts, "fr": {}}
    assert (await env.http.delete("/admin/realms/test", headers=headers)).status_code == 204
    assert (await env.http.post("/admin/realms", json=exported, headers=headers)).status_code == 201
    assert sorted((await env.http.get(URL, headers=headers)).json()) == ["de", "en", "fr"]
    assert {locale: await _texts(env, locale) for locale in ("de", "en", "fr")} == {**texts, "fr": {}}


async def test_the_theme_resources_carry_the_realms_texts_over_the_themes(env: Env) -> None:
    """ThemeResource.getLocalizationTexts: the realm's texts of the locale's chain over the theme's (de-CH, de,
    en from the general up); with ``source=true`` both, marked THEME and REALM."""
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    for locale, texts in (("en", {"doLogIn": "Enter", "only-en": "E"}), ("de", {"doLogIn": "Rein"})):
        assert (await env.http.post(f"{URL}/{locale}", json=texts, headers=headers)).status_code == 204
    swiss = {e["key"]: e["value"] for e in (await env.http.get("/resources/test/login/de-CH")).json()}
    assert (swiss["doLogIn"], swiss["only-en"], swiss["doRegister"]) == ("Rein", "E", "Registrieren")
    english = {e["key"]: e["value"] for e in (await env.http.get("/resources/test/login/en")).json()}
    assert english["doLogIn"] == "Enter"
    admin = (await env.http.get("/resources/test/admin/de")).json()
    assert sorted((e["key"], e["value"]) for e in admin) == [("doLogIn", "Rein"), ("only-en", "E")]
    marked = (await env.http.get("/resources/test/login/de?source=true")).json()
    assert {"key": "doLogIn", "value": "Anmelden", "source": "THEME"} in marked
    realm = [e for e in marked if e["source"] == "REALM"]
    assert realm == [
        {"key": "doLogIn", "value": "Rein", "source": "REALM"},
        {"key": "doLogIn", "value": "Enter", "source": "REALM"},
        {"key": "only-en", "value": "E", "source": "REALM"},
    ]


async def test_the_login_page_shows_the_realms_texts_most_specific_first(env: Env) -> None:
    """The login form renders getEnhancedMessages: a realm text over the theme's in its own locale, the theme's
    German over the realm's English on a German page, and an error the core gives in English in the realm's
    words."""
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app", redirect_uris=[REDIRECT])
    headers = await env.admin_headers()
    realm = (await env.http.get("/admin/realms/test", headers=headers)).json()
    realm |= {"internationalizationEnabled": True, "supportedLocales": ["en", "de"], "defaultLocale": "en"}
    assert (await env.http.put("/admin/realms/test", json=realm, headers=headers)).status_code == 204
    english = {"loginAccountTitle": "Welcome back", "doLogIn": "Enter", "invalidUserMessage": "Nope."}
    assert (await env.http.post(f"{URL}/en", json=english, headers=headers)).status_code == 204
    assert (await env.http.post(f"{URL}/de", json={"password": "Kennwort!"}, headers=headers)).status_code == 204

    page = await start(env.http, "test", "app")
    assert '<h1 id="kc-page-title">Welcome back</h1>' in page.text and ">Enter</button>" in page.text
    failed = await submit(env.http, page, username="nobody", password="wrong")
    assert "Nope." in failed.text

    german = await start(env.http, "test", "app", ui_locales="de")
    assert ">Anmelden</button>" in german.text  # the theme's German beats the realm's English
    assert ">Kennwort!</label>" in german.text
