"""What Keycloak 26's admin REST checks of a client scope representation before it writes one
(ClientScopesResource.createClientScope, ClientScopeResource.update and deleteClientScope).

* The protocol of a new scope must be a login protocol the server has: ``openid-connect`` and ``saml``
  (``docker-v2`` only with the DOCKER feature, off by default) plus ``oid4vc``, which
  validateClientScopeProtocol adds though it is not registered. No protocol is no exception:
  400 "Unexpected protocol".
* Dynamic (parameterized) scopes are a preview feature, off by default, and Doorkeep does not have it:
  validateDynamicClientScope then refuses a non-empty ``dynamic.scope.regexp`` and then an
  ``is.dynamic.scope`` of true (``Boolean.parseBoolean``: any case), in that order.
* An update that makes a scope dynamic is refused first if a client has it as a default scope
  (validateDynamicScopeUpdate).
* The last client scope of a realm is never deleted: 403.

Realm import checks none of this (RepresentationToModel.createClientScope), so it is the REST path's only.
"""

from __future__ import annotations

from collections.abc import Mapping

from doorkeep.errors import AdminError

PROTOCOLS = frozenset({"openid-connect", "saml", "oid4vc"})
IS_DYNAMIC = "is.dynamic.scope"  # ClientScopeModel.IS_DYNAMIC_SCOPE
REGEXP = "dynamic.scope.regexp"  # ClientScopeModel.DYNAMIC_SCOPE_REGEXP
LAST_SCOPE = "You are not allowed to delete all the client scopes."
DEFAULT_OF_A_CLIENT = "This Client Scope can't be made dynamic as it's assigned to a Client as a Default Scope"


def check_protocol(protocol: object) -> None:
    """ClientScopeResource.validateClientScopeProtocol."""
    if not isinstance(protocol, str) or protocol not in PROTOCOLS:
        raise AdminError(400, "Unexpected protocol")


def makes_dynamic(attributes: object) -> bool:
    """The representation asks for a dynamic scope (``getOrDefault(..., "false").equalsIgnoreCase("true")``)."""
    return isinstance(attributes, Mapping) and str(attributes.get(IS_DYNAMIC, "false")).lower() == "true"


def check_not_dynamic(attributes: object) -> None:
    """validateDynamicClientScope with the DYNAMIC_SCOPES feature disabled."""
    if not isinstance(attributes, Mapping):
        return
    regexp = attributes.get(REGEXP)
    if regexp is not None and regexp != "":
        raise AdminError(400, f'Unexpected value "{regexp}" for attribute {REGEXP} in ClientScope')
    if makes_dynamic(attributes):
        raise AdminError(400, f'Unexpected value "true" for attribute {IS_DYNAMIC} in ClientScope')


def check_deletable(scopes_in_realm: int) -> None:
    """deleteClientScope: a realm keeps at least one client scope."""
    if scopes_in_realm <= 1:
        raise AdminError(403, LAST_SCOPE)
