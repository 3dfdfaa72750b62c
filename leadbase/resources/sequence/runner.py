"""Running a subscription's steps as jobs, one at a time, at their moments.

A subscription is armed with the step it runs next and when (`arm`): its `job_token` is replaced
and a `sequence.step` job carrying that token is queued for that moment. The job runs the step only
if the subscription is still active, still holds that token and its sequence is active: pausing,
resuming, finishing or re-arming replaced the token, so a job queued before then does nothing. The
next step is the first one, in the sequence's current order, that the subscription has not run; it
is due `delay` seconds after the previous step ran (the start, for the first), moved into the
sequence's sending hours, and never earlier than now.

What a step makes, as the subscription's creator: an email step an email activity in `outbox`
(rendered from its template, from the subscription's sender to its contact_email; the sending job
sends it), an SMS step an SMS activity in `outbox`, a call step an `outgoing_call` task for the first
user of `calls_assigned_to`. Each carries `sequence_id`, `sequence_name` and
`sequence_subscription_id`. After the last step the subscription is `finished`. A step that cannot
be made (a template deleted, no phone to text) stops the subscription with status `error`; an
address unsubscribed meanwhile finishes it (`unsubscribed`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from leadbase.core import clock
from leadbase.core.errors import LeadbaseError
from leadbase.core.ids import SHORT, new_id
from leadbase.db import jobs
from leadbase.db.context import Actor, Context
from leadbase.db.models import (
    contact,
    email_template,
    membership,
    phone_number,
    sequence,
    sequence_subscription,
    sms_template,
)
from leadbase.db.repository import Row
from leadbase.db.resource import resources
from leadbase.jobs.registry import JobContext, JobKind, register
from leadbase.resources.merge_tags import TemplateProblem, render, rendered_email, template_names
from leadbase.resources.outreach import blocked_among, unsubscribed_among
from leadbase.resources.sequence.schedule import next_sending_moment
from leadbase.resources.sequence.steps import CALL, EMAIL, SMS

if TYPE_CHECKING:
    from leadbase.resources.sequence.subscriptions import SubscriptionService

STEP_JOB = "sequence.step"
RESCHEDULE_JOB = "sequence.reschedule"
DISARMED: Row = {"next_step_id": None, "next_run_at": None, "job_token": None}
META = {"request_method": "JOB", "request_path": "/api/v1/sequence_subscription/"}


class StepStopped(Exception):
    """The step cannot run: the subscription leaves `active` with this status and reason."""

    def __init__(self, status: str, reason: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


# ---- where a subscription stands ---------------------------------------------------------


def next_step(sequence_row: Row, row: Row) -> Row | None:
    """The first step, in the sequence's current order, that the subscription has not run."""
    done = set(row["steps_done"] or ())
    return next((s for s in sequence_row["steps"] if s["id"] not in done), None)


def due_at(sequence_row: Row, row: Row, step: Row) -> datetime:
    earliest = max(row["last_step_at"] + timedelta(seconds=step["delay"]), clock.now())
    return next_sending_moment(earliest, sequence_row["timezone"], sequence_row["schedule"])


def arm(service: SubscriptionService, row: Row, sequence_row: Row | None = None) -> Row:
    """Queue the job of the subscription's next step (finish it when none is left)."""
    sequence_row = sequence_row or service.repo.find(resources.get("sequence"), row["sequence_id"])
    assert sequence_row is not None
    step = next_step(sequence_row, row)
    if step is None:
        return service.stop(row, "finished", None)
    when = due_at(sequence_row, row, step)
    token = new_id("run", SHORT)
    row = service.keep(row, {"next_step_id": step["id"], "next_run_at": when, "job_token": token})
    jobs.enqueue(service.ctx, STEP_JOB, {"subscription_id": row["id"], "token": token}, run_at=when)
    return row


# ---- the jobs ----------------------------------------------------------------------------


def _actor(conn: Any, organization_id: str, user_id: str | None) -> Actor:
    """The member a job acts as (the subscription's or the sequence's author), with their role."""
    role_id = "admin"
    if user_id is not None:
        found = conn.execute(
            select(membership.c.role_id).where(
                membership.c.organization_id == organization_id, membership.c.user_id == user_id
            )
        ).first()
        role_id = found.role_id if found is not None else role_id
    return Actor(organization_id, user_id, None, role_id)


def _in_transaction(job: JobContext, author: Any, work: Any) -> Any:
    """Run `work(ctx)` in one transaction as the author of the row `author(conn)` finds."""
    with job.engine.connect() as conn:
        conn.execution_options(writes=True)
        with conn.begin():
            found = author(conn)
            if found is None:
                return None
            organization_id, user_id = found
            ctx = Context(
                conn=conn, actor=_actor(conn, organization_id, user_id), request_id=new_id("req", SHORT)
            )
            ctx.meta = dict(META)
            result = work(ctx)
            ctx.flush()
        for callback in ctx.after_commit:
            callback()
        return result


