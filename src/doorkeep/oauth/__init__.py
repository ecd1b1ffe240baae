"""The OAuth 2.0 / OpenID Connect protocol core: no web framework, no SQL."""
