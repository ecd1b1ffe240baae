"""The login theme's message catalogs, one module per language, keyed as Keycloak's ``messages_xx.properties``
of the base login theme (``loginAccountTitle``, ``doLogIn``, ...). ``{0}`` is a parameter; a key a catalog
lacks is taken from the English one (Keycloak's theme falls back along the locale's parents to English)."""
