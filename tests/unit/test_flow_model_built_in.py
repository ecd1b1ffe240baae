"""The built-in flow set, kept per realm: the same ids as deriving it afresh, its configs the caller's own."""

from __future__ import annotations

import pytest

from doorkeep.model import Realm
from doorkeep.realms import auth_flows as af
from doorkeep.realms import flow_model


def test_a_kept_set_has_the_ids_derived_from_the_realm_id() -> None:
    realm = Realm(id="r-kept", name="test")
    first, again = flow_model.built_in(realm), flow_model.built_in(realm)
    assert first == again
    browser = next(f for f in first.flows if f.alias == "browser")
    assert browser.id == af.flow_uuid(realm, "browser")
    assert {c.id for c in first.configs} == {af.config_uuid(realm, c.alias or "") for c in first.configs}
    other = flow_model.built_in(Realm(id="r-other", name="test"))
    assert not {f.id for f in other.flows} & {f.id for f in first.flows}


def test_a_caller_changing_a_config_does_not_change_the_next_read() -> None:
    realm = Realm(id="r-config", name="test")
    config = flow_model.built_in(realm).configs[0]
    before = dict(config.config)
    config.config["changed"] = "yes"
    assert flow_model.built_in(realm).configs[0].config == before


def test_the_master_realm_and_another_of_the_same_id_get_their_own_sets() -> None:
    master, named = Realm(id="r-same", name="master"), Realm(id="r-same", name="test")
    assert not {f.alias for f in flow_model.built_in(master).flows} & af.ORGANIZATION_FLOWS
    assert {f.alias for f in flow_model.built_in(named).flows} >= af.ORGANIZATION_FLOWS


def test_the_kept_sets_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flow_model, "_BUILT_IN", {})
    monkeypatch.setattr(flow_model, "_BUILT_IN_KEPT", 3)
    for n in range(10):
        flow_model.built_in(Realm(id=f"r-{n}", name="test"))
        assert len(flow_model._BUILT_IN) <= 3
