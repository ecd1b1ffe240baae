"""The UPDATE_PROFILE context's validation of the login's profile form (UpdateProfile.processAction's
``profile.update``), shared by UPDATE_PROFILE's form and VERIFY_PROFILE, which validates the user's values as they
stand (VerifyUserProfile: ``provider.create(UPDATE_PROFILE, user).validate()``) at a browser login and at a
direct grant (``Subject``: whose values, for which client and requested scopes), and the login theme's words for
the errors found."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep.admin import user_profile as up_config
from doorkeep.console.messages import en
from doorkeep.model import Client, Realm, User
from doorkeep.oauth import profile_scopes
from doorkeep.oauth.context import Form
from doorkeep.oauth.login_step import StepContext
from doorkeep.users import account_profile, declared, read_only, unmanaged
from doorkeep.users.profile import check_attributes

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx
    from doorkeep.users.declared import Values
    from doorkeep.users.read_only import Names

MISSING_USERNAME = "missingUsernameMessage"
# The field names ``{0}`` stands for where the configuration gives no label: the login theme's words for them.
FIELD_NAMES = {name: en.MESSAGES[name] for name in ("username", "email", "firstName", "lastName")}


def text_of(error: dict[str, Any]) -> str:
    """An error's key in the login theme's words (the message table the login pages use), else the key."""
    key = str(error["errorMessage"])
    return en.MESSAGES.get(key, key)


def field_errors(found: list[dict[str, Any]], names: dict[str, str] | None = None) -> dict[str, str]:
    """The first error of each field in words (messagesPerField.getFirstError), in Keycloak's field order;
    ``names``: the declared attributes' labels, for ``{0}``."""
    shown: dict[str, str] = {}
    labels = {**FIELD_NAMES, **(names or {})}
    for error in found:
        text = text_of(error)
        params = [labels.get(str(p), str(p)) if i == 0 else str(p) for i, p in enumerate(error["params"])]
        for index, param in enumerate(params):
            text = text.replace(f"{{{index}}}", param)
        shown.setdefault(error["field"], text)
    return shown


@dataclass(frozen=True)
class Subject:
    """Whose profile the UPDATE_PROFILE context validates: the user, the client and the ``scope`` requested
    (DeclarativeUserProfileProvider.requestedScopePredicate: the authentication session's scope note), and the
    server's read-only attributes for users (``fixed``)."""

    tx: Tx
    realm: Realm
    client: Client
    user: User
    scope: str | None
    fixed: Names

    @classmethod
    def of(cls, ctx: StepContext) -> Subject:
        """A browser login's."""
        return cls(ctx.tx, ctx.realm, ctx.client, ctx.user, ctx.request.scope, ctx.services.read_only.user)


@dataclass(frozen=True)
class Checked:
    """A profile form validated: the errors, and what a valid one writes."""

    found: list[dict[str, Any]]
    rep: dict[str, str]
    values: dict[str, str | None]
    config: dict[str, Any]
    sent: dict[str, Any]
    chosen: Values
    mine: dict[str, str]


async def checked(ctx: StepContext, form: Form, *, posted_only: bool = False) -> Checked:
    """``validated`` for the login's form."""
    return await validated(Subject.of(ctx), form, posted_only=posted_only)


