"""Admin REST: the realm's client registration policies, as ComponentResource serves components of type
``ClientRegistrationPolicy`` (web/admin/components.py hands them here), and the policy providers with their
properties (ClientRegistrationPolicyResource.getProviders, ``/client-registration-policy/providers``, which
checks no role: any caller allowed into the realm's admin API).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin.serverinfo import MAPPER_TYPES
from doorkeep.clientreg import policy_components as pc
from doorkeep.keys import components as kc
from doorkeep.model import RegistrationPolicy
from doorkeep.realms.provisioning import new_id
from doorkeep.web.admin.common import RealmCall, created, ok, run_realm


async def _scope_names(call: RealmCall) -> list[str]:
    return [s.name for s in await call.tx.scopes.list(call.realm.id)]


async def _validated(call: RealmCall, provider_id: Any, config: dict[str, list[str]]) -> None:
    if provider_id not in pc.PROVIDERS:
        raise kc.no_such_provider()
    pc.validate(str(provider_id), config, await _scope_names(call))


async def create(call: RealmCall, rep: dict[str, Any]) -> Response:
    """ComponentResource.create for a policy: validated, then stored after the realm's others."""
    config = pc.clean(rep.get("config"))
    await _validated(call, rep.get("providerId"), config)
    wanted = rep.get("id")
    taken = isinstance(wanted, str) and await call.tx.registration_policies.id_taken(wanted)
    policy_id = wanted if isinstance(wanted, str) and 0 < len(wanted) <= 36 and not taken else new_id()
    await call.tx.registration_policies.add(pc.built(rep, call.realm.id, policy_id, config))
    return created(call.url(call.realm.name, "components", policy_id))


async def update(call: RealmCall, stored: RegistrationPolicy, rep: dict[str, Any]) -> None:
    """ComponentResource.updateComponent: declared config keys replaced (given blank: removed), then the
    provider validates the whole."""
    provider_id = rep.get("providerId") or stored.provider_id
    declared = pc.declared(str(provider_id))
    config = kc.merge_declared(stored.config, rep.get("config"), declared)
    await _validated(call, provider_id, config)
    name = rep.get("name")
    sub_type = rep.get("subType") if rep.get("subType") is not None else stored.sub_type
    merged = {"name": name if isinstance(name, str) else stored.name, "providerId": provider_id, "subType": sub_type}
    await call.tx.registration_policies.replace(pc.built(merged, call.realm.id, stored.id, config))


async def providers(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        return ok(pc.providers([m[0] for m in MAPPER_TYPES], await _scope_names(call)))

    return await run_realm(request, work, write=False)


ROUTES = [Route("/{realm}/client-registration-policy/providers", providers, methods=["GET"])]
