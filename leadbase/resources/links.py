"""Integration links rendered into leads (and contacts): their URL templates filled in.

An integration link's `url` is a template in Close's syntax, `{{ lead.display_name }}`
(Jinja's): it is rendered in Jinja's sandbox, so a template can read the object's public
fields and nothing else, and every value is percent-encoded, since it lands inside a URL.
A reference to a field the object lacks renders empty. Shared by the integration_link
package (which checks templates on write) and the resources that show links.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from jinja2 import TemplateSyntaxError
from sqlalchemy import select

from leadbase.db.context import Context
from leadbase.db.models import integration_link
from leadbase.db.orgcache import cached
from leadbase.resources.sandbox import sandboxed

LINK_TYPES = ("lead", "contact", "opportunity")


def _encode(value: Any) -> str:
    if value is None:
        return ""
    return quote(str(value), safe="")


_ENVIRONMENT = sandboxed(finalize=_encode)


class TemplateError(ValueError):
    """A URL template that does not parse."""


@lru_cache(maxsize=1024)
def _compiled(template: str) -> Any:
    return _ENVIRONMENT.from_string(template)


def check_template(template: str) -> None:
    try:
        _compiled(template)
    except TemplateSyntaxError as exc:
        raise TemplateError(exc.message or "Not a valid template.") from exc


def fill(template: str, names: dict[str, Any]) -> str:
    """The template with `names` (`{"lead": {...}}`) filled in; a broken template as it is."""
    try:
        return str(_compiled(template).render(**names))
    except Exception:
        return template


def _load(ctx: Context) -> dict[str, tuple[tuple[str, str], ...]]:
    rows = ctx.conn.execute(
        select(integration_link.c.type, integration_link.c.name, integration_link.c.url)
        .where(integration_link.c.organization_id == ctx.organization_id)
        .order_by(integration_link.c.date_created, integration_link.c.id)
    )
    links: dict[str, list[tuple[str, str]]] = {}
    for r in rows:
        links.setdefault(r.type, []).append((r.name, r.url))
    return {kind: tuple(found) for kind, found in links.items()}


def links_of(ctx: Context, kind: str) -> tuple[tuple[str, str], ...]:
    """(name, url template) of the organization's links of one type, from the process cache when
    current (a trigger replaces the settings version when a link changes)."""
    links: dict[str, tuple[tuple[str, str], ...]] | None = ctx.memo.get("integration_links")
    if links is None:
        links = ctx.memo["integration_links"] = cached(ctx, "integration_links", _load)
    return links.get(kind, ())


def links_wanted(ctx: Context, kind: str, rows: Sequence[Any]) -> bool:
    """Whether a page of objects of `kind` fills in `integration_links`: asked for (every field,
    or that one), and the organization has links of that kind. Most have none, and their pages
    then make no call per object."""
    shown = ctx.shown
    return bool(rows) and (shown is None or "integration_links" in shown) and bool(links_of(ctx, kind))


def render_links(ctx: Context, kind: str, obj: dict[str, Any]) -> list[dict[str, str]]:
    """`integration_links` of one rendered object of `kind` (lead, contact, opportunity)."""
    links = links_of(ctx, kind)
    if not links:
        return []
    names = {kind: obj}
    return [{"name": name, "url": fill(url, names)} for name, url in links]
