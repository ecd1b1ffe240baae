"""Security sweep s67x (review L1 for session 67's organization selection on refresh): the organization picker
posted with a hostile ``kc.org`` (NUL, an unknown alias, very long text, an organization's id instead of its
alias), and a refresh of the picked organization's token with hostile extra parameters, answer no 5xx."""

from __future__ import annotations

import pytest

from browser_flow import submit
from organization_login_support import member_of_both, token_response, typed
from support import claims
from wire_env import Env

pytestmark = pytest.mark.anyio
HOSTILE = ["", "\x00", "acme\x00", "a" * 20_000, "²", "nosuch", "ACME", " acme", "acme,beta", "%00", "😀", "[]"]
TOKEN = "/realms/test/protocol/openid-connect/token"


async def test_a_hostile_organization_pick_and_refresh_answer_no_5xx(realm: Env) -> None:
    ids = await member_of_both(realm)
    for value in [*HOSTILE, ids["acme"]]:
        realm.http.cookies.clear()
        page = await typed(realm.http, "user1", scope="openid organization")
        assert page.status_code == 200, page.text[:300]
        picked = await submit(realm.http, page, **{"kc.org": value})
        assert picked.status_code < 500, (value[:20], picked.status_code, picked.text[:300])
    realm.http.cookies.clear()
    page = await typed(realm.http, "user1", scope="openid organization")
    tokens = await token_response(realm.http, await submit(realm.http, page, **{"kc.org": "beta"}))
    assert claims(tokens["refresh_token"])["organization"] == "beta"
    for value in HOSTILE:
        form = {"grant_type": "refresh_token", "client_id": "app", "client_secret": "secret",
                "refresh_token": tokens["refresh_token"], "organization": value, "scope": f"organization:{value}"}  # fmt: skip
        answer = await realm.http.post(TOKEN, data=form)
        assert answer.status_code < 500, (value[:20], answer.status_code, answer.text[:300])
