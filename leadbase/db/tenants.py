"""An organization's rows as a whole: copy them out, empty them, put them back, fork them.

The tables are found in the metadata, never listed by hand: a tenant table is any table with an
`organization_id` column (save those marked `info={"tenancy": "outside"}`, the snapshots
themselves), in foreign-key order. So a new table is snapshotted, restored, reset and deleted
with nothing to do. What differs between tables is only what a reset keeps and what a fork
copies, which `ROLES` says per table; `tests/admin/` fails when a tenant table has no role.

These are operator writes without an actor (the admin API and `leadbase org`): no unit of work
and no events, like `db/accounts.py`. The triggers on the tables still run, which is why the
tables they keep (`DERIVED`) are cleared after the others and restored last, over whatever the
triggers wrote while the rows they count went back.
"""

from __future__ import annotations

import re
import uuid
import zlib
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, Date, Table, delete, func, insert, select, update

from leadbase.core.ids import new_id
from leadbase.db import webhooks
from leadbase.db.models import event, metadata, org_snapshot, organization, webhook_cursor
from leadbase.db.types import UTCDateTime

Rows = list[dict[str, Any]]

# What each tenant table is to an organization:
# - account: who may use it (kept by a reset; a fork copies memberships and roles, issues new keys);
# - configuration: how it is set up (a fork copies it);
# - data: its records (a fork copies them when asked);
# - history: what happened (the event log, jobs, deliveries, uploads, bulk actions, exports,
#   the captured outbox: never forked);
# - derived: kept by triggers from other tables (never copied: the triggers rebuild them).
ACCOUNT, CONFIGURATION, DATA, HISTORY, DERIVED = "account", "configuration", "data", "history", "derived"
ROLES: dict[str, str] = {
    "activity": DATA,
    "api_key": ACCOUNT,
    "blocked_phone_number": DATA,
    "bulk_action": HISTORY,
    "bulk_action_lead": HISTORY,
    "blocked_phone_setting": CONFIGURATION,
    "comment": DATA,
    "comment_thread": DATA,
    "connected_account": CONFIGURATION,
    "contact": DATA,
    "custom_activity_type": CONFIGURATION,
    "custom_field": CONFIGURATION,
    "custom_field_association": CONFIGURATION,
    "custom_object": DATA,
    "custom_object_type": CONFIGURATION,
    "dialer_session": DATA,
    "email_template": CONFIGURATION,
    "event": HISTORY,
    "export": HISTORY,
    "file_upload": HISTORY,
    "group_member": CONFIGURATION,
    "integration_link": CONFIGURATION,
    "job": HISTORY,
    "lead": DATA,
    "lead_activity_count": DERIVED,
    "lead_day_count": DERIVED,
    "lead_status": CONFIGURATION,
    "membership": ACCOUNT,
    "object_count": DERIVED,
    "opportunity": DATA,
    "opportunity_status": CONFIGURATION,
    "outbox_message": HISTORY,
    "outcome": CONFIGURATION,
    "phone_number": CONFIGURATION,
    "pipeline": CONFIGURATION,
    "playbook": CONFIGURATION,
    "role": ACCOUNT,
    "saved_search": CONFIGURATION,
    "scheduling_link": CONFIGURATION,
    "scheduling_link_map": CONFIGURATION,
    "send_as": CONFIGURATION,
    "sequence": CONFIGURATION,
    "sequence_subscription": DATA,
    "sms_template": CONFIGURATION,
    "task": DATA,
    "text_index": DERIVED,
    "unsubscribed_email": DATA,
    "user_group": CONFIGURATION,
    "webhook_delivery": HISTORY,
    "webhook_subscription": CONFIGURATION,
}


def tenant_tables() -> list[Table]:
    """Every table holding an organization's rows, parents before children."""
    return [
        t for t in metadata.sorted_tables if "organization_id" in t.c and t.info.get("tenancy") != "outside"
    ]


def role_of(table: Table) -> str:
    """The table's role; an unclassified table counts as data (copied by a full fork only)."""
    return ROLES.get(table.name, DATA)


