"""Per-realm signing keys: the key material (RSA, EC, HMAC, JWKS) and the per-process key ring."""
