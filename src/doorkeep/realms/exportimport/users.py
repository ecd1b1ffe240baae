"""The users of a realm file: each with its roles, groups, identity-provider links and credentials
(a password, plain or hashed as any Keycloak version stores it; OTP, WebAuthn security keys and passkeys and
recovery codes as stored; the password history), then the checks across users (unique usernames, e-mails,
service accounts and links)."""

from __future__ import annotations

import dataclasses
from typing import Any

from doorkeep import numbers
from doorkeep.admin.representations import USER_FIELDS, apply, json_bool
from doorkeep.model import UPDATE_PASSWORD, Realm, User, with_password_update
from doorkeep.realms.exportimport.plan import (
    ClientPlan,
    ImportError_,
    OtpPlan,
    PasswordPlan,
    UserPlan,
    at,
    check_hash,
    check_otp,
    check_recovery_codes,
    check_webauthn,
    fail,
    get_list,
    json_field,
    list_map,
    obj,
    opt_int,
    opt_str,
    req_str,
    str_list,
)
from doorkeep.realms.exportimport.references import Collector
from doorkeep.users import federated_links, otp, password_policy, recovery_codes, webauthn

USER_KEYS = {
    "id",
    *USER_FIELDS,
    "credentials",
    "realmRoles",
    "clientRoles",
    "serviceAccountClientId",
    "totp",
    "disableableCredentialTypes",
    "access",
    "groups",
    "federatedIdentities",  # users/federated_links.py
}
CREDENTIAL_KEYS = {
    "id",
    "type",
    "value",
    "temporary",
    "secretData",
    "credentialData",
    "userLabel",
    "createdDate",
    "priority",
    "hashedSaltedValue",
    "salt",
    "hashIterations",
    "algorithm",
}
# The credentials Doorkeep checks at login besides the password, kept as stored (their secretData/credentialData).
SECOND_FACTORS = (otp.TYPE, webauthn.TYPE, webauthn.PASSWORDLESS_TYPE, recovery_codes.TYPE)
NO_SALT = "__SALT__"  # Keycloak's marker for a password credential stored without a salt


