"""The `message.send` job: an email or SMS waiting in `outbox` or `scheduled` goes out at its time.

Three steps, so that no transaction is open while a server is talked to:

1. in one transaction, the message is read again (locked): it goes out only if it still waits
   with the `send_at` the job was queued for (back to draft, deleted, sent or rescheduled
   meanwhile: nothing to do). Unsubscribed addresses and blocked numbers end it in `error`.
   With the captured transport (the default, and always for SMS) the message is recorded in
   the captured outbox and marked `sent` right there, in the same transaction;
2. over SMTP, the ledger row says `sending` (the message can no longer be canceled) and the
   server is handed the message outside any transaction;
3. in a last transaction the ledger row and the activity record the answer: `sent`, a failed
   attempt to retry later (a 4xx answer, a dropped connection), or `error`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid, parseaddr
from typing import Any

from leadbase.core import clock
from leadbase.core.ids import SHORT, new_id
from leadbase.db import outbox as ledger
from leadbase.db.context import Actor, Context
from leadbase.db.repository import Row
from leadbase.db.resource import resources
from leadbase.jobs.registry import JobContext, JobKind, register
from leadbase.resources.messages.base import SEND_JOB, WAITING, MessageService
from leadbase.resources.messages.smtp import SendFailure, SmtpServer
from leadbase.resources.outreach import blocked_among, unsubscribed_among

MAX_ATTEMPTS = 4


class TryAgain(Exception):
    """A temporary failure was recorded: the worker queues the job again with its backoff."""


@dataclass
class Outgoing:
    """One message as it leaves: what the captured outbox shows and what SMTP is handed."""

    channel: str
    sender: str | None
    to: list[str]
    cc: list[str] = field(default_factory=list)
    bcc: list[str] = field(default_factory=list)
    subject: str | None = None
    body_text: str | None = None
    body_html: str | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    message_id: str | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)

    def addresses(self) -> list[str]:
        """The bare addresses (or numbers) it goes to."""
        if self.channel == "sms":
            return list(self.to)
        return [addr for _name, addr in getaddresses([*self.to, *self.cc, *self.bcc]) if addr]

    def ledger_values(self, row: Row) -> Row:
        return {
            "activity_id": row["id"],
            "lead_id": row["lead_id"],
            "contact_id": row.get("contact_id"),
            "user_id": row.get("user_id"),
            "channel": self.channel,
            "sender": self.sender,
            "recipients": {"to": self.to, "cc": self.cc, "bcc": self.bcc},
            "parties": ledger.parties([parseaddr(self.sender or "")[1] or self.sender, *self.addresses()]),
            "subject": self.subject,
            "body_text": self.body_text,
            "body_html": self.body_html,
            "attachments": self.attachments,
            "headers": self.headers,
            "message_id": self.message_id,
        }

    def mime(self) -> EmailMessage:
        message = EmailMessage()
        for name, value in self.headers.items():
            message[name] = value
        message.set_content(self.body_text or "")
        if self.body_html:
            message.add_alternative(self.body_html, subtype="html")
        return message

    def sent_values(self) -> Row:
        """What the activity keeps of how it left (an email's Message-ID and thread headers)."""
        if self.channel == "sms":
            return {}
        return {"message_id": self.message_id, "in_reply_to": self.in_reply_to, "references": self.references}


def compose(service: MessageService, row: Row) -> Outgoing:
    """The message a merged activity row says to send."""
    if service.spec.model_name == "SMS":
        return Outgoing(
            channel="sms",
            sender=row.get("local_phone"),
            to=[row["remote_phone"]] if row.get("remote_phone") else [],
            body_text=row.get("text") or "",
            attachments=list(row.get("attachments") or []),
        )
    sender = row.get("sender") or ""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "leadbase.invalid"
    out = Outgoing(
        channel="email",
        sender=sender,
        to=list(row.get("to") or []),
        cc=list(row.get("cc") or []),
        bcc=list(row.get("bcc") or []),
        subject=row.get("subject") or "",
        body_text=row.get("body_text") or "",
        body_html=row.get("body_html") or "",
        attachments=list(row.get("attachments") or []),
        message_id=make_msgid(idstring=row["id"], domain=domain),
    )
    replied = service.repo.find(service.spec, row["in_reply_to_id"]) if row.get("in_reply_to_id") else None
    if replied is not None:
        original = service.merged(replied)
        out.in_reply_to = original.get("message_id")
        out.references = [
            *(original.get("references") or []),
            *([out.in_reply_to] if out.in_reply_to else []),
        ]
    headers = {"From": sender, "To": ", ".join(out.to)}
    if out.cc:
        headers["Cc"] = ", ".join(out.cc)
    headers.update(
        {
            "Subject": out.subject or "",
            "Date": format_datetime(clock.now()),
            "Message-ID": out.message_id or "",
        }
    )
    if out.in_reply_to:
        headers["In-Reply-To"] = out.in_reply_to
    if out.references:
        headers["References"] = " ".join(out.references)
    out.headers = headers
    return out


def refusal(ctx: Context, message: Outgoing) -> SendFailure | None:
    """Why the message may not go out at all: an unsubscribed address, a blocked number."""
    if message.channel == "sms":
        blocked = sorted(blocked_among(ctx, message.to))
        if blocked:
            return SendFailure("BlockedNumber", f"Not sent: {', '.join(blocked)} is a blocked number.", False)
        return None
    unsubscribed = sorted(unsubscribed_among(ctx, message.addresses()))
    if unsubscribed:
        return SendFailure(
            "RecipientUnsubscribed", f"Not sent: {', '.join(unsubscribed)} unsubscribed from emails.", False
        )
    return None


@contextmanager
def _unit(job: JobContext) -> Iterator[Context]:
    """One transaction of the job, as a system actor of the job's organization."""
    actor = Actor(job.row["organization_id"], None, None, "admin")
    with job.engine.connect() as conn:
        conn.execution_options(writes=True)
        with conn.begin():
            ctx = Context(conn=conn, actor=actor, request_id=new_id("req", SHORT))
            if job.settings is not None:
                ctx.memo["settings"] = job.settings
            yield ctx
            ctx.flush()
        for callback in ctx.after_commit:
            callback()


def _waiting(ctx: Context, job: JobContext) -> tuple[MessageService, Row] | None:
    """The message, locked, when it still waits to go out at the moment the job was queued for."""
    spec = resources.get(job.payload["path"])
    service = spec.service(ctx, spec)
    assert isinstance(service, MessageService)
    row = service.repo.find(spec, job.payload["activity_id"], lock=True)
    if row is None or row["status"] not in WAITING:
        return None
    if (row.get("payload") or {}).get("send_at") != job.payload["send_at"]:
        return None
    # The message's events name its user, as if they had pressed send.
    ctx.actor = Actor(ctx.organization_id, row.get("user_id"), None, "admin")
    return service, row


def send_message(job: JobContext) -> dict[str, Any]:
    smtp_url = getattr(job.settings, "smtp_url", None)
    with _unit(job) as ctx:
        found = _waiting(ctx, job)
        if found is None:
            return {"skipped": "no longer waiting to go out"}
        service, row = found
        message = compose(service, service.merged(row))
        refused = refusal(ctx, message)
        if refused is not None:
            service.record_attempt(row, refused.error_class, refused.message, final=True)
            return {"error": refused.message}
        if message.channel == "sms" or not smtp_url:
            now = clock.now()
            values = {**message.ledger_values(row), "transport": "captured", "status": ledger.SENT}
            ledger.record(ctx.conn, ctx.organization_id, {**values, "date_sent": now})
            service.mark_sent(row, now, message.sent_values())
            return {"sent": row["id"]}
        values = {**message.ledger_values(row), "transport": "smtp", "status": ledger.SENDING}
        record = ledger.record(ctx.conn, ctx.organization_id, values)
    failure: SendFailure | None = None
    partial: str | None = None
    try:
        partial = SmtpServer.parse(smtp_url).send(
            message.mime(), parseaddr(message.sender or "")[1], message.addresses()
        )
    except SendFailure as exc:
        failure = exc
    final = failure is not None and (not failure.temporary or job.attempt >= MAX_ATTEMPTS)
    with _unit(job) as ctx:
        ledger.finish(
            ctx.conn,
            ctx.organization_id,
            record["id"],
            error=failure.message if failure else None,
            when=clock.now(),
        )
        found = _waiting(ctx, job)
        if found is None:
            return {"sent": job.payload["activity_id"], "note": "the message was deleted while it was sent"}
        service, row = found
        if failure is None:
            row = service.mark_sent(row, clock.now(), message.sent_values())
            if partial:
                service.record_attempt(row, "SMTPRecipientsRefused", partial, final=False)
            return {"sent": row["id"]}
        service.record_attempt(row, failure.error_class, failure.message, final=final)
    if not final:
        raise TryAgain(failure.message)
    return {"error": failure.message}


SEND = register(JobKind(SEND_JOB, send_message, max_attempts=MAX_ATTEMPTS, first_retry=timedelta(seconds=30)))
