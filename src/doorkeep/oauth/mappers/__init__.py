"""Protocol mappers: Keycloak's claim producers attached to clients and client scopes.

``defaults`` holds the mappers Keycloak gives its built-in client scopes, ``claims`` applies the
mapper types Doorkeep implements to a token (access, ID, userinfo, introspection).
"""
