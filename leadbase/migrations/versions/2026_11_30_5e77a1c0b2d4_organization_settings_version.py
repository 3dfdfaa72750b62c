"""organization settings version, kept by triggers

The organization's `custom_fields_version` becomes `settings_version`: one version for everything
a process caches about an organization (custom field definitions, lead statuses, member names).
Triggers replace it whenever a lead status, a membership or a member's user row changes, in the
same transaction, whoever writes (the API, `leadbase load`, the CLI). Versions are random, never
incremented: a version written by a transaction that rolls back is never seen again, so nothing
cached under it can be served.

Revision ID: 5e77a1c0b2d4
Revises: eb401d494f9b
Create Date: 2026-11-30 14:05:00
"""

from __future__ import annotations

from alembic import op

revision = "5e77a1c0b2d4"
down_revision = "eb401d494f9b"
branch_labels = None
depends_on = None

# (table, column naming the organization, or None for users, found through their memberships)
WATCHED = (("lead_status", "organization_id"), ("membership", "organization_id"), ("app_user", None))

SQLITE_NEW_VERSION = "lower(hex(randomblob(16)))"


def _sqlite_triggers() -> list[str]:
    statements = []
    for table, org_column in WATCHED:
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            if org_column is None:
                target = f"id IN (SELECT organization_id FROM membership WHERE user_id = {row}.id)"
            else:
                target = f"id = {row}.{org_column}"
            statements.append(
                f"CREATE TRIGGER {table}_settings_{event.lower()} AFTER {event} ON {table} "
                f"BEGIN UPDATE organization SET settings_version = {SQLITE_NEW_VERSION} "
                f"WHERE {target}; END"
            )
    return statements


POSTGRES_FUNCTION = """
CREATE FUNCTION leadbase_settings_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed RECORD;
BEGIN
    IF TG_OP = 'DELETE' THEN
        changed := OLD;
    ELSE
        changed := NEW;
    END IF;
    IF TG_TABLE_NAME = 'app_user' THEN
        UPDATE organization SET settings_version = md5(random()::text || clock_timestamp()::text)
        WHERE id IN (SELECT organization_id FROM membership WHERE user_id = changed.id);
    ELSE
        UPDATE organization SET settings_version = md5(random()::text || clock_timestamp()::text)
        WHERE id = changed.organization_id;
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    with op.batch_alter_table("organization") as batch_op:
        batch_op.alter_column("custom_fields_version", new_column_name="settings_version")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        for table, _ in WATCHED:
            op.execute(
                f"CREATE TRIGGER {table}_settings AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION leadbase_settings_changed()"
            )
    else:
        for statement in _sqlite_triggers():
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, _ in WATCHED:
            op.execute(f"DROP TRIGGER {table}_settings ON {table}")
        op.execute("DROP FUNCTION leadbase_settings_changed()")
    else:
        for table, _ in WATCHED:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_settings_{event}")
    with op.batch_alter_table("organization") as batch_op:
        batch_op.alter_column("settings_version", new_column_name="custom_fields_version")