def _service(ctx: Context) -> SubscriptionService:
    spec = resources.get("sequence_subscription")
    service: SubscriptionService = spec.service(ctx, spec)  # type: ignore[assignment]
    return service


def run_step(job: JobContext) -> dict[str, Any]:
    subscription_id = job.payload["subscription_id"]
    token = job.payload["token"]
    organization_id = job.row["organization_id"]

    def author(conn: Any) -> tuple[str, str | None] | None:
        table = sequence_subscription
        found = conn.execute(
            select(table.c.created_by).where(
                table.c.organization_id == organization_id, table.c.id == subscription_id
            )
        ).first()
        return None if found is None else (organization_id, found.created_by)

    def work(ctx: Context) -> dict[str, Any]:
        service = _service(ctx)
        row = service.repo.find(service.spec, subscription_id, lock=True)
        if row is None or row["status"] != "active" or row["job_token"] != token:
            return {"ran": None}
        sequence_row = service.repo.find(resources.get("sequence"), row["sequence_id"])
        if sequence_row is None or sequence_row["status"] != "active":
            # A paused sequence: its subscriptions are armed again when it is active again.
            return {"ran": None}
        step = next_step(sequence_row, row)
        if step is None:
            service.stop(row, "finished", None)
            return {"ran": None}
        if due_at(sequence_row, row, step) > clock.now():
            # The steps or the schedule changed since the job was queued.
            arm(service, row, sequence_row)
            return {"ran": None}
        with service.unit.operation():
            row = service.unit.changing(service.spec, row)
            made = StepMaker(ctx, sequence_row, row).make(step)
            done = {"steps_done": [*row["steps_done"], step["id"]], "last_step_at": clock.now()}
            if step["step_type"] == EMAIL:
                done["last_email_id"] = made
            row = service.keep(row, {**done, **DISARMED})
            arm(service, row, sequence_row)
        return {"ran": step["id"], "made": made}

    try:
        return _in_transaction(job, author, work) or {"ran": None}
    except (StepStopped, LeadbaseError, TemplateProblem) as exc:
        stopped = exc if isinstance(exc, StepStopped) else StepStopped("error", "step_failed", str(exc))

        def record(ctx: Context) -> None:
            service = _service(ctx)
            row = service.repo.find(service.spec, subscription_id, lock=True)
            if row is not None and row["status"] == "active" and row["job_token"] == token:
                service.stop(row, stopped.status, stopped.reason, error=str(stopped))

        _in_transaction(job, author, record)
        return {"ran": None, "stopped": stopped.reason}


def reschedule(job: JobContext) -> dict[str, Any]:
    """Arm again every active subscription of a sequence whose timing changed (or that resumed)."""
    sequence_id = job.payload["sequence_id"]
    organization_id = job.row["organization_id"]

    def author(conn: Any) -> tuple[str, str | None] | None:
        found = conn.execute(
            select(sequence.c.updated_by).where(
                sequence.c.organization_id == organization_id, sequence.c.id == sequence_id
            )
        ).first()
        return None if found is None else (organization_id, found.updated_by)

    def work(ctx: Context) -> dict[str, Any]:
        service = _service(ctx)
        sequence_row = service.repo.find(resources.get("sequence"), sequence_id)
        if sequence_row is None or sequence_row["status"] != "active":
            return {"armed": 0}
        table = sequence_subscription
        rows = ctx.conn.execute(
            select(table).where(
                table.c.organization_id == ctx.organization_id,
                table.c.sequence_id == sequence_id,
                table.c.status == "active",
            )
        ).mappings()
        armed = 0
        with service.unit.operation():
            for found in list(rows):
                arm(service, dict(found), sequence_row)
                armed += 1
        return {"armed": armed}

    return _in_transaction(job, author, work) or {"armed": 0}


register(JobKind(STEP_JOB, run_step, max_attempts=5))
register(JobKind(RESCHEDULE_JOB, reschedule, max_attempts=5))


# ---- what a step makes -------------------------------------------------------------------


