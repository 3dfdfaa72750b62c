"""API keys under the organization's settings version

Creating or deleting an API key replaces its organization's `settings_version`, as a change of
a membership already does, whoever writes (the CLI, a hand-written DELETE): every process then
re-reads the organization's active keys on its next request, so a revoked key is refused at once
without a per-request query of its own. The PostgreSQL trigger reuses the function of 5e77a1c0b2d4.

Revision ID: a3c9e5d1f7b2
Revises: 8c1f3d7e9a20
Create Date: 2026-11-30 14:40:00
"""

from __future__ import annotations

from alembic import op

revision = "a3c9e5d1f7b2"
down_revision = "8c1f3d7e9a20"
branch_labels = None
depends_on = None

SQLITE_NEW_VERSION = "lower(hex(randomblob(16)))"
EVENTS = (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER api_key_settings AFTER INSERT OR UPDATE OR DELETE ON api_key "
            "FOR EACH ROW EXECUTE FUNCTION leadbase_settings_changed()"
        )
        return
    for event, row in EVENTS:
        op.execute(
            f"CREATE TRIGGER api_key_settings_{event.lower()} AFTER {event} ON api_key "
            f"BEGIN UPDATE organization SET settings_version = {SQLITE_NEW_VERSION} "
            f"WHERE id = {row}.organization_id; END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER api_key_settings ON api_key")
        return
    for event, _ in EVENTS:
        op.execute(f"DROP TRIGGER api_key_settings_{event.lower()}")
