"""admin event details: the details map Keycloak 26.1+ admin events carry

Keycloak's AdminEventBuilder.detail adds key/value details to an admin event (the username and e-mail of the user
an organization or group membership event is about), which JpaEventStoreProvider stores as JSON in
ADMIN_EVENT_ENTITY.DETAILS_JSON and AdminEventRepresentation returns as ``details``. The new nullable column
``admin_events.details_json`` holds them; events stored before it have none, as in Keycloak. Self-contained: it
touches only ``admin_events``.

Revision ID: 0040_admin_event_details
Revises: 0039_property_login_failures
Create Date: 2026-12-05 05:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0040_admin_event_details"
down_revision = "0039_property_login_failures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE on both engines: no batch copy of a table that may hold many rows.
    op.add_column("admin_events", sa.Column("details_json", sa.Text(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE admin_events DROP COLUMN details_json")  # SQLite 3.35+ and PostgreSQL, no copy
