"""Emails through a real SMTP server (LEADBASE_SMTP_URL), with the standard library's smtplib.

    smtp://host:25                       plain (a local relay)
    smtp://user:pass@host:587?starttls=true
    smtps://user:pass@host:465           TLS from the first byte
    ...?timeout=30&verify=false          seconds per operation; skip certificate checks (tests)

A failure says whether trying again later may help (a 4xx answer, a dropped connection) or
not (a 5xx answer, refused credentials), which decides between a retry and `error`.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

SCHEMES = {"smtp": 25, "smtps": 465}
TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class SendFailure(Exception):
    """The server did not take the message: `error_class` and `message` go to `send_attempts`."""

    error_class: str
    message: str
    temporary: bool


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    implicit_tls: bool = False
    starttls: bool = False
    timeout: float = 30.0
    verify: bool = True

    @classmethod
    def parse(cls, url: str) -> SmtpServer:
        """The server an SMTP URL names; ValueError says what is wrong with it."""
        parts = urlsplit(url)
        if parts.scheme not in SCHEMES:
            raise ValueError("an SMTP URL starts with smtp:// or smtps://")
        if not parts.hostname:
            raise ValueError("an SMTP URL names a host: smtp://host:port")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        try:
            port = parts.port or SCHEMES[parts.scheme]
            timeout = float(query.get("timeout", "30"))
        except ValueError as exc:
            raise ValueError(f"not a valid SMTP URL: {exc}") from exc
        return cls(
            host=parts.hostname,
            port=port,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            implicit_tls=parts.scheme == "smtps",
            starttls=query.get("starttls", "").lower() in TRUE,
            timeout=timeout,
            verify=query.get("verify", "true").lower() in TRUE,
        )

    def _tls(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if not self.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    def _login(self, client: smtplib.SMTP) -> None:
        """PLAIN when offered (one exchange, so a refusal is final), else smtplib's choice."""
        client.ehlo_or_helo_if_needed()
        if "plain" in client.esmtp_features.get("auth", "").lower().split():
            client.user, client.password = self.username or "", self.password or ""
            client.auth("PLAIN", client.auth_plain)
        else:
            client.login(self.username or "", self.password or "")

    def send(self, message: EmailMessage, sender: str, recipients: list[str]) -> str | None:
        """Hand one message over, or raise SendFailure; the recipients the server refused while
        taking it for the others (None when it took them all)."""
        try:
            client: smtplib.SMTP
            if self.implicit_tls:
                client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self._tls())
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                if self.starttls:
                    client.starttls(context=self._tls())
                if self.username is not None:
                    self._login(client)
                refused = client.send_message(message, from_addr=sender, to_addrs=recipients)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise SendFailure(
                "SMTPRecipientsRefused",
                _refusals(exc.recipients),
                temporary=all(400 <= c < 500 for c in codes),
            ) from exc
        except smtplib.SMTPResponseException as exc:
            text = (
                exc.smtp_error.decode("utf-8", "replace")
                if isinstance(exc.smtp_error, bytes)
                else str(exc.smtp_error)
            )
            raise SendFailure(
                type(exc).__name__, f"{exc.smtp_code} {text}".strip(), temporary=400 <= exc.smtp_code < 500
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            # Dropped connections, timeouts, a server that is down: worth another try.
            raise SendFailure(type(exc).__name__, str(exc) or type(exc).__name__, temporary=True) from exc
        # Some recipients took it: the message went out; the others are noted, not retried.
        return _refusals(refused) if refused else None


def _refusals(refused: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(
        f"{address}: {code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"
        for address, (code, text) in refused.items()
    )
