"""A client's standard token exchange settings (OIDCAdvancedConfigWrapper), read by the grant and shown by
the Admin Console; kept apart from the grant so that only the token endpoint imports a grant module."""

from __future__ import annotations

from doorkeep.model import Client

ENABLED = "standard.token.exchange.enabled"  # the admin console's "Standard Token Exchange" switch
REFRESH_ENABLED = "standard.token.exchange.enableRefreshRequestedTokenType"  # NO (default) or SAME_SESSION


def enabled(client: Client) -> bool:
    """OIDCAdvancedConfigWrapper.isStandardTokenExchangeEnabled."""
    return client.attr_bool(ENABLED)
