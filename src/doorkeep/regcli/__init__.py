"""``doorkeep reg``: a kcreg-style command line client of a running Doorkeep's (or Keycloak's) client registration.

Like ``doorkeep admin`` it speaks only HTTP (``/realms/{realm}/clients-registrations/{provider}``, the token
endpoint, and for ``update-token`` the Admin REST API) and imports nothing of the server. It reuses the admin
CLI's login, credentials file, errors and JSON printing: ``config`` is kcreg's file (the admin file's shape plus
``initialToken`` and the ``clients`` registration access tokens), ``endpoints`` kcreg's ``-e`` types,
``documents`` reading ``-f``/``-s`` and telling the formats apart, ``access`` which token a command sends,
``commands`` and ``config_commands`` the click commands.
"""
