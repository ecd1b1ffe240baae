"""``doorkeep admin``: a kcadm-style command line client of a running Doorkeep (or Keycloak) server.

It speaks only HTTP (the Admin REST API and the token endpoint) and imports nothing of the server: the
same commands work against Keycloak 26. Modules: ``config`` (the per-user credentials file), ``session``
(log in, refresh), ``http`` (requests and kcadm's error lines), ``attributes`` (``-s``/``-d``),
``paths`` (kcadm's path convention), ``output`` (json, table, csv, ``--fields``), ``commands`` and
``shortcuts`` (the click commands).
"""
