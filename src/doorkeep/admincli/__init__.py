"""``doorkeep admin``: a kcadm-style command line client of a running Doorkeep (or Keycloak) server.

It speaks only HTTP (the Admin REST API and the token endpoint) and imports nothing of the server, so
the same commands work against Keycloak 26. ``config`` is the per-user credentials file, ``session``
logs in and refreshes, ``http`` and ``api`` send requests and turn failures into kcadm's one-line
errors, ``attributes`` is ``-s``/``-d`` and the update merge, ``paths`` kcadm's path convention,
``output`` json/table/csv and ``--fields``; ``commands`` and ``shortcuts`` are the click commands.
"""
