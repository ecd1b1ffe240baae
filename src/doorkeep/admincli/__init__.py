"""``doorkeep admin``: a kcadm-style command line client of a running Doorkeep (or Keycloak) server.

It speaks only HTTP (the Admin REST API and the token endpoint) and imports nothing of the server, so
the same commands work against Keycloak 26. ``config`` is the per-user credentials file, ``session``
logs in and refreshes, ``auth`` picks the file, one-time credentials or ``--token``; ``http`` and
``api`` send requests and turn failures into kcadm's error lines (``errors`` and ``options`` give
kcadm's exit codes), ``attributes`` is ``-s``/``-d`` and the update merge, ``paths`` kcadm's path
convention, ``output`` json/table/csv and ``--fields`` (``jackson`` kcadm's JSON text); ``commands``
and ``shortcuts`` are the click commands.
"""
