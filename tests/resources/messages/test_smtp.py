"""Emails through a real SMTP server (LEADBASE_SMTP_URL), against a local aiosmtpd server."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from leadbase.config import Settings
from leadbase.db import jobs
from leadbase.resources.messages.smtp import SmtpServer
from tests.resources.messages.outbox import email, lead_with_contact, outbox, run_worker
from tests.support import Api

Obj = dict[str, Any]


@dataclass
class Mailbox:
    """What the server received; `refuse` answers RCPT TO of these addresses with a 550."""

    received: list[tuple[str, list[str], Message]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    logins: list[str] = field(default_factory=list)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        self.received.append((str(envelope.mail_from), list(envelope.rcpt_tos), message_from_bytes(content)))
        return "250 Message accepted"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"bo", b"s3cret")
        if ok:
            self.logins.append(data.login.decode())
        return AuthResult(success=ok, handled=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = _free_port()
    controller = Controller(
        box, hostname="127.0.0.1", port=port, authenticator=box.authenticate, auth_require_tls=False
    )
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


def _settings(url: str) -> Settings:
    return Settings(smtp_url=url)


def test_an_outbox_email_goes_through_the_smtp_server(api: Api, mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    lead = lead_with_contact(api)
    queued = email(
        api,
        lead,
        status="outbox",
        cc=["cy@acme.test"],
        bcc=["audit@example.com"],
        body_html="<p>Hello <b>Ann</b></p>",
    )
    run_worker(api, _settings(f"smtp://bo:s3cret@127.0.0.1:{port}"))
    ((mail_from, rcpt_tos, message),) = box.received
    assert box.logins == ["bo"]
    assert mail_from == "bo@example.com"
    assert sorted(rcpt_tos) == ["ann@acme.test", "audit@example.com", "cy@acme.test"]
    assert (message["From"], message["To"], message["Cc"], message["Subject"]) == (
        '"Bo Sales" <bo@example.com>',
        '"Ann" <ann@acme.test>',
        "cy@acme.test",
        "Your quote",
    )
    assert message["Bcc"] is None
    parts = {part.get_content_type(): part.get_payload(decode=True) for part in message.walk()}
    assert parts["text/plain"].strip() == b"Hello Ann" and b"<b>Ann</b>" in parts["text/html"]
    sent = api.ok("GET", f"activity/email/{queued['id']}/")
    assert sent["status"] == "sent" and sent["message_ids"] == [message["Message-ID"]]
    (record,) = outbox(api)
    assert (record["transport"], record["status"], record["message_id"]) == (
        "smtp",
        "sent",
        message["Message-ID"],
    )


def test_a_refused_recipient_ends_the_email_in_error(api: Api, mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    box.refuse = {"ann@acme.test"}
    lead = lead_with_contact(api)
    queued = email(api, lead, status="outbox")
    run_worker(api, _settings(f"smtp://127.0.0.1:{port}"))
    failed = api.ok("GET", f"activity/email/{queued['id']}/")
    assert failed["status"] == "error" and failed["date_sent"] is None
    (attempt,) = failed["send_attempts"]
    assert attempt["error_class"] == "SMTPRecipientsRefused"
    assert attempt["error_message"] == "ann@acme.test: 550 5.1.1 No such user here"
    (record,) = outbox(api)
    assert (record["status"], record["error"]) == ("error", attempt["error_message"])
    assert box.received == []


def test_some_refused_recipients_are_noted_on_a_sent_email(api: Api, mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    box.refuse = {"cy@acme.test"}
    lead = lead_with_contact(api)
    queued = email(api, lead, status="outbox", cc=["cy@acme.test"])
    run_worker(api, _settings(f"smtp://127.0.0.1:{port}"))
    sent = api.ok("GET", f"activity/email/{queued['id']}/")
    assert sent["status"] == "sent"
    assert [a["error_message"] for a in sent["send_attempts"]] == [
        "cy@acme.test: 550 5.1.1 No such user here"
    ]
    assert [rcpt for _f, rcpt, _m in box.received] == [["ann@acme.test"]]


def test_wrong_credentials_end_the_email_in_error(api: Api, mailbox: tuple[Mailbox, int]) -> None:
    _box, port = mailbox
    lead = lead_with_contact(api)
    queued = email(api, lead, status="outbox")
    run_worker(api, _settings(f"smtp://bo:wrong@127.0.0.1:{port}"))
    failed = api.ok("GET", f"activity/email/{queued['id']}/")
    assert failed["status"] == "error"
    assert failed["send_attempts"][0]["error_class"] == "SMTPAuthenticationError"


def test_a_server_that_is_down_is_tried_again_later(api: Api) -> None:
    lead = lead_with_contact(api)
    queued = email(api, lead, status="outbox")
    run_worker(api, _settings(f"smtp://127.0.0.1:{_free_port()}?timeout=5"))
    waiting = api.ok("GET", f"activity/email/{queued['id']}/")
    # The attempt is noted and the email still waits in outbox for the job's next try.
    assert waiting["status"] == "outbox"
    assert waiting["send_attempts"][0]["error_class"] == "ConnectionRefusedError"
    with api.engine.connect() as conn:
        queued_again = [
            row
            for row in conn.execute(jobs.job.select().where(jobs.job.c.kind == "message.send")).mappings()
            if row["payload"]["activity_id"] == queued["id"]
        ]
    assert [(row["status"], row["attempts"]) for row in queued_again] == [(jobs.QUEUED, 1)]
    (record,) = outbox(api)
    assert record["status"] == "error" and record["transport"] == "smtp"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://relay.example.com", SmtpServer("relay.example.com", 25)),
        (
            "smtp://bo%40example.com:p%3Ass@mail.example.com:587?starttls=true&timeout=5",
            SmtpServer("mail.example.com", 587, "bo@example.com", "p:ss", starttls=True, timeout=5.0),
        ),
        ("smtps://u:p@mail.example.com", SmtpServer("mail.example.com", 465, "u", "p", implicit_tls=True)),
        ("smtp://localhost:2525?verify=false", SmtpServer("localhost", 2525, verify=False)),
    ],
)
def test_smtp_urls(url: str, expected: SmtpServer) -> None:
    assert SmtpServer.parse(url) == expected


@pytest.mark.parametrize(
    "url", ["http://mail.example.com", "smtp://", "smtp://host:notaport", "smtp://h?timeout=x"]
)
def test_bad_smtp_urls_are_refused_at_start(url: str) -> None:
    with pytest.raises(ValueError, match="SMTP URL"):
        Settings(smtp_url=url)
