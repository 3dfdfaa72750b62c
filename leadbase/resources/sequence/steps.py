"""A sequence's steps: what each one sends or asks for, and how long after the one before.

Steps are kept in order in one document on the sequence. Each has its own `seqstep_` id: a PUT
that lists steps keeps those it names by `id` (with their history), adds those without one and
removes the others, as Close documents. `delay` is in seconds after the previous step (after the
subscription's start for the first).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from leadbase.core import clock
from leadbase.core.errors import Invalid
from leadbase.core.ids import SHORT, new_id
from leadbase.db.context import Context
from leadbase.db.fields import REQUIRED, Problem
from leadbase.db.models import email_template, sms_template
from leadbase.db.repository import Row

EMAIL, SMS, CALL = "email", "sms", "call"
STEP_TYPES = (EMAIL, SMS, CALL)
THREADING = ("new_thread", "old_thread")
# The template each messaging step sends, and the table it lives in.
TEMPLATES = {EMAIL: ("email_template_id", email_template), SMS: ("sms_template_id", sms_template)}
# A delay longer than a year is a mistake rather than a plan.
MAX_DELAY = 366 * 24 * 3600
NOT_SHARED = 'Template "{id}" cannot be used in Workflows because it is not shared.'


def naive(moment: Any) -> str:
    """Close shows a sequence's and its steps' dates without an offset (they are UTC)."""
    return str(clock.iso(moment)).removesuffix("+00:00")


def _seconds(value: Any, *, nullable: bool) -> int | None:
    if value is None and nullable:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(value)
    if not 0 <= value <= MAX_DELAY:
        raise ValueError(value)
    return value


def _templates(ctx: Context, bodies: list[Any], known: dict[str, Row]) -> dict[str, Row]:
    """The templates the steps name (or keep), with whether each is shared: one query per kind."""
    found: dict[str, Row] = {}
    bodies = [
        {**known.get(str(b["id"]), {}), **b} if isinstance(b, dict) and isinstance(b.get("id"), str) else b
        for b in bodies
    ]
    for kind, (key, table) in TEMPLATES.items():
        ids = [b.get(key) for b in bodies if isinstance(b, dict) and b.get("step_type") == kind]
        wanted = [i for i in ids if isinstance(i, str)]
        if not wanted:
            continue
        rows = ctx.conn.execute(
            select(table.c.id, table.c.is_shared).where(
                table.c.organization_id == ctx.organization_id, table.c.id.in_(wanted)
            )
        )
        found.update({r.id: {"kind": kind, "is_shared": r.is_shared} for r in rows})
    return found


def steps_cleaner(ctx: Context, current: list[Row]) -> Callable[[Any], list[Row]]:
    """The cleaner of a body's `steps`, given the sequence's current steps (none on create)."""
    known = {s["id"]: s for s in current}

    def clean(value: Any) -> list[Row]:
        if not isinstance(value, list):
            raise Problem("Expected a list of steps.")
        if not value:
            raise Problem("A sequence needs at least one step.")
        templates = _templates(ctx, value, known)
        problems: dict[str, Any] = {}
        not_shared: list[str] = []
        out: list[Row] = []
        seen: set[str] = set()
        emails = 0
        for index, body in enumerate(value):
            mistakes: dict[str, str] = {}
            step = _step(body, known, seen, templates, mistakes, not_shared, first_email=emails == 0)
            if step is not None and step["step_type"] == EMAIL:
                emails += 1
            if mistakes:
                problems[str(index)] = mistakes
            elif step is not None:
                out.append(step)
        if problems:
            raise Problem(problems)
        if not_shared:
            raise Invalid(errors=[NOT_SHARED.format(id=i) for i in not_shared])
        return out

    def _step(
        body: Any,
        known: dict[str, Row],
        seen: set[str],
        templates: dict[str, Row],
        mistakes: dict[str, str],
        not_shared: list[str],
        *,
        first_email: bool,
    ) -> Row | None:
        if not isinstance(body, dict):
            mistakes["step_type"] = "Expected a step object."
            return None
        previous: Row | None = None
        step_id = body.get("id")
        if step_id is not None:
            previous = known.get(step_id) if isinstance(step_id, str) else None
            if previous is None or step_id in seen:
                mistakes["id"] = "Not a step of this sequence."
                return None
            seen.add(step_id)
        step_type = body.get("step_type", previous["step_type"] if previous else None)
        if step_type is None:
            mistakes["step_type"] = REQUIRED
        elif step_type not in STEP_TYPES:
            mistakes["step_type"] = "Not a valid choice: use email, sms or call."
        try:
            delay = _seconds(body.get("delay", previous["delay"] if previous else 0), nullable=False)
        except ValueError:
            mistakes["delay"] = f"A number of seconds from 0 to {MAX_DELAY}."
            delay = 0
        try:
            allowed = _seconds(
                body.get("step_allowed_delay", previous["step_allowed_delay"] if previous else None),
                nullable=True,
            )
        except ValueError:
            mistakes["step_allowed_delay"] = f"Null or a number of seconds from 0 to {MAX_DELAY}."
            allowed = None
        required = body.get("required", previous["required"] if previous else True)
        if not isinstance(required, bool):
            mistakes["required"] = "Must be a valid boolean."
        template_ids: dict[str, Any] = {"email_template_id": None, "sms_template_id": None}
        threading = None
        if step_type in TEMPLATES:
            key, _table = TEMPLATES[step_type]
            template_id = body.get(key, previous.get(key) if previous else None)
            template = templates.get(template_id) if isinstance(template_id, str) else None
            if template_id is None:
                mistakes[key] = REQUIRED
            elif template is None or template["kind"] != step_type:
                mistakes[key] = "Object does not exist."
            elif not template["is_shared"]:
                not_shared.append(template_id)
            template_ids[key] = template_id
        if step_type == EMAIL:
            default = previous.get("threading") if previous else None
            threading = body.get("threading") or default or ("new_thread" if first_email else "old_thread")
            if threading not in THREADING:
                mistakes["threading"] = "Not a valid choice: use new_thread or old_thread."
        if mistakes:
            return None
        now = naive(clock.now())
        step: Row = {
            "id": previous["id"] if previous else new_id("seqstep", SHORT),
            "step_type": step_type,
            "delay": delay,
            **template_ids,
            "threading": threading,
            "required": required,
            "step_allowed_delay": allowed,
            "created_by_id": previous["created_by_id"] if previous else ctx.actor.user_id,
            "updated_by_id": ctx.actor.user_id,
            "date_created": previous["date_created"] if previous else now,
            "date_updated": now,
        }
        if previous is not None:
            unchanged = all(
                previous.get(k) == step[k] for k in step if k not in ("updated_by_id", "date_updated")
            )
            if unchanged:
                return dict(previous)
        return step

    return clean
