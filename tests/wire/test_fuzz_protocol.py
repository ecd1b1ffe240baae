"""Fuzzing the protocol endpoints: no generated query, form, header or path gets a 5xx (security review L1).

Bounded and derandomised (see fuzz_support.py): the same few hundred requests on every run.
"""

from __future__ import annotations

import base64

import pytest
from hypothesis import strategies as st

from browser_flow import REDIRECT, form_action, form_fields, start
from fuzz_support import assert_no_server_error, fuzz, headers, params, segment, text
from support import password_grant, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
OIDC = "/realms/test/protocol/openid-connect"
FORM_KEYS = [
    "grant_type",
    "client_id",
    "client_secret",
    "code",
    "redirect_uri",
    "refresh_token",
    "username",
    "password",
    "scope",
    "token",
    "token_type_hint",
    "code_verifier",
    "client_assertion",
    "client_assertion_type",
    "audience",
    "subject_token",
    "requested_token_type",
    "access_token",
    "id_token_hint",
    "post_logout_redirect_uri",
    "state",
    "ui_locales",
    "logout_hint",
]
AUTH_KEYS = [
    "client_id",
    "redirect_uri",
    "response_type",
    "response_mode",
    "scope",
    "state",
    "nonce",
    "prompt",
    "max_age",
    "login_hint",
    "code_challenge",
    "code_challenge_method",
    "ui_locales",
    "acr_values",
    "claims",
    "request",
    "request_uri",
    "id_token_hint",
    "display",
    "kc_idp_hint",
]
GRANTS = [
    "password",
    "authorization_code",
    "refresh_token",
    "client_credentials",
    "urn:ietf:params:oauth:grant-type:token-exchange",
    "urn:ietf:params:oauth:grant-type:device_code",
    "implicit",
    "",
]


async def _setup(env: Env) -> list[str]:
    """Realm ``test`` with a confidential and a public client; real tokens to mix into the values."""
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",), service_accounts=True)
    await seed_client(env.db, "test", "spa", public=True, redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", "user1")
    tokens = (await password_grant(env.http, "test", "app", "user1", scope="openid offline_access")).json()
    return [tokens["access_token"], tokens["refresh_token"], tokens["id_token"]]


def _authorization(tokens: list[str]) -> st.SearchStrategy[dict[str, str]]:
    basic = st.tuples(text, text).map(lambda p: "Basic " + base64.b64encode(f"{p[0]}:{p[1]}".encode()).decode())
    values = st.one_of(
        basic,
        st.sampled_from([f"Bearer {t}" for t in tokens]),
        text.map(lambda t: f"Bearer {t}"),
        st.just("Basic YXBwOnNlY3JldA=="),
        text,
    )
    return st.one_of(st.just({}), values.map(lambda v: {"Authorization": v}))


async def test_token_introspect_revoke_userinfo_and_logout_never_answer_5xx(env: Env) -> None:
    tokens = await _setup(env)
    form_values = st.one_of(text, st.sampled_from(tokens))
    form = st.dictionaries(st.one_of(st.sampled_from(FORM_KEYS), st.text(max_size=5)), form_values, max_size=7)
    grant = st.fixed_dictionaries({"grant_type": st.sampled_from(GRANTS)})
    paths = st.sampled_from(["token", "token/introspect", "revoke", "userinfo", "logout", "certs"])
    content_types = st.sampled_from(["application/x-www-form-urlencoded", "application/json", "text/plain", ""])
    request = st.tuples(paths, st.sampled_from(["POST", "GET"]), grant, form, _authorization(tokens), content_types)

    async def check(case: tuple[str, str, dict[str, str], dict[str, str], dict[str, str], str]) -> None:
        path, method, grant_type, fields, auth, ctype = case
        url = f"{OIDC}/{path}"
        if method == "GET":
            response = await env.http.get(url, params=fields, headers=headers(auth))
        else:
            response = await env.http.post(
                url, data={**grant_type, **fields}, headers=headers({**auth, "Content-Type": ctype} if ctype else auth)
            )
        assert_no_server_error(response, case)

    await fuzz(request, check, examples=150)


async def test_the_authorization_endpoint_never_answers_5xx(env: Env) -> None:
    await _setup(env)
    fixed = st.fixed_dictionaries(
        {},
        optional={
            "client_id": st.sampled_from(["app", "spa", "account", "nope"]),
            "redirect_uri": st.just(REDIRECT),
            "response_type": st.sampled_from(["code", "token", "code id_token"]),
            "scope": st.just("openid"),
        },
    )
    request = st.tuples(st.sampled_from(["GET", "POST"]), fixed, params(AUTH_KEYS))

    async def check(case: tuple[str, dict[str, str], dict[str, str]]) -> None:
        method, base, extra = case
        query = {**base, **extra}
        env.http.cookies.clear()
        if method == "GET":
            response = await env.http.get(f"{OIDC}/auth", params=query)
        else:
            response = await env.http.post(f"{OIDC}/auth", data=query)
        assert_no_server_error(response, case)

    await fuzz(request, check, examples=120)


async def test_login_actions_never_answer_5xx_whatever_the_form(env: Env) -> None:
    await _setup(env)
    page = await start(env.http, "test", "app")
    assert page.status_code == 200, page.text[:300]
    real = {**form_fields(page.text), "action_url": form_action(page.text)}
    keys = [
        "session_code",
        "execution",
        "client_id",
        "tab_id",
        "username",
        "password",
        "password-new",
        "password-confirm",
        "accept",
        "cancel",
        "rememberMe",
        "credentialId",
        "login",
    ]
    request = st.tuples(
        st.sampled_from(["authenticate", "required-action", "consent"]),
        st.dictionaries(st.sampled_from(keys), st.one_of(text, st.sampled_from(list(real.values()))), max_size=6),
        st.dictionaries(st.sampled_from(["session_code", "execution", "client_id", "tab_id"]), text, max_size=3),
        st.booleans(),
    )

    async def check(case: tuple[str, dict[str, str], dict[str, str], bool]) -> None:
        action, form, query, keep_cookies = case
        if not keep_cookies:
            env.http.cookies.clear()
        response = await env.http.post(f"/realms/test/login-actions/{action}", params=query, data=form)
        assert_no_server_error(response, case)

    await fuzz(request, check, examples=100)


async def test_realm_paths_and_discovery_never_answer_5xx(env: Env) -> None:
    await _setup(env)
    tails = [
        "",
        "/.well-known/openid-configuration",
        "/protocol/openid-connect/certs",
        "/protocol/openid-connect/login-status-iframe.html",
        "/protocol/openid-connect/login-status-iframe.html/init",
        "/protocol/openid-connect/3p-cookies/step1.html",
        "/account",
        "/login-actions/authenticate",
    ]
    request = st.tuples(
        segment(["test", "master"]),
        st.sampled_from(tails),
        params(["client_id", "origin"]),
        st.sampled_from(["GET", "POST", "OPTIONS"]),
        st.dictionaries(st.sampled_from(["Origin", "Host", "X-Forwarded-Host", "Accept"]), text, max_size=2),
    )

    async def check(case: tuple[str, str, dict[str, str], str, dict[str, str]]) -> None:
        realm, tail, query, method, extra = case
        response = await env.http.request(method, f"/realms/{realm}{tail}", params=query, headers=headers(extra))
        assert_no_server_error(response, case)

    await fuzz(request, check, examples=80)
