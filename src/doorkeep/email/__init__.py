"""E-mail as Keycloak sends it: the realm's SMTP server (``smtp``), the localized messages (``messages``) and
the signed links they carry (``action_tokens``)."""
