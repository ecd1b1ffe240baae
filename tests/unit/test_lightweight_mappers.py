"""Which mappers feed a lightweight access token (OIDCAttributeMapperHelper.includeInLightweightAccessToken)."""

from __future__ import annotations

from doorkeep.model import Client, ProtocolMapper, Role, User
from doorkeep.oauth.mappers import claims as m
from doorkeep.oauth.mappers import lightweight


def _input() -> m.MapperInput:
    return m.MapperInput(
        client=Client(id="cid", realm_id="r", client_id="app"),
        user=User(id="u", realm_id="r", username="ann"),
        session=None,
        roles=[Role(id="1", realm_id="r", name="user")],
        role_clients={},
    )


def _mapper(kind: str, **config: str) -> ProtocolMapper:
    return ProtocolMapper(id=kind + str(sorted(config.items())), name=kind, mapper=kind, config=config)


def test_only_an_explicit_true_feeds_a_lightweight_token_whatever_access_token_claim_says() -> None:
    on = _mapper("oidc-hardcoded-claim-mapper", **{"claim.name": "on", "claim.value": "1", "lightweight.claim": "true"})
    access = _mapper(
        "oidc-hardcoded-claim-mapper", **{"claim.name": "a", "claim.value": "1", "access.token.claim": "true"}
    )
    upper = _mapper(
        "oidc-hardcoded-claim-mapper", **{"claim.name": "u", "claim.value": "1", "lightweight.claim": "TRUE"}
    )
    assert m.apply([on, access, upper], _input(), lightweight.LIGHTWEIGHT) == {"on": "1"}
    assert m.apply([on, access, upper], _input(), m.ACCESS) == {"a": "1"}


def test_mappers_that_never_feed_the_access_token_do_not_feed_a_lightweight_one() -> None:
    hardcoded_role = _mapper("oidc-hardcoded-role-mapper", role="extra", **{"lightweight.claim": "true"})
    sub = _mapper("oidc-sub-mapper", **{"lightweight.claim": "true"})
    roles = _mapper(
        "oidc-usermodel-realm-role-mapper",
        **{"claim.name": "realm_access.roles", "multivalued": "true", "lightweight.claim": "true"},
    )
    # the hardcoded role takes no flag and still renames what the role mapper reads
    out = m.apply([hardcoded_role, sub, roles], _input(), lightweight.LIGHTWEIGHT)
    assert out == {"sub": "u", "realm_access": {"roles": ["extra", "user"]}}


def test_the_client_attribute_is_read_as_java_parses_a_boolean() -> None:
    def client(value: str | None) -> Client:
        attributes = {} if value is None else {lightweight.ATTRIBUTE: value}
        return Client(id="c", realm_id="r", client_id="app", attributes=attributes)

    assert [lightweight.enabled(client(v)) for v in ("true", "True", "yes", "", None)] == [
        True,
        True,
        False,
        False,
        False,
    ]
    assert lightweight.access_kind(client("true"), m.ACCESS) == lightweight.LIGHTWEIGHT
    assert lightweight.access_kind(client(None), m.ACCESS) == m.ACCESS