def _ordered(table: Table) -> list[Any]:
    return list(table.primary_key.columns) or list(table.c)


def dump(conn: Connection, organization_id: str) -> dict[str, Any]:
    """The organization's row and every tenant row of it, table by table, in key order."""
    org = conn.execute(select(organization).where(organization.c.id == organization_id)).mappings().one()
    tables: dict[str, Rows] = {}
    for table in tenant_tables():
        rows = conn.execute(
            select(table).where(table.c.organization_id == organization_id).order_by(*_ordered(table))
        ).mappings()
        tables[table.name] = [dict(row) for row in rows]
    return {"organization": dict(org), "tables": tables}


def clear(conn: Connection, organization_id: str, *, keep: Iterable[str] = ()) -> int:
    """Delete the organization's rows of every tenant table not in `keep`; how many went."""
    kept = set(keep)
    tables = [t for t in reversed(tenant_tables()) if t.name not in kept]
    # Deleting counted rows makes the triggers write their counters: those tables go last.
    tables.sort(key=lambda t: role_of(t) == DERIVED)
    removed = 0
    for table in tables:
        removed += conn.execute(delete(table).where(table.c.organization_id == organization_id)).rowcount
    return removed


def load(conn: Connection, organization_id: str, tables: dict[str, Rows]) -> int:
    """Insert rows (ids already the organization's). A derived table given is replaced last, over
    what the triggers wrote; one not given is left to the triggers."""
    derived: list[tuple[Table, Rows]] = []
    written = 0
    for table in tenant_tables():
        if table.name not in tables:
            continue
        rows = tables[table.name]
        if role_of(table) == DERIVED:
            derived.append((table, rows))
        elif rows:
            conn.execute(insert(table), rows)
            written += len(rows)
    for table, rows in derived:
        conn.execute(delete(table).where(table.c.organization_id == organization_id))
        if rows:
            conn.execute(insert(table), rows)
            written += len(rows)
    return written


def refresh_settings(conn: Connection, organization_id: str, **values: Any) -> None:
    """Change the organization's row and its settings version, so every process reloads it."""
    conn.execute(
        update(organization)
        .where(organization.c.id == organization_id)
        .values(settings_version=uuid.uuid4().hex, **values)
    )


def _event_cursor(conn: Connection) -> int | None:
    high: int | None = conn.execute(
        select(webhook_cursor.c.high).where(webhook_cursor.c.id == webhooks.CURSOR_ID)
    ).scalar()
    return high


def settle_event_cursor(conn: Connection, before: int | None) -> None:
    """Keep the webhook dispatcher's cursor at or below the log's end after events were deleted.

    SQLite hands out `seq` as max + 1 (a rowid, not a sequence): once the newest events are
    deleted, new events reuse their numbers, and a cursor left past them would never see those.
    Every event above the log's new end was deleted, so lowering the cursor to it skips nothing;
    restored events, at or below where the cursor was (`before`), were matched when first written.
    PostgreSQL's sequence never goes back, so its cursor stays.
    """
    if before is None or conn.dialect.name != "sqlite":
        return
    newest = conn.execute(select(func.coalesce(func.max(event.c.seq), 0))).scalar_one()
    if newest < before:
        conn.execute(
            update(webhook_cursor).where(webhook_cursor.c.id == webhooks.CURSOR_ID).values(high=newest)
        )


def empty(conn: Connection, organization_id: str, *, keep: Iterable[str] = ()) -> int:
    """`clear`, with the event cursor settled (a reset)."""
    before = _event_cursor(conn)
    removed = clear(conn, organization_id, keep=keep)
    settle_event_cursor(conn, before)
    return removed


def restore(conn: Connection, organization_id: str, doc: dict[str, Any]) -> int:
    """Make the organization's rows exactly those of a snapshot of it."""
    before = _event_cursor(conn)
    clear(conn, organization_id)
    org = {k: v for k, v in doc["organization"].items() if k not in ("id", "settings_version")}
    refresh_settings(conn, organization_id, **org)
    written = load(conn, organization_id, doc["tables"])
    settle_event_cursor(conn, before)
    return written


