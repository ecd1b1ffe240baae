"""realm encryption keys: every realm gets Keycloak's rsa-enc-generated and aes-generated key providers

Keycloak creates four key providers for a new realm (DefaultKeyProviders): rsa-generated, rsa-enc-generated
(RSA-OAEP, use ``enc``), hmac-generated-hs512 and aes-generated (16 bytes). Doorkeep made only the signing two;
this adds the encryption two, priority 100, to each realm that has no encryption key yet (its JWKS then lists
the RSA-OAEP key, its KC_RESTART cookie is encrypted with the AES key). Self-contained: the keys are made here
with ``cryptography``, not with code that may change after it. Generating an RSA key costs tens of
milliseconds, once per realm.

Revision ID: 0033_realm_encryption_keys
Revises: 0032_key_priority_bigint
Create Date: 2026-12-02 17:30:00.000000
"""

from __future__ import annotations

import base64
import hashlib
import os
import time
import uuid

import sqlalchemy as sa
from alembic import op
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

revision = "0033_realm_encryption_keys"
down_revision = "0032_key_priority_bigint"
branch_labels = None
depends_on = None

_KEYS = sa.table(
    "realm_keys",
    sa.column("kid", sa.String),
    sa.column("realm_id", sa.String),
    sa.column("algorithm", sa.String),
    sa.column("use", sa.String),
    sa.column("status", sa.String),
    sa.column("public_pem", sa.Text),
    sa.column("private", sa.Text),
    sa.column("created", sa.BigInteger),
    sa.column("priority", sa.BigInteger),
    sa.column("component_id", sa.String),
    sa.column("name", sa.String),
    sa.column("provider_id", sa.String),
    sa.column("config", sa.JSON),
)
_REALMS = sa.table("realms", sa.column("id", sa.String))


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _rsa_enc(realm_id: str, now: int) -> dict[str, object]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = private.public_key()
    spki = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return {
        "kid": _b64u(hashlib.sha256(spki).digest()),  # KeyUtils.createKeyId
        "realm_id": realm_id,
        "algorithm": "RSA-OAEP",
        "use": "enc",
        "status": "active",
        "public_pem": public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode(),
        "private": private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode(),
        "created": now,
        "priority": 100,
        "component_id": str(uuid.uuid4()),
        "name": "rsa-enc-generated",
        "provider_id": "rsa-enc-generated",
        "config": {"priority": ["100"], "algorithm": ["RSA-OAEP"]},
    }


def _aes(realm_id: str, now: int) -> dict[str, object]:
    return {
        "kid": str(uuid.uuid4()),
        "realm_id": realm_id,
        "algorithm": "AES",
        "use": "enc",
        "status": "active",
        "public_pem": None,
        "private": _b64u(os.urandom(16)),
        "created": now,
        "priority": 100,
        "component_id": str(uuid.uuid4()),
        "name": "aes-generated",
        "provider_id": "aes-generated",
        "config": {"priority": ["100"]},
    }


def upgrade() -> None:
    bind = op.get_bind()
    now = int(time.time())
    having = set(bind.execute(sa.select(_KEYS.c.realm_id).where(_KEYS.c.use == "enc").distinct()).scalars())
    for realm_id in bind.execute(sa.select(_REALMS.c.id)).scalars().all():
        if realm_id not in having:
            bind.execute(sa.insert(_KEYS), [_rsa_enc(realm_id, now), _aes(realm_id, now)])


def downgrade() -> None:
    # The encryption keys go (the ones this added, and any added since): the Doorkeep before it refused them.
    op.execute("DELETE FROM realm_keys WHERE use = 'enc'")