class UserSection(Collector):
    """``users``, each with its credentials, and the checks across them."""

    def user(self, value: Any, where: str) -> UserPlan:
        u = obj(value, where)
        self.fields(u, USER_KEYS, "users[].")
        username = req_str(u, "username", where).lower()
        user = apply(
            User(id=opt_str(u, "id", where) or "", realm_id="", username=username, enabled=False),
            u,
            USER_FIELDS,
            where + ".",
        )
        user = dataclasses.replace(
            user,
            username=username,
            email=user.email.lower() if user.email else user.email,
            attributes=list_map(user.attributes, at(where, "attributes")),
        )
        service_account_of = opt_str(u, "serviceAccountClientId", where)
        if service_account_of is not None:
            self.client_refs.append((service_account_of, at(where, "serviceAccountClientId")))
        roles = self.refs(u.get("realmRoles"), at(where, "realmRoles"), u.get("clientRoles"), at(where, "clientRoles"))
        password: PasswordPlan | None = None
        place = 0
        otps: list[OtpPlan] = []
        history: list[tuple[Any, Any, int | None]] = []
        for j, item in enumerate(get_list(u, "credentials", where)):
            cw = f"{at(where, 'credentials')}[{j}]"
            cred = obj(item, cw)
            self.fields(cred, CREDENTIAL_KEYS, "users[].credentials[].")
            kind = opt_str(cred, "type", cw) or "password"
            if kind in SECOND_FACTORS:  # left out, the user would sign in without it
                otps.append(second_factor(cred, cw, kind))
                continue
            if kind == password_policy.HISTORY_TYPE:  # kept as stored, as Keycloak's import does
                secret, data = json_field(cred, "secretData", cw), json_field(cred, "credentialData", cw)
                check_hash(secret, data, cw)
                history.append((secret, data, opt_int(cred, "createdDate", cw)))
                continue
            if kind != "password":
                self.unknown.add(f"users[].credentials[type={kind}]")
                continue
            if password is not None:
                fail(cw, "a user has at most one password credential")
            password, place = self.password(cred, cw), len(otps)
            temporary = cred.get("temporary")
            if (
                temporary is not None
                and json_bool(temporary, at(cw, "temporary"))
                and (UPDATE_PASSWORD not in user.required_actions)
            ):
                user = with_password_update(user, True)
        groups = str_list(u.get("groups"), at(where, "groups")) if u.get("groups") else []
        try:
            links = federated_links.read(u.get("federatedIdentities"), at(where, "federatedIdentities"))
        except federated_links.LinkError as problem:
            raise ImportError_(str(problem)) from None
        return UserPlan(user, service_account_of, roles, password, groups, otps, history, links, place)

    def password(self, cred: dict[str, Any], cw: str) -> PasswordPlan:
        plan = PasswordPlan(
            id=opt_str(cred, "id", cw),
            created_date=opt_int(cred, "createdDate", cw),
            user_label=opt_str(cred, "userLabel", cw),
        )
        if cred.get("value") is not None:
            plan.plain = req_str(cred, "value", cw)
            return plan
        if cred.get("secretData") is not None or cred.get("credentialData") is not None:
            secret, data = json_field(cred, "secretData", cw), json_field(cred, "credentialData", cw)
        elif cred.get("hashedSaltedValue") is not None:  # Keycloak < 12 exports
            secret = {"value": req_str(cred, "hashedSaltedValue", cw), "salt": opt_str(cred, "salt", cw) or ""}
            data = {
                "hashIterations": opt_int(cred, "hashIterations", cw, 0, numbers.INT_MAX) or 27500,
                "algorithm": opt_str(cred, "algorithm", cw) or "pbkdf2-sha256",
            }
        else:
            fail(cw, 'a password credential needs "value", or "secretData" and "credentialData"')
        if secret.get("salt") == NO_SALT:  # PasswordSecretData's constructor reads it as no salt
            secret = {**secret, "salt": ""}
        check_hash(secret, data, cw)
        plan.secret_data, plan.credential_data = secret, data
        return plan

    def check_users(self, realm: Realm, users: list[UserPlan], clients: list[ClientPlan]) -> None:
        usernames: dict[str, int] = {}
        emails: dict[str, int] = {}
        linked: dict[str, int] = {}
        accounts: dict[tuple[str, str], int] = {}  # (alias, the provider's user id) -> the user linked to it
        users_base = at(self.base, "users")
        for i, up in enumerate(users):
            where = f"{users_base}[{i}]"
            for k, link in enumerate(up.links):
                if link.federated_user_id is None:
                    continue
                account = (link.alias, link.federated_user_id)
                if account in accounts:
                    fail(
                        f"{where}.federatedIdentities[{k}].userId",
                        f"'{link.federated_user_id}' of '{link.alias}' is linked to users[{accounts[account]}] already",
                    )
                accounts[account] = i
            name = up.user.username
            if name in usernames:
                fail(at(where, "username"), f"duplicate username '{name}' (also users[{usernames[name]}])")
            usernames[name] = i
            email = (up.user.email or "").lower()
            if email and not realm.duplicate_emails_allowed:
                if email in emails:
                    fail(at(where, "email"), f"duplicate email '{up.user.email}' (also users[{emails[email]}])")
                emails[email] = i
            owner = up.service_account_of
            if owner is not None:
                if owner in linked:
                    fail(
                        at(where, "serviceAccountClientId"),
                        f"client '{owner}' already has a service account (users[{linked[owner]}])",
                    )
                linked[owner] = i
        for cp in clients:
            reserved = f"service-account-{cp.client.client_id}".lower()
            if cp.client.service_accounts_enabled and cp.client.client_id not in linked and reserved in usernames:
                fail(
                    f"{users_base}[{usernames[reserved]}].username",
                    f"'{reserved}' is the service account of client '{cp.client.client_id}' "
                    "but has no serviceAccountClientId",
                )


def second_factor(cred: dict[str, Any], cw: str, kind: str) -> OtpPlan:
    """One credential of ``SECOND_FACTORS`` as Keycloak exports it, checked as Doorkeep will use it: an
    ``ImportError_`` names what it could not use."""
    if kind == otp.TYPE:  # an authenticator app: OTPSecretData and OTPCredentialData
        if cred.get("secretData") is None or cred.get("credentialData") is None:
            fail(cw, 'an otp credential needs "secretData" and "credentialData"')
        secret, data = json_field(cred, "secretData", cw), json_field(cred, "credentialData", cw)
        check_otp(secret, data, cw)
    elif kind == recovery_codes.TYPE:  # the codes' SHA-512 digests, as RecoveryAuthnCodesCredentialModel has them
        if cred.get("secretData") is None or cred.get("credentialData") is None:
            fail(cw, 'a recovery-authn-codes credential needs "secretData" and "credentialData"')
        secret, data = json_field(cred, "secretData", cw), json_field(cred, "credentialData", cw)
        check_recovery_codes(secret, cw)
    else:  # a security key or a passkey, as WebAuthn(Passwordless)CredentialProvider stores it
        if cred.get("credentialData") is None:
            fail(cw, f'a {kind} credential needs "credentialData"')
        data = json_field(cred, "credentialData", cw)
        check_webauthn(data, cw)
        secret = json_field(cred, "secretData", cw) if cred.get("secretData") is not None else {}
    return stored_credential(cred, cw, secret, data, kind)


def stored_credential(cred: dict[str, Any], cw: str, secret: Any, data: Any, kind: str) -> OtpPlan:
    """A credential written as stored (OTP, WebAuthn, recovery codes): its id, dates and label, and the checked
    secret and data."""
    return OtpPlan(
        id=opt_str(cred, "id", cw),
        created_date=opt_int(cred, "createdDate", cw),
        user_label=opt_str(cred, "userLabel", cw),
        secret_data=secret,
        credential_data=data,
        kind=kind,
    )
