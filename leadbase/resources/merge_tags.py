"""Close's template tags in email and SMS templates: checked when a template is written, filled in
when one is rendered (the render endpoint now, sending later).

A template is Jinja's syntax as Close writes it: `{{ contact.first_name }}`, `{{ lead.display_name }}`,
`{{ user.first_name }}`, `{{ organization.name }}`, custom fields as `{{ lead.custom.Tier }}` (by name
or id) and fallbacks as `{{ contact.first_name|default:"there" }}` (the form Close's editor inserts)
or Jinja's `|default("there")`. A fallback applies when the value is missing, null or empty.

What a template may hold is narrow on purpose: text, variables under the four roots, a few text
filters and `{% if %}`. The parsed tree is checked against that list before anything is stored, so
a template that reaches for `__class__`, calls a method, loops or multiplies strings is a 400
naming its line; rendering happens in the shared sandbox (resources/sandbox.py) all the same.
Unknown roots and unknown attributes of the four objects are 400s too; custom field names are
not checked (a field may be renamed or made later) and render empty when absent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from jinja2 import Template, TemplateError, TemplateSyntaxError, Undefined, nodes
from jinja2.sandbox import SandboxedEnvironment

from leadbase.api.params import parse_order
from leadbase.core.errors import Invalid
from leadbase.custom_fields.definitions import load_definitions
from leadbase.db.context import Context
from leadbase.db.query import ListQuery
from leadbase.db.resource import resources
from leadbase.resources.sandbox import sandboxed

ROOTS = ("lead", "contact", "user", "organization")
# Keys a root offers besides its resource's declared fields.
EXTRA_KEYS: Mapping[str, frozenset[str]] = {
    "lead": frozenset({"custom"}),
    "contact": frozenset({"custom", "first_name", "last_name", "email", "phone"}),
    "user": frozenset({"full_name"}),
    "organization": frozenset(),
}
FILTERS = frozenset({"default", "d", "upper", "lower", "title", "capitalize", "trim"})
# Expressions and statements a template may hold; anything else is refused by `check`.
ALLOWED = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Getattr,
    nodes.Getitem,
    nodes.Const,
    nodes.Filter,
    nodes.If,
    nodes.Not,
    nodes.And,
    nodes.Or,
    nodes.Compare,
    nodes.Operand,
)
# Close's editor writes fallbacks the Django way (`|default:"there"`); Jinja reads `|default("there")`.
_COLON_DEFAULT = re.compile(r"""\|\s*(default|d)\s*:\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")


class TemplateProblem(ValueError):
    """A template that may not be stored or rendered; the message names the spot."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _fallback(value: Any, default_value: Any = "", boolean: bool = True) -> Any:
    # `boolean` is Jinja's second argument, accepted and ignored: here a fallback always applies to
    # empty values too, which is what a salutation wants.
    if isinstance(value, Undefined) or value is None or value == "" or value == []:
        return default_value
    return value


def _shown(value: Any) -> Any:
    if value is None or isinstance(value, Undefined):
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value if v is not None)
    return value


def _environment(*, html: bool) -> SandboxedEnvironment:
    env = sandboxed(autoescape=html, finalize=_shown)
    env.filters["default"] = env.filters["d"] = _fallback
    return env


_TEXT = _environment(html=False)
# Email bodies are HTML: values are escaped, the template's own markup is not.
_HTML = _environment(html=True)


def _translated(text: str) -> str:
    return _COLON_DEFAULT.sub(r"|default(\2)", text)


@lru_cache(maxsize=1)
def catalogue() -> Mapping[str, frozenset[str]]:
    """The keys each root offers: its resource's declared fields and the extras above."""
    known: dict[str, frozenset[str]] = {}
    for root in ROOTS:
        fields = resources.get(root).fields
        # What the representation shows: a write-only field (a lead's `status` label) is not there.
        declared = (
            frozenset(f.name for f in fields if not f.write_only) if fields is not None else frozenset()
        )
        known[root] = declared | EXTRA_KEYS[root]
    return known


