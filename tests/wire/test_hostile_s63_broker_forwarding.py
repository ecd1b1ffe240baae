"""Hostile variants of what the client's request forwards to an identity provider (broker/forwarding.py, session 62;
the exact-name case was fixed with test_kc_port6_broker_request_params). Names differing only in case from the
broker's own parameters (a provider whose framework reads query names case-insensitively, as ASP.NET Core's
does, would see two ``state`` values), names that need encoding, and values with CR LF, NUL or ``&`` are never a
second copy of ``state``, ``nonce``, ``redirect_uri``, ``client_id``, ``response_type``, ``scope`` or the PKCE
parameters at the provider, and are sent encoded as one parameter each."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from broker_support import browser, button, served, start_login
from browser_flow import REDIRECT
from wire_env import Env

pytestmark = pytest.mark.anyio

PROVIDER_AUTH = "/realms/provider/protocol/openid-connect/auth"
PKCE = {"code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256"}
OWN = ("state", "nonce", "redirect_uri", "client_id", "response_type", "scope", "code_challenge")


async def _sent(env: Env, forward: str, asked: dict[str, str], *, pkce: bool = True) -> list[tuple[str, str]]:
    """The query the broker sends the provider for a login asking ``asked``, the provider forwarding ``forward``."""
    async with served(env) as broker:
        config = broker.provider_rep(forwardParameters=forward, pkceEnabled=str(pkce).lower(), pkceMethod="S256")
        await broker.add_provider(config=config["config"])
        async with browser(broker) as http:
            page = await start_login(http, **asked)
            assert page.status_code == 200, page.text[:500]
            sent = await http.get(button(page))
    location = sent.headers["location"]
    assert urlsplit(location).path == PROVIDER_AUTH, location
    return parse_qsl(urlsplit(location).query, keep_blank_values=True)


def _once_and_the_brokers(query: list[tuple[str, str]]) -> None:
    lowered = [k.lower() for k, _ in query]
    for own in OWN:
        assert lowered.count(own) == 1, (own, query)
    values = dict(query)
    assert values["state"] != "st4te" and values["nonce"] != "client-nonce", query
    assert "/broker/" in values["redirect_uri"] and values["redirect_uri"] != REDIRECT, query
    assert values["code_challenge"] != "client-challenge", query


@pytest.mark.parametrize(
    "asked",
    [
        {"STATE": "evil-state", "Nonce": "evil-nonce", "Redirect_Uri": "https://evil.example/cb", "extra": "kept"},
        {"CLIENT_ID": "evil", "Response_Type": "token", "SCOPE": "openid admin", "Code_Challenge": "client-challenge"},
    ],
    ids=["state-nonce-redirect", "client-type-scope-pkce"],
)
async def test_names_differing_in_case_from_the_brokers_own_are_not_forwarded(env: Env, asked: dict[str, str]) -> None:
    """(At most five additional parameters are kept, Keycloak's additionalReqParamsMaxNumber: two requests.)"""
    query = await _sent(env, ", ".join(asked), {"nonce": "client-nonce", **asked})
    _once_and_the_brokers(query)
    if "extra" in asked:
        assert dict(query).get("extra") == "kept", query  # the control: a name of no protocol parameter is forwarded


async def test_the_clients_code_challenge_is_not_forwarded_without_pkce(env: Env) -> None:
    """With the provider's PKCE off the broker sends no challenge of its own; the client's would bind the
    provider's code to a verifier the broker never has."""
    query = await _sent(env, "code_challenge, code_challenge_method", PKCE, pkce=False)
    names = [k for k, _ in query]
    assert "code_challenge" not in names and "code_challenge_method" not in names, query


@pytest.mark.parametrize(
    "value",
    ["a\r\nSet-Cookie: x=1", "a&state=evil&b=c", "a#frag", "a b+c%00", "\u2028é\U0001f600"],
    ids=["crlf", "ampersand", "hash", "percent", "unicode"],
)
async def test_a_forwarded_value_is_one_encoded_parameter(env: Env, value: str) -> None:
    query = await _sent(env, "extra", {"extra": value})
    _once_and_the_brokers(query)
    assert [v for k, v in query if k == "extra"] == [value], query


async def test_a_name_needing_encoding_is_sent_encoded(env: Env) -> None:
    query = await _sent(env, "a&state=evil, b=c", {"a&state=evil": "1", "b=c": "2"})
    _once_and_the_brokers(query)
    assert ("a&state=evil", "1") in query and ("b=c", "2") in query, query
