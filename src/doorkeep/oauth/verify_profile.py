"""VERIFY_PROFILE (Keycloak's VerifyUserProfile, an UpdateProfile): the user's profile validated in the
UPDATE_PROFILE context whenever a login reaches its required actions.

``trigger`` is its evaluateTriggers, run by AuthenticationManager.evaluateRequiredActionTriggers for every enabled
action before the next one is chosen: a profile that fails puts VERIFY_PROFILE on the authentication session (the
login's own actions, never the user's); one that passes takes it off both, so an action an administrator set on a
user whose profile is complete goes away unseen. ``challenge`` is its requiredActionChallenge: a profile that
passes succeeds without a page (CUSTOM_REQUIRED_ACTION naming it); one that fails shows the update-profile page
(login-update-profile.ftl, "You need to update your user profile to activate your account.") with the errors found
on the user's values, and records VERIFY_PROFILE with ``fields_to_update``, the failing fields joined by commas.
Its form is UPDATE_PROFILE's (``action_steps.update_profile``). The client may not ask for it (``kc_action``:
InitiatedActionSupport.NOT_SUPPORTED).

The direct grant runs the same trigger (ResourceOwnerPasswordCredentialsGrantType: evaluateRequiredActionTriggers
once the flow passed, ``granted``): a profile that fails leaves the action on the grant's authentication session,
which refuses the grant ("Account is not fully set up"); one that passes takes VERIFY_PROFILE off the user."""

from __future__ import annotations

import dataclasses
from typing import Any

from doorkeep.model import Realm, User
from doorkeep.oauth import login_events, login_outcomes, profile_check, required_actions
from doorkeep.oauth.login_step import StepContext
from doorkeep.realms import required_actions as registered
from doorkeep.users import account_profile, declared

VERIFY_PROFILE = required_actions.VERIFY_PROFILE
FIELDS_TO_UPDATE = "fields_to_update"  # Details.FIELDS_TO_UPDATE


def enabled(realm: Realm) -> bool:
    """The realm registers and enables the VerifyUserProfile provider (evaluateRequiredActionTriggers' filter)."""
    return any(a.provider_id == VERIFY_PROFILE for a in registered.applicable(realm).values())


async def trigger(ctx: StepContext) -> StepContext:
    """VerifyUserProfile.evaluateTriggers at a browser login (see the module's docstring)."""
    if not enabled(ctx.realm):
        return ctx
    request = ctx.request
    user, failing = await _evaluated(profile_check.Subject.of(ctx))
    if failing:
        if VERIFY_PROFILE in request.session_actions:
            return ctx
        request = dataclasses.replace(request, session_actions=(*request.session_actions, VERIFY_PROFILE))
        return dataclasses.replace(ctx, request=request)
    return dataclasses.replace(ctx, request=required_actions.leaving(request, VERIFY_PROFILE), user=user)


async def granted(subject: profile_check.Subject) -> tuple[User, bool]:
    """VerifyUserProfile.evaluateTriggers at a direct grant: the user (without VERIFY_PROFILE where the profile
    passes), and whether it fails (the action then stays on the grant's authentication session)."""
    if not enabled(subject.realm):
        return subject.user, False
    return await _evaluated(subject)


async def _evaluated(subject: profile_check.Subject) -> tuple[User, bool]:
    """``profile.validate()``: failing, nothing changes; passing, VERIFY_PROFILE leaves the user."""
    user = subject.user
    if (await profile_check.standing(subject)).found:
        return user, True
    if VERIFY_PROFILE in user.required_actions:
        user = dataclasses.replace(
            user, required_actions=tuple(a for a in user.required_actions if a != VERIFY_PROFILE)
        )
        await subject.tx.users.update(user)
    return user, False


async def challenge(ctx: StepContext) -> login_outcomes.NeedProfileUpdate | None:
    """VerifyUserProfile.requiredActionChallenge: None when the profile passes (the caller records the success),
    else the page with the errors and the VERIFY_PROFILE event."""
    check = await profile_check.as_it_stands(ctx)
    if not check.found:
        return None
    fields = ",".join(dict.fromkeys(str(e["field"]) for e in check.found))  # collectFields: distinct, in order
    await login_events.record(ctx, VERIFY_PROFILE, more={FIELDS_TO_UPDATE: fields})
    return page(ctx, check.found, check.config)


async def shown_again(ctx: StepContext) -> login_outcomes.NeedProfileUpdate | None:
    """The page shown again (the GET the redirect to the required actions sends the browser to, a refresh, another
    language): the errors the challenge found, as its page first showed them (its event was recorded then)."""
    check = await profile_check.as_it_stands(ctx)
    return page(ctx, check.found, check.config) if check.found else None


def page(ctx: StepContext, found: list[dict[str, Any]], config: dict[str, Any]) -> login_outcomes.NeedProfileUpdate:
    """login-update-profile.ftl for VERIFY_PROFILE: the user's values (every value of each attribute for the
    multivalued inputs) and the first error of each field."""
    user = ctx.user
    values = {k: v[0] for k, v in user.attributes.items() if isinstance(v, list) and v and isinstance(v[0], str)}
    values |= {k: v or "" for k, v in account_profile.current(user).items()}
    lists = {k: declared.as_values(v) for k, v in user.attributes.items()}
    labels = {f["name"]: f["label"] for f in declared.form_fields(config, declared.UPDATE_PROFILE)}
    errors = profile_check.field_errors(found, labels)
    return login_outcomes.NeedProfileUpdate(
        user.id, values, errors, False, ctx.request, lists, not user.email, VERIFY_PROFILE
    )