def _walk(node: nodes.Node) -> Iterator[nodes.Node]:
    yield node
    for child in node.iter_child_nodes():
        yield from _walk(child)


def _root_key(node: nodes.Getattr | nodes.Getitem) -> tuple[str, str] | None:
    """(root, key) when the node reads a key of one of the roots (`lead.name`)."""
    key = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
    if isinstance(node.node, nodes.Name) and isinstance(key, str):
        return node.node.name, key
    return None


def _reads_a_root(node: nodes.Node) -> bool:
    """Whether a chain of attribute and item reads starts at a variable (`lead.custom.Tier`), not at a
    literal (`"x".format`)."""
    while isinstance(node, (nodes.Getattr, nodes.Getitem)):
        node = node.node
    return isinstance(node, nodes.Name)


def _problem(node: nodes.Node, message: str) -> TemplateProblem:
    return TemplateProblem(f"Line {node.lineno}: {message}")


def check(text: str) -> None:
    """TemplateProblem unless `text` is a template this module renders (syntax, variables, filters)."""
    try:
        tree = _TEXT.parse(_translated(text))
        nodes_of = list(_walk(tree))
    except TemplateSyntaxError as exc:
        raise TemplateProblem(f"Line {exc.lineno}: {exc.message or 'not a valid template'}.") from exc
    except RecursionError as exc:
        # Thousands of nested blocks or parentheses: the parser's recursion gives up, not the server.
        raise TemplateProblem("The template is nested too deeply.") from exc
    known = catalogue()
    for node in nodes_of:
        if not isinstance(node, ALLOWED):
            raise _problem(node, f"{type(node).__name__.lower()} is not allowed in a template.")
        if isinstance(node, nodes.Name):
            if node.ctx != "load" or node.name not in ROOTS:
                raise _problem(node, f"unknown variable `{node.name}` (use {', '.join(ROOTS)}).")
        elif isinstance(node, (nodes.Getattr, nodes.Getitem)):
            key = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
            if isinstance(node, nodes.Getitem) and not isinstance(node.arg, nodes.Const):
                raise _problem(node, "a variable's key must be written out.")
            if not isinstance(key, str) or key.startswith("_"):
                raise _problem(node, f"`{key}` is not a variable.")
            if not _reads_a_root(node):
                raise _problem(node, f"`{key}` is not a variable: keys are read from {', '.join(ROOTS)}.")
            found = _root_key(node)
            if found is not None:
                root, name = found
                if root in known and name not in known[root] and not name.startswith("custom."):
                    raise _problem(node, f"unknown variable `{root}.{name}`.")
        elif isinstance(node, nodes.Filter):
            if node.name not in FILTERS:
                raise _problem(node, f"unknown filter `{node.name}` (use {', '.join(sorted(FILTERS))}).")
            if node.kwargs or node.dyn_args or node.dyn_kwargs:
                raise _problem(node, f"the filter `{node.name}` takes plain values only.")
            if any(not isinstance(arg, nodes.Const) for arg in node.args):
                raise _problem(node, f"the filter `{node.name}` takes plain values only.")


@lru_cache(maxsize=1024)
def _compiled(text: str, html: bool) -> Template:
    return (_HTML if html else _TEXT).from_string(_translated(text))


def render(text: str, names: Mapping[str, Any], *, html: bool = False) -> str:
    """`text` filled in with `names` (`{"lead": {...}, ...}`); TemplateProblem if it cannot be."""
    check(text)
    try:
        return str(_compiled(text, html).render(**names))
    except (TemplateError, RecursionError) as exc:
        raise TemplateProblem(f"The template cannot be rendered: {exc}") from exc


# ---- the objects a template reads ----------------------------------------------------------


def _render_object(ctx: Context, path: str, object_id: str) -> dict[str, Any]:
    spec = resources.get(path)
    service = spec.service(ctx, spec)
    return service.render_one(service.get(object_id))


