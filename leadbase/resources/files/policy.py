"""How uploads are accepted and kept: made once from the settings, at start."""

from __future__ import annotations

from dataclasses import dataclass

from leadbase.resources.files.storage import FileStore

# Close's signed form is good for 60 seconds and its temporary download URL for 24 hours.
UPLOAD_SECONDS = 60
DOWNLOAD_SECONDS = 24 * 3600
# Close's attachments are limited to 25 MB (an email's attachments together).
MAX_BYTES = 25 * 1024 * 1024


@dataclass(frozen=True)
class FilePolicy:
    store: FileStore
    max_bytes: int = MAX_BYTES
    upload_seconds: int = UPLOAD_SECONDS
    download_seconds: int = DOWNLOAD_SECONDS
    # The URL clients reach this server at (`https://crm.example.com`); None: the request's own.
    public_url: str | None = None
