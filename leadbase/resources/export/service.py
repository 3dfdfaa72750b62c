"""Exports: what a member asks for (checked when asked), how an export shows, its download links.

POST /export/lead/ and /export/opportunity/ create an export through `Service.create`, so its
`created` event is recorded like any object's; `after_create` queues the job that writes the
file (job.py). The file is served by leadbase itself (endpoints.py) at a link signed with the
export's secret and valid for `export_link_seconds`, like the pre-signed links Close hands out.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import secrets
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from leadbase.core import clock
from leadbase.core.errors import BadRequest, FieldErrors, Invalid, NotFound
from leadbase.db import jobs
from leadbase.db.exports import DONE
from leadbase.db.filters import Filter, Term
from leadbase.db.permissions import require
from leadbase.db.query import ListQuery
from leadbase.db.repository import Row
from leadbase.db.service import Service
from leadbase.resources.export.selection import opportunity_ids
from leadbase.resources.query_names import OrganizationNames
from leadbase.search import nodes
from leadbase.search.engine import object_type_of, parse_sort
from leadbase.search.query_string import translate

JOB_KIND = "export"
FORMATS = ("csv", "json")
LEAD_TYPES = ("leads", "contacts", "lead_opps")
DATE_FORMATS = ("original", "iso8601", "excel")
DOWNLOAD_PATH = "/go/export/{export_id}/{file_name}/"
DEFAULT_LINK_SECONDS = 60.0
DEFAULT_KEEP_HOURS = 168.0


def exports_directory(settings: Any) -> Path:
    """Where export files go: the setting, else beside the SQLite file, else the temp directory."""
    configured = getattr(settings, "exports_dir", None)
    if configured:
        return Path(configured)
    url = str(getattr(settings, "database_url", "") or "")
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        database = Path(url.removeprefix("sqlite:///").split("?")[0])
        return database.resolve().parent / "leadbase-exports"
    return Path(tempfile.gettempdir()) / "leadbase-exports"


def signature(token: str, export_id: str, expires: int) -> str:
    message = f"{export_id}:{expires}".encode()
    return hmac.new(bytes.fromhex(token), message, hashlib.sha256).hexdigest()


def file_name_of(row: Row) -> str:
    return f"{row['id']}.{row['format']}"


def _choice(errors: FieldErrors, body: Mapping[str, Any], name: str, choices: tuple[str, ...]) -> Any:
    value = body.get(name)
    if value is None:
        errors.add(name, "This field is required.")
    elif value not in choices:
        errors.add(name, f"Not a valid choice: use one of {', '.join(choices)}.")
    return value


def _flag(errors: FieldErrors, body: Mapping[str, Any], name: str, default: bool) -> bool:
    value = body.get(name, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        errors.add(name, "Expected true or false.")
        return default
    return value


def _fields(errors: FieldErrors, body: Mapping[str, Any]) -> list[str] | None:
    value = body.get("fields")
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        errors.add("fields", "Expected a list of field names.")
        return None
    return list(dict.fromkeys(value))


class ExportService(Service):
    # ---- reading -------------------------------------------------------------------------

    def list_filter(self, query: ListQuery, params: Mapping[str, str]) -> Filter | None:
        # Members see the exports they made; admins see the organization's (as webhooks).
        if self.ctx.actor.is_admin:
            return None
        return Term("created_by", "eq", self.ctx.actor.user_id)

    def get(self, object_id: str, *, lock: bool = False) -> Row:
        row = super().get(object_id, lock=lock)
        if not self.ctx.actor.is_admin and row["created_by"] != self.ctx.actor.user_id:
            raise NotFound.for_model(self.spec.model_name)
        return row

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        fields = self._fields()
        computed = {"download_url": self.download_url}
        return [fields.render(r, computed) for r in rows]

    def download_url(self, row: Row) -> str | None:
        """A link signed for `export_link_seconds` from now, while the file is kept."""
        if row["status"] != DONE or not row["file_name"]:
            return None
        now = clock.now()
        if row["expires_at"] is not None and row["expires_at"] <= now:
            return None
        settings = self.ctx.memo.get("settings")
        seconds = float(getattr(settings, "export_link_seconds", DEFAULT_LINK_SECONDS))
        expires = math.ceil(now.timestamp() + seconds)
        if row["expires_at"] is not None:
            expires = min(expires, math.floor(row["expires_at"].timestamp()))
        base = str(getattr(settings, "public_url", None) or self.ctx.memo.get("base_url") or "").rstrip("/")
        path = DOWNLOAD_PATH.format(export_id=row["id"], file_name=quote(row["file_name"], safe=""))
        return f"{base}{path}?expires={expires}&signature={signature(row['token'], row['id'], expires)}"

    # ---- asking for an export ------------------------------------------------------------

    def authorize(self, action: str, row: Row | None) -> None:
        require(self.ctx, "export")

    def validate_create(self, body: dict[str, Any]) -> Row:
        kind = body["kind"]
        errors = FieldErrors()
        values: Row = {
            "kind": kind,
            "format": _choice(errors, body, "format", FORMATS),
            "fields": _fields(errors, body),
            "send_done_email": _flag(errors, body, "send_done_email", True),
            "include_activities": _flag(errors, body, "include_activities", False),
            "include_smart_fields": _flag(errors, body, "include_smart_fields", False),
            "status": "created",
            "n_docs": None,
            "n_docs_processed": 0,
            "token": secrets.token_hex(32),
            "s_query": None,
            "results_limit": None,
            "sort": None,
            "params": None,
        }
        date_format = body.get("date_format")
        if date_format is not None and date_format not in DATE_FORMATS:
            errors.add("date_format", f"Not a valid choice: use one of {', '.join(DATE_FORMATS)}.")
        values["date_format"] = date_format
        if kind == "lead":
            values["type"] = _choice(errors, body, "type", LEAD_TYPES)
            self._lead_selection(body, values, errors)
        else:
            values["type"] = "opps"
            self._opportunity_selection(body, values, errors)
        errors.raise_if_any()
        return values

    def _lead_selection(self, body: Mapping[str, Any], values: Row, errors: FieldErrors) -> None:
        """`s_query`/`sort`/`results_limit` (or a `query` string, translated into them), checked now."""
        limit = body.get("results_limit")
        if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0):
            errors.add("results_limit", "Expected a whole number of at least 0.")
        values["results_limit"] = limit
        s_query, sort = body.get("s_query"), body.get("sort")
        text = body.get("query")
        if s_query is None and isinstance(text, str) and text.strip():
            translation = translate(text, "lead", OrganizationNames(self.ctx), self.ctx.tz_offset)
            s_query, sort = translation.query, sort if sort is not None else translation.sort
        try:
            if s_query is not None and object_type_of(nodes.parse(s_query, "s_query")) != "lead":
                errors.add("s_query", "An export selects leads: the query's object_type must be lead.")
            parse_sort(sort)
        except Invalid as exc:
            for name, message in exc.field_errors.items():
                errors.add(name, message)
        values["s_query"] = s_query
        values["sort"] = sort if sort is not None else []

    def _opportunity_selection(self, body: Mapping[str, Any], values: Row, errors: FieldErrors) -> None:
        params = body.get("params")
        if params is None:
            params = {}
        if not isinstance(params, dict):
            errors.add("params", "Expected an object of /opportunity/ list filters.")
            return
        values["params"] = {str(k): v if isinstance(v, str) else str(v) for k, v in params.items()}
        try:
            # Built now (not run) so that filters the list refuses are refused here, not in the job.
            opportunity_ids(self.ctx, values["params"])
        except (Invalid, BadRequest) as exc:
            problems = exc.field_errors if isinstance(exc, Invalid) else {}
            for name, message in problems.items() or [("params", exc.message)]:
                errors.add(f"params.{name}" if name != "params" else name, message)

    def after_create(self, row: Row, body: dict[str, Any]) -> None:
        settings = self.ctx.memo.get("settings")
        keep_hours = float(getattr(settings, "export_keep_hours", DEFAULT_KEEP_HOURS))
        base_url = getattr(settings, "html_base_url", None) or self.ctx.memo.get("base_url") or ""
        payload = {
            "export_id": row["id"],
            "directory": os.fspath(exports_directory(settings)),
            "keep_seconds": keep_hours * 3600,
            "base_url": base_url,
            "role_id": self.ctx.actor.role_id,
            "tz_offset": self.ctx.tz_offset,
        }
        jobs.enqueue(self.ctx, JOB_KIND, payload, max_attempts=3)