async def validated(
    ctx: Subject, form: Form, *, posted_only: bool = False, config: dict[str, Any] | None = None
) -> Checked:
    """The UPDATE_PROFILE context validated as the Account REST API validates it (``users.account_profile``), and
    the declared attributes the user may edit (``users.declared``) as this login's requested client scopes select
    and require them; the unmanaged attributes the page takes, and the server's read-only ones it may not change.
    A root attribute the form lacks counts as sent blank, unless ``posted_only`` (the user's values as they stand:
    an absent one is then required only where the configuration requires it). ``config``: the configuration for
    the requested scopes, when the caller has it."""
    realm, user = ctx.realm, ctx.user
    flags, kept = account_profile.read_only(realm, user=user), account_profile.locked(realm)
    kept |= frozenset(account_profile.ATTRIBUTES) - account_profile.readable(realm, declared.UPDATE_PROFILE)
    # a name the permissions keep from the user is disabled or not on the page: left out, it stays the user's
    given = [n for n in account_profile.ATTRIBUTES if form.get(n) is not None or not (posted_only or n in kept)]
    names = [n for n in given if not flags[n]]
    if form.get("username") is not None and account_profile.username_locked(realm, declared.UPDATE_PROFILE):
        names.insert(0, "username")  # posted though its permissions keep it: ImmutableAttributeValidator judges it
    rep = {name: form.get(name) or "" for name in names}
    values = account_profile.normalize(realm, user, rep, update_profile=True)
    found = await account_profile.errors(ctx.tx, realm, user, rep, values, update_profile=True)
    if "username" in rep and not rep["username"].strip():  # UsernameHasValueValidator
        found.insert(0, {"field": "username", "errorMessage": MISSING_USERNAME, "params": ["username"]})
    if config is None:
        config = profile_scopes.config(realm, await profile_scopes.named(ctx.tx, ctx.client, ctx.scope))
    current = dict(user.attributes)
    sent = declared.from_form(config, declared.UPDATE_PROFILE, form.get, form.all)
    chosen = declared.values(config, declared.UPDATE_PROFILE, sent, current)
    found.extend(declared.errors(config, declared.UPDATE_PROFILE, chosen, current))
    policy = up_config.unmanaged_policy(realm) if up_config.enforced(realm) else None
    names = form.keys()  # Form is no mapping: its keys are listed
    mine = unmanaged.posted(config, policy, declared.UPDATE_PROFILE, {k: form.get(k) or "" for k in names})
    found.extend(check_attributes({k: [v] for k, v in mine.items()}))  # DefaultAttributes' length ≤ 2048
    found.extend(_read_only_errors(ctx, config, chosen, form, unmanaged.can_edit(policy, declared.UPDATE_PROFILE)))
    return Checked(found, rep, values, config, sent, chosen, mine)


def _read_only_errors(
    ctx: Subject, config: dict[str, Any], chosen: dict[str, Any], form: Form, taken: bool
) -> list[dict[str, Any]]:
    """The server's read-only attributes (``users.read_only``) the form changes: among the declared ones and the
    other fields posted that the profile holds (all of them where the page takes unmanaged attributes,
    ``taken``; else a read-only one the user already has)."""
    fixed, current = ctx.fixed, dict(ctx.user.attributes)
    posted = form.keys()  # Form is no mapping: its keys are listed
    names = [k for k in posted if unmanaged.is_unmanaged(config, k) and k not in unmanaged.PAGE_FIELDS]
    held = read_only.held(fixed, {k: [form.get(k) or ""] for k in names}, current, unmanaged=taken)
    return read_only.refused(fixed, {**chosen, **held}, current)


def as_posted(ctx: Subject, config: dict[str, Any]) -> Form:
    """The user's values as they stand, as the profile form would post them untouched: the root attributes the
    user has (an absent one is not sent, so only the configuration decides whether it is required) and every
    value of the declared attributes the form shows."""
    user = ctx.user
    pairs = [(name, value) for name, value in account_profile.current(user).items() if value]
    for field in declared.form_fields(config, declared.UPDATE_PROFILE):
        name = field["name"]
        if name not in account_profile.ATTRIBUTES:
            pairs.extend((name, value) for value in declared.as_values(user.attributes.get(name)))
    return Form(pairs)


async def as_it_stands(ctx: StepContext) -> Checked:
    """``standing`` for a browser login's user."""
    return await standing(Subject.of(ctx))


async def standing(ctx: Subject) -> Checked:
    """VerifyUserProfile's ``profile.validate()``: what the UPDATE_PROFILE context finds wrong with the user's
    values as they stand (a required attribute missing, a validator failing), in ``found``."""
    config = profile_scopes.config(ctx.realm, await profile_scopes.named(ctx.tx, ctx.client, ctx.scope))
    return await validated(ctx, as_posted(ctx, config), posted_only=True, config=config)