class StepMaker:
    """Makes one step's activity or task for one subscription (returns its id)."""

    def __init__(self, ctx: Context, sequence_row: Row, row: Row) -> None:
        self.ctx = ctx
        self.sequence = sequence_row
        self.row = row

    def make(self, step: Row) -> str:
        maker = {EMAIL: self._email, SMS: self._sms, CALL: self._call}[step["step_type"]]
        return maker(step)

    def _marks(self) -> Row:
        return {
            "sequence_id": self.sequence["id"],
            "sequence_name": self.sequence["name"],
            "sequence_subscription_id": self.row["id"],
        }

    def _template(self, table: Any, template_id: str | None) -> Row:
        found = (
            self.ctx.conn.execute(
                select(table).where(
                    table.c.organization_id == self.ctx.organization_id, table.c.id == template_id
                )
            )
            .mappings()
            .first()
        )
        if found is None:
            raise StepStopped("error", "template_missing", f"The template {template_id} no longer exists.")
        return dict(found)

    def _insert(self, path: str, body: Row, extra: Row) -> str:
        """Create an activity or task through its own service, with the sequence's marks stored."""
        spec = resources.get(path)
        service = spec.service(self.ctx, spec)
        with service.unit.operation():
            values = service.validate_create(body)
            if "payload" in values:
                values["payload"] = {**(values["payload"] or {}), **extra}
            created = service.insert(values)
            service.after_create(created, body)
        return str(created["id"])

    def _email(self, step: Row) -> str:
        address = self.row["contact_email"]
        if not address:
            raise StepStopped("error", "no_email", "The subscription has no contact email.")
        if unsubscribed_among(self.ctx, [address]):
            raise StepStopped("finished", "unsubscribed", f"{address} has unsubscribed.")
        if not self.row["sender_email"]:
            raise StepStopped("error", "no_sender", "The subscription has no sender email.")
        template = self._template(email_template, step["email_template_id"])
        rendered = rendered_email(
            self.ctx, template["subject"], template["body"], self.row["lead_id"], self.row["contact_id"]
        )
        name = (self.row["sender_name"] or "").replace('"', "")
        sender = f'"{name}" <{self.row["sender_email"]}>' if name else self.row["sender_email"]
        body: Row = {
            "lead_id": self.row["lead_id"],
            "contact_id": self.row["contact_id"],
            "status": "outbox",
            "sender": sender,
            "to": [address],
            "cc": list(template.get("cc") or ()),
            "bcc": list(template.get("bcc") or ()),
            "subject": rendered["subject"],
            "body_html": rendered["body"],
            "template_id": template["id"],
            "account_id": self.row["sender_account_id"],
        }
        if step["threading"] == "old_thread" and self.row["last_email_id"]:
            body["in_reply_to_id"] = self.row["last_email_id"]
        return self._insert("activity/email", body, self._marks())

    def _sms(self, step: Row) -> str:
        remote = self._contact_phone()
        local = self._local_phone()
        if blocked_among(self.ctx, [remote]):
            raise StepStopped("error", "blocked_number", f"{remote} is blocked.")
        template = self._template(sms_template, step["sms_template_id"])
        names = template_names(self.ctx, self.row["lead_id"], self.row["contact_id"])
        body: Row = {
            "lead_id": self.row["lead_id"],
            "contact_id": self.row["contact_id"],
            "status": "outbox",
            "direction": "outbound",
            "local_phone": local,
            "remote_phone": remote,
            "text": render(template["text"], names),
            "template_id": template["id"],
        }
        return self._insert("activity/sms", body, self._marks())

    def _contact_phone(self) -> str:
        found = self.ctx.conn.execute(
            select(contact.c.phones).where(
                contact.c.organization_id == self.ctx.organization_id, contact.c.id == self.row["contact_id"]
            )
        ).first()
        phones = [p.get("phone") for p in (found.phones if found else None) or () if isinstance(p, dict)]
        if not phones or not phones[0]:
            raise StepStopped("error", "no_phone", "The contact has no phone number to text.")
        return str(phones[0])

    def _local_phone(self) -> str:
        """The subscription's number, else one of its author's, else any of the organization's."""
        table = phone_number
        query = select(table.c.id, table.c.number, table.c.user_id).where(
            table.c.organization_id == self.ctx.organization_id
        )
        wanted = self.row["from_phone_number_id"]
        if wanted:
            query = query.where(table.c.id == wanted)
        numbers = list(self.ctx.conn.execute(query.order_by(table.c.date_created)))
        mine = [n for n in numbers if n.user_id == self.row["created_by"]]
        if not numbers:
            raise StepStopped(
                "error", "no_phone_number", "The organization has no phone number to text from."
            )
        return str((mine or numbers)[0].number)

    def _call(self, step: Row) -> str:
        assignees = list(self.row["calls_assigned_to"] or ())
        body: Row = {
            "_type": "outgoing_call",
            "lead_id": self.row["lead_id"],
            "contact_id": self.row["contact_id"],
            "assigned_to": assignees[0] if assignees else self.row["created_by"],
            "text": f"Call ({self.sequence['name']})",
            "date": clock.now().date().isoformat(),
        }
        marks = {"sequence_id": self.sequence["id"], "sequence_subscription_id": self.row["id"]}
        return self._insert("task", body, {**marks, "step_id": step["id"]})
