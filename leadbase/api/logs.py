"""Keeping API secrets out of logs.

`GET /api_key/<key>/` accepts the secret itself in the path (Close's legacy form), so any log
line with a request path may carry one: the access log of uvicorn and leadbase's own.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from leadbase.core.ids import SHORT

REDACTED = "<redacted>"
# A key id (api_ + 22 characters) is not a secret and stays readable; any other segment goes.
_SECRET_SEGMENT = re.compile(rf"(/api_key/)(?!api_[A-Za-z0-9]{{{SHORT}}}(?:[/?\s\"]|$))[^/?\s\"]+")


def redact(text: str) -> str:
    return _SECRET_SEGMENT.sub(r"\1" + REDACTED, text) if "/api_key/" in text else text


def _redacted(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class RedactSecrets(logging.Filter):
    """A logging filter (for handlers) that removes API secrets from paths in any record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redacted(arg) for key, arg in record.args.items()}
        return True


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's logging configuration with the filter on every handler (each worker applies it)."""
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = {
        **LOGGING_CONFIG,
        "filters": {"redact_secrets": {"()": "leadbase.api.logs.RedactSecrets"}},
        "handlers": {
            name: {**handler, "filters": ["redact_secrets"]}
            for name, handler in LOGGING_CONFIG["handlers"].items()
        },
        "loggers": {
            **LOGGING_CONFIG["loggers"],
            "leadbase": {"handlers": ["default"], "level": "INFO", "propagate": False},
        },
    }
    return config
