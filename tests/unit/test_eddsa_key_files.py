"""An ``eddsa-generated`` key provider in a realm file (keys/component_files.py): the full export writes the key
pair as GeneratedEddsaKeyProviderFactory keeps it (``eddsaPrivateKey`` PKCS#8 and ``eddsaPublicKey`` SPKI, base64
DER, beside ``eddsaEllipticCurveKey``), and importing that file keeps the same key and kid, so that tokens signed
before the export still verify."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization

from doorkeep.keys import component_files, components


@pytest.mark.parametrize("curve", ["Ed25519", "Ed448"])
def test_an_eddsa_key_survives_a_full_export_and_import(curve: str) -> None:
    rep = {"name": "eddsa", "providerId": "eddsa-generated"}
    config = {"priority": ["12"], "eddsaEllipticCurveKey": [curve]}
    made = components.build(rep, config, realm_id="r", realm_name="test", component_id="c1", now=1_700_000_000)
    exported = component_files.export(made, "test")
    written = exported["config"]
    assert written["eddsaEllipticCurveKey"] == [curve] and written["priority"] == ["12"]
    public = serialization.load_der_public_key(base64.b64decode(written["eddsaPublicKey"][0]))
    assert components.key_id(public) == made.kid and components.eddsa_curve(public) == curve
    assert "kid" not in written  # the kid is KeyUtils.createKeyId of the public key, as Keycloak names it

    back = component_files.imported(exported, realm_id="r2", realm_name="test", component_id="c1", now=1_800_000_000)
    assert back is not None
    assert (back.kid, back.algorithm, back.private, back.priority) == (made.kid, "EdDSA", made.private, 12)
    assert back.config == {"priority": ["12"], "eddsaEllipticCurveKey": [curve]}


def test_the_partial_export_shows_only_the_declared_properties() -> None:
    rep = {"name": "eddsa", "providerId": "eddsa-generated"}
    made = components.build(rep, {"priority": ["3"]}, realm_id="r", realm_name="t", component_id="c", now=0)
    assert component_files.masked(made)["config"] == {"priority": ["3"], "eddsaEllipticCurveKey": ["Ed25519"]}