def _with_custom(ctx: Context, kind: str, obj: dict[str, Any]) -> dict[str, Any]:
    """`obj` with `custom`: its custom values by field id and by field name."""
    names = {d.id: d.name for d in load_definitions(ctx, kind)}
    custom: dict[str, Any] = {}
    for key, value in obj.items():
        if key.startswith("custom.cf_"):
            field_id = key.removeprefix("custom.")
            custom[field_id] = value
            if field_id in names:
                custom[names[field_id]] = value
    return {**obj, "custom": custom}


def _contact_names(contact: dict[str, Any]) -> dict[str, Any]:
    name = (contact.get("name") or "").strip()
    first, _, last = name.partition(" ")
    emails = contact.get("emails") or []
    phones = contact.get("phones") or []
    return {
        **contact,
        "first_name": first,
        "last_name": last.strip(),
        "email": emails[0]["email"] if emails else "",
        "phone": phones[0]["phone"] if phones else "",
    }


def template_names(ctx: Context, lead_id: str, contact_id: str | None) -> dict[str, Any]:
    """What a template reads for one lead and (optionally) one of its contacts, as the caller.

    NotFound (404) for a lead or contact the organization does not have; Invalid when the
    contact is not the lead's.
    """
    ctx.shown = None
    lead = _with_custom(ctx, "lead", _render_object(ctx, "lead", lead_id))
    contact: dict[str, Any] = {}
    if contact_id is not None:
        contact = _render_object(ctx, "contact", contact_id)
        if contact.get("lead_id") != lead["id"]:
            raise Invalid(field_errors={"contact_id": "The contact is not one of the lead's contacts."})
        contact = _with_custom(ctx, "contact", _contact_names(contact))
    user = _render_object(ctx, "user", ctx.actor.user_id) if ctx.actor.user_id else {}
    if user:
        user = {
            **user,
            "full_name": " ".join(p for p in (user.get("first_name"), user.get("last_name")) if p),
        }
    organization = _render_object(ctx, "organization", ctx.organization_id)
    return {"lead": lead, "contact": contact, "user": user, "organization": organization}


def _emails_of(contact: Mapping[str, Any]) -> list[str]:
    return [e["email"] for e in contact.get("emails") or [] if isinstance(e, dict) and e.get("email")]


def preview_target(ctx: Context, query: str, entry: int, mode: str) -> tuple[str, str] | None:
    """(lead id, contact id) of the `entry`-th recipient of a lead search, as a bulk email would
    meet them: `lead` mode counts leads with an emailed contact (and takes the first such contact),
    `contact` mode counts contacts with an email. None past the end."""
    spec = resources.get("lead")
    service = spec.service(ctx, spec)
    seen = 0
    skip = 0
    page_size = 100
    # Leads without emails are skipped, so the scan is bounded rather than exact: a search whose
    # first thousand leads hold fewer recipients than `entry` previews nothing.
    while skip < 1000:
        page = service.list_page(
            ListQuery(order_by=parse_order(spec, {}), skip=skip, limit=page_size), {"query": query}
        )
        ctx.shown = None
        for lead in service.render(page.rows):
            with_emails = [c for c in lead.get("contacts") or [] if _emails_of(c)]
            candidates = with_emails[:1] if mode == "lead" else with_emails
            for contact in candidates:
                if seen == entry:
                    return lead["id"], contact["id"]
                seen += 1
        if not page.has_more:
            return None
        skip += page_size
    return None


def rendered_email(ctx: Context, subject: str, body: str, lead_id: str, contact_id: str) -> dict[str, Any]:
    """An email template's subject and body for one contact of one lead, with who it goes to."""
    names = template_names(ctx, lead_id, contact_id)
    lead, contact = names["lead"], names["contact"]
    return {
        "subject": render(subject, names),
        "body": render(body, names, html=True),
        "lead_id": lead["id"],
        "lead_display_name": lead.get("display_name"),
        "contact_id": contact["id"],
        "contact_display_name": contact.get("display_name"),
        "email": next(iter(_emails_of(contact)), None),
    }
