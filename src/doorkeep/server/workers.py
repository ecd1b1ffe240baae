"""What the parent process hands uvicorn's workers: the settings, through the environment, minus secrets.

The parent migrates and bootstraps before serving; workers only build the app. Their environment is
readable in ``/proc/<pid>/environ``, so the bootstrap admin password (which only the parent needs) is
left out of both the settings JSON and the inherited variables (review I4). Workers still need the
database URL, password included.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping, MutableMapping
from typing import Any

from doorkeep.settings import FIELD_OF, OPTIONS, Settings

SECRET_FIELDS = frozenset(FIELD_OF[o.name] for o in OPTIONS if o.secret and o.name in FIELD_OF)

SETTINGS_ENV = "DOORKEEP__SETTINGS_JSON"
BOOTSTRAP_PASSWORD_ENV = "DOORKEEP_BOOTSTRAP_ADMIN_PASSWORD"


def settings_json(settings: Settings) -> str:
    """The settings as JSON, without the bootstrap admin password."""
    raw = dataclasses.asdict(settings)
    raw["bootstrap_admin_password"] = None
    return json.dumps(raw)


def prepare_environment(settings: Settings, environ: MutableMapping[str, str]) -> None:
    """Put the settings where workers read them, and drop the password variable they would inherit."""
    environ[SETTINGS_ENV] = settings_json(settings)
    environ.pop(BOOTSTRAP_PASSWORD_ENV, None)


def settings_from(environ: Mapping[str, str]) -> Settings:
    """A worker's settings, as ``prepare_environment`` left them."""
    raw = json.loads(environ[SETTINGS_ENV])
    raw["import_realms"] = tuple(raw["import_realms"])
    raw["proxy_trusted_addresses"] = tuple(raw["proxy_trusted_addresses"])
    raw["client_searchable_attributes"] = tuple(raw["client_searchable_attributes"])
    raw["group_searchable_attributes"] = tuple(raw["group_searchable_attributes"])
    raw["user_profile_read_only_attributes"] = tuple(raw["user_profile_read_only_attributes"])
    raw["user_profile_admin_read_only_attributes"] = tuple(raw["user_profile_admin_read_only_attributes"])
    raw["cors_allowed_headers"] = tuple(raw["cors_allowed_headers"])
    raw["email_exclude_events"] = tuple(raw["email_exclude_events"])
    raw["oidc_req_params_max_sizes"] = tuple(raw["oidc_req_params_max_sizes"])
    raw["event_metrics_user_tags"] = tuple(raw["event_metrics_user_tags"])
    if raw["event_metrics_user_events"] is not None:
        raw["event_metrics_user_events"] = tuple(raw["event_metrics_user_events"])
    if raw["email_include_events"] is not None:  # None: the listener's default set
        raw["email_include_events"] = tuple(raw["email_include_events"])
    return Settings(**raw)


def public_settings(settings: Settings) -> dict[str, Any]:
    """The settings as a debug line may show them: every option declared secret (the bootstrap admin's and the
    vault's passwords) masked, and the password of any URL (the database's); the rest as it is."""
    raw = dataclasses.asdict(settings)
    for name, value in raw.items():
        if name in SECRET_FIELDS and value is not None:
            raw[name] = "***"
        elif isinstance(value, str) and "://" in value:
            # SQLAlchemy's own URL syntax: the password runs from the first ':' to the first '@' (it may hold '/').
            raw[name] = re.sub(r"(://[^:/@?#]*:)[^@]*@", r"\1***@", value, count=1)
    return dict(json.loads(json.dumps(raw)))
