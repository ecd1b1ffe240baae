"""``KEYCLOAK_SESSION`` as Keycloak 26.1+ writes it (AuthenticationManager.createLoginCookie): the base64url
SHA-256 of the session id, Max-Age the session's max lifespan; and the login-status iframe that compares the
hashed ``session_state`` with it (login-status-iframe.ftl), run under Node with a stand-in DOM."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from browser_flow import code_from, start, submit
from support import seed_client, seed_realm, seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

IFRAME = Path(__file__).parents[2] / "src/doorkeep/console/templates/protocol/login_status_iframe.html"


def hashed(session_id: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(session_id.encode()).digest()).rstrip(b"=").decode()


def set_cookie(response: httpx.Response, name: str) -> str:
    [header] = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    return header


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock, remember_me=True)
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", "user1")
    return env


async def login(env: Env, **fields: str) -> tuple[httpx.Response, str]:
    page = await start(env.http, "test", "app")
    done = await submit(env.http, page, username="user1", password="password", **fields)
    return done, code_from(done)["session_state"]


async def test_the_session_cookie_holds_the_hash_of_the_session_id_for_the_sessions_max_lifespan(realm: Env) -> None:
    done, session_state = await login(realm)
    session = set_cookie(done, "KEYCLOAK_SESSION")
    assert session.startswith(f"KEYCLOAK_SESSION={hashed(session_state)};")
    assert session_state not in session
    assert "Max-Age=36000" in session and "HttpOnly" not in session  # the iframe's script reads it
    assert "Max-Age" not in set_cookie(done, "KEYCLOAK_IDENTITY")  # a browser-session cookie


async def test_a_remember_me_login_uses_the_remember_me_max_lifespan_for_both_cookies(realm: Env) -> None:
    await update_realm(realm.db, "test", sso_session_max_lifespan_remember_me=7200)
    done, _ = await login(realm, rememberMe="on")
    assert "Max-Age=7200" in set_cookie(done, "KEYCLOAK_SESSION")
    assert "Max-Age=7200" in set_cookie(done, "KEYCLOAK_IDENTITY")


async def test_a_remember_me_login_without_its_own_lifespan_uses_the_sso_max(realm: Env) -> None:
    await update_realm(realm.db, "test", sso_session_max_lifespan=5000)
    done, _ = await login(realm, rememberMe="on")
    assert "Max-Age=5000" in set_cookie(done, "KEYCLOAK_SESSION")
    assert "Max-Age=5000" in set_cookie(done, "KEYCLOAK_IDENTITY")


# --- the iframe's comparison ------------------------------------------------------------------------------
HARNESS = """
const page = require('fs').readFileSync(process.argv[1], 'utf8');
const script = page.slice(page.indexOf('>', page.indexOf('<script')) + 1, page.indexOf('</script>'));
const [cookieValue, posted, subtle] = JSON.parse(process.argv[2]);
let handler = null;
const answers = [];
global.window = {addEventListener: (_, h) => { handler = h; }, crypto: subtle ? globalThis.crypto : undefined};
if (!subtle) { Object.defineProperty(globalThis, 'crypto', {value: undefined, configurable: true}); }
global.document = {cookie: cookieValue === null ? '' : 'other=1; KEYCLOAK_SESSION=' + cookieValue};
global.location = {origin: 'http://kc', pathname: '/realms/test/protocol/openid-connect/login-status-iframe.html'};
global.fetch = async () => ({ok: true});  // /init: the origin may use the client
global.addEventListener = window.addEventListener;
eval(script);
handler({data: 'app ' + posted, origin: 'http://app', source: {postMessage: (m) => answers.push(m)}});
setTimeout(() => console.log(JSON.stringify(answers)), 50);
"""


def iframe_answer(cookie: str | None, posted: str, *, subtle: bool = True) -> list[str]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    args = [node, "-e", HARNESS, str(IFRAME), json.dumps([cookie, posted, subtle])]
    result = subprocess.run(args, capture_output=True, text=True, timeout=30, check=True)
    answer: list[str] = json.loads(result.stdout)
    return answer


@pytest.mark.parametrize("subtle", [True, False], ids=["web-crypto", "no-secure-context"])
def test_the_iframe_says_unchanged_for_the_session_whose_hash_is_in_the_cookie(subtle: bool) -> None:
    session_id = "0f9e6a1c-3b7d-4c55-9d1e-2a8b7c6d5e4f"
    assert iframe_answer(hashed(session_id), session_id, subtle=subtle) == ["unchanged"]
    assert iframe_answer(hashed(session_id), "another-session", subtle=subtle) == ["changed"]
    assert iframe_answer(session_id, session_id, subtle=subtle) == ["changed"]  # the bare id is no longer the value


def test_the_iframe_still_reads_a_cookie_written_before_26_1() -> None:
    assert iframe_answer("test/user-id/sid-1", "sid-1") == ["unchanged"]
    assert iframe_answer("test/user-id/sid-1", "sid-2") == ["changed"]
