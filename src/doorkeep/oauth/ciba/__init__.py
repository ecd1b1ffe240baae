"""OpenID Connect Client-Initiated Backchannel Authentication (CIBA Core 1.0), as Keycloak 26 runs it: the poll
mode, the backchannel authentication endpoint (``endpoint``), the HTTP authentication channel to the
authentication device and its callback (``channel``, ``callback``), and the auth_req_id (``auth_req_id``). The
grant is ``oauth/grants/ciba.py``; requests are kept in the device authorizations' store, as Keycloak keeps them
in its OAuth2DeviceCodeModel single-use entries."""
