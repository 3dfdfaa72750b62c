"""Signed upload forms: what POST /files/upload/ checks and records, and the arrival of the bytes."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta
from typing import Any

from leadbase.core import clock
from leadbase.core.errors import FieldErrors
from leadbase.db.repository import Row
from leadbase.db.service import Service
from leadbase.resources.files.policy import FilePolicy

# type "/" subtype, then optional parameters (`text/plain; charset=utf-8`), as RFC 6838 names them.
_TOKEN = r"[A-Za-z0-9!#$&^_.+-]+"
CONTENT_TYPE = re.compile(rf"^{_TOKEN}/{_TOKEN}(\s*;\s*{_TOKEN}=(\"[^\"]*\"|{_TOKEN}))*$")
ACCEPTED_KEYS = frozenset({"filename", "content_type"})


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def policy_of(service: Service) -> FilePolicy:
    policy: FilePolicy = service.ctx.memo["file_policy"]
    return policy


class FileService(Service):
    """One upload form per POST; the secret of its signature exists only in the answer."""

    secret: str | None = None

    def validate_create(self, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        # Close's form takes exactly these two keys: anything else is a mistake worth naming.
        for key in sorted(set(body) - ACCEPTED_KEYS):
            errors.add(key, "Unknown field.")
        values = self._fields().clean(body, creating=True, errors=errors)
        filename = values.get("filename")
        if isinstance(filename, str) and ("/" in filename or "\\" in filename):
            errors.add("filename", "A file name cannot contain '/' or '\\'.")
        content_type = values.get("content_type")
        if isinstance(content_type, str) and not CONTENT_TYPE.match(content_type):
            errors.add("content_type", "Not a valid content type: use a MIME type such as 'image/png'.")
        errors.raise_if_any()
        policy = policy_of(self)
        now = clock.now()
        self.secret = secrets.token_urlsafe(32)
        return {
            **values,
            "token": secrets.token_urlsafe(32),
            "secret_hash": secret_hash(self.secret),
            "upload_expires": now + timedelta(seconds=policy.upload_seconds),
            "download_expires": now + timedelta(seconds=policy.download_seconds),
            "date_uploaded": None,
            "size": None,
            "etag": None,
        }

    def arrived(self, row: Row, size: int, etag: str) -> Row:
        """Record that the form's bytes are stored (again, when a form is used twice in its window)."""
        with self.unit.operation():
            row = self.unit.changing(self.spec, row)
            return self.change(row, {"date_uploaded": clock.now(), "size": size, "etag": etag})
