"""users.recovery_codes: Keycloak 26's recovery authentication codes (RecoveryAuthnCodesUtils and its credential)."""

from __future__ import annotations

import base64
import dataclasses
import hashlib

from doorkeep.model import Realm
from doorkeep.realms.required_actions import defaults, with_actions
from doorkeep.users import recovery_codes as rc


def test_twelve_codes_of_twelve_characters_from_keycloaks_alphabet() -> None:
    codes = rc.generate()
    assert len(codes) == 12 and len(set(codes)) == 12
    assert all(len(c) == 12 and set(c) <= set(rc.UPPERNUM) for c in codes)
    assert "0" not in rc.UPPERNUM and "O" not in rc.UPPERNUM
    assert rc.grouped("ABCDEFGHJKLM") == "ABCD-EFGH-JKLM"


def test_the_credential_holds_only_sha512_digests_numbered_from_one() -> None:
    codes = rc.generate()
    cred = rc.new_credential("u1", codes, 1234)
    assert cred.type == "recovery-authn-codes" and cred.user_label == "Recovery codes" and cred.created_date == 1234
    assert cred.credential_data == {"algorithm": "SHA-512", "totalCodes": 12, "remainingCodes": 12}
    first = cred.secret_data["codes"][0]
    assert first == {
        "number": 1,
        "encodedHashedValue": base64.b64encode(hashlib.sha512(codes[0].encode()).digest()).decode(),
    }
    assert not any(code in repr(cred) for code in codes)


def test_only_the_next_code_matches_with_or_without_dashes() -> None:
    codes = rc.generate()
    cred = rc.new_credential("u1", codes, 0)
    assert rc.matches_next(cred, codes[0]) and rc.matches_next(cred, rc.grouped(codes[0]))
    assert not rc.matches_next(cred, codes[1]) and not rc.matches_next(cred, codes[0].lower())
    assert not rc.matches_next(cred, codes[0] + "A" * 100)
    secret, data = rc.spent(cred)
    assert [c["number"] for c in secret["codes"]] == list(range(2, 13)) and data["remainingCodes"] == 11
    assert data["totalCodes"] == 12


def test_a_malformed_stored_credential_matches_nothing() -> None:
    cred = rc.new_credential("u1", rc.generate(), 0)
    broken_ones: list[dict[str, object]] = [{}, {"codes": "x"}, {"codes": [{"number": "1"}]}, {"codes": []}]
    for broken in broken_ones:
        odd = dataclasses.replace(cred, secret_data=broken)
        assert not rc.matches_next(odd, "ABCDABCDABCD")
        assert rc.next_number(odd) is None


def test_the_warning_threshold_comes_from_the_required_actions_config() -> None:
    realm = Realm(id="r1", name="test")
    cred = rc.new_credential("u1", rc.generate(), 0)
    assert rc.warning_threshold(realm) == 4
    assert rc.metadata(realm, cred) == {"infoMessage": {"key": "recovery-codes-number-used", "parameters": ["0/12"]}}
    actions = [
        dataclasses.replace(a, config={"warning_threshold": "13"}) if a.alias == rc.CONFIGURE else a for a in defaults()
    ]
    configured = with_actions(realm, actions)
    assert rc.warning_threshold(configured) == 13
    shown = rc.metadata(configured, cred)
    assert shown["warningMessageTitle"] == {"key": "recovery-codes-number-remaining", "parameters": ["12"]}
    assert shown["warningMessageDescription"] == {"key": "recovery-codes-generate-new-codes", "parameters": []}