def delete_organization(conn: Connection, organization_id: str) -> None:
    """The organization, its rows and its snapshots (users stay: they are global)."""
    empty(conn, organization_id)
    conn.execute(delete(org_snapshot).where(org_snapshot.c.organization_id == organization_id))
    conn.execute(delete(organization).where(organization.c.id == organization_id))


# -- forks -------------------------------------------------------------------------------------

# A Close id: a lowercase prefix, an underscore, base62 (22 or 43 characters in leadbase).
_ID_TOKEN = re.compile(r"(?<![0-9A-Za-z_])[a-z][a-z0-9]*_[0-9A-Za-z]{16,64}(?![0-9A-Za-z_])")


def _fresh_like(old: str) -> str:
    prefix, _, rest = old.partition("_")
    return new_id(prefix, len(rest))


def _rewrite(value: Any, ids: dict[str, str]) -> Any:
    """`value` with every id of `ids` replaced, in text, JSON keys and JSON values alike."""
    if isinstance(value, str):
        if "_" not in value:
            return value
        if value in ids:
            return ids[value]
        return _ID_TOKEN.sub(lambda m: ids.get(m.group(0), m.group(0)), value)
    if isinstance(value, dict):
        return {_rewrite(k, ids): _rewrite(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_rewrite(v, ids) for v in value]
    return value


def fork_rows(doc: dict[str, Any], new_organization_id: str, *, with_data: bool) -> dict[str, Rows]:
    """A snapshot's rows for a new organization: chosen by role, every id new, every reference
    (columns, JSON documents, custom field keys, ids quoted in text) rewritten to match."""
    roles = {CONFIGURATION, ACCOUNT} | ({DATA} if with_data else set())
    chosen: dict[str, Rows] = {}
    for table in tenant_tables():
        if role_of(table) in roles and table.name != "api_key":
            chosen[table.name] = doc["tables"].get(table.name, [])
    ids: dict[str, str] = {doc["organization"]["id"]: new_organization_id}
    for rows in chosen.values():
        for row in rows:
            old = row.get("id")
            if isinstance(old, str) and "_" in old:
                ids[old] = _fresh_like(old)
    return {name: [_rewrite(row, ids) for row in rows] for name, rows in chosen.items()}


# -- stored snapshots --------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in a snapshot")


def pack(doc: dict[str, Any]) -> bytes:
    # Column names are quoted_name (a str subclass), which orjson takes as keys only with this option.
    return zlib.compress(orjson.dumps(doc, default=_encode, option=orjson.OPT_NON_STR_KEYS), 6)


def _decoder(table: Table) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in table.c:
        if isinstance(column.type, UTCDateTime):
            out[column.name] = datetime.fromisoformat
        elif isinstance(column.type, Date):
            out[column.name] = date.fromisoformat
    return out


def _decode_rows(table: Table, rows: Rows) -> Rows:
    decoders = _decoder(table)
    if not decoders:
        return rows
    for row in rows:
        for name, decode in decoders.items():
            if row.get(name) is not None:
                row[name] = decode(row[name])
    return rows


def unpack(content: bytes) -> dict[str, Any]:
    doc: dict[str, Any] = orjson.loads(zlib.decompress(content))
    doc["organization"] = _decode_rows(organization, [doc["organization"]])[0]
    by_name = {t.name: t for t in tenant_tables()}
    # A table that no longer exists is dropped; one added since the snapshot is simply empty.
    doc["tables"] = {
        name: _decode_rows(by_name[name], rows) for name, rows in doc["tables"].items() if name in by_name
    }
    return doc


def save_snapshot(conn: Connection, row: dict[str, Any]) -> None:
    conn.execute(insert(org_snapshot).values(**row))


def delete_snapshot(conn: Connection, snapshot_id: str) -> None:
    conn.execute(delete(org_snapshot).where(org_snapshot.c.id == snapshot_id))
