"""Rich text of activities: sanitizing with nh3 under one policy per use, plain text derived from
HTML and HTML made from plain text (one way each, for every use), mentions, and the pairing of a
text field with its HTML field.

Two policies:

- `NOTE`: Close's restricted rich text (crm-core.md §7.4) of notes, call and meeting notes and
  comments: `<body>...</body>` holding only Close's formatting tags, links, images and mention
  spans.
- `EMAIL`: an email body, which allows more (tables, inline styles, layout attributes mail
  clients rely on), not wrapped; also the HTML rendered from a WhatsApp message's markdown and a
  transcript's summary.

Under both, scripts, style sheets, event handlers and `javascript:` links are removed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import nh3


@dataclass(frozen=True)
class Policy:
    """What one use of rich text keeps, and how its HTML is framed."""

    tags: frozenset[str]
    attributes: Mapping[str, frozenset[str]]
    # None: nh3's own safe list (http, https, mailto, ...).
    url_schemes: frozenset[str] | None = None
    # Close's notes are `<body>...</body>`; an email body is bare.
    wrapped: bool = False
    line_break: str = "<br>"
    # Elements dropped with everything they hold (nh3 would keep a script's text otherwise).
    dropped: frozenset[str] = field(default_factory=lambda: frozenset({"script", "style"}))


# Close's documented formatting, links and images, and mention spans.
NOTE_TAGS = frozenset({
    "b", "strong", "i", "em", "u", "s", "code", "pre", "blockquote", "br",
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "hr", "a", "img", "span",
})  # fmt: skip
NOTE = Policy(
    tags=NOTE_TAGS,
    attributes={
        "a": frozenset({"href"}),
        "img": frozenset({"src", "alt"}),
        # Mention spans: `<span data-type="mention" data-id="user_..." data-label="Bob">`.
        "span": frozenset({"style", "class", "data-type", "data-id", "data-label"}),
    },
    url_schemes=frozenset({"http", "https", "mailto", "tel"}),
    wrapped=True,
    line_break="<br />",
)


def _email_attributes() -> dict[str, frozenset[str]]:
    tags = set(nh3.ALLOWED_TAGS) | {"span", "div", "font", "center"}
    out: dict[str, set[str]] = {tag: set(nh3.ALLOWED_ATTRIBUTES.get(tag, ())) for tag in tags}
    for tag in tags:
        out[tag] |= {"style", "class", "dir", "align"}
    out["font"] |= {"color", "face", "size"}
    out["img"] |= {"src", "alt", "width", "height"}
    out["a"] |= {"href", "target"}
    out["td"] |= {"width", "valign", "colspan", "rowspan", "bgcolor"}
    out["table"] |= {"width", "cellpadding", "cellspacing", "border"}
    return {tag: frozenset(names) for tag, names in out.items()}


EMAIL = Policy(
    tags=frozenset(set(nh3.ALLOWED_TAGS) | {"span", "div", "font", "center"}),
    attributes=_email_attributes(),
)

_WRAPPED = re.compile(r"^\s*<body>(.*)</body>\s*$", re.DOTALL | re.IGNORECASE)


def sanitize(text: str, policy: Policy = NOTE) -> str:
    """HTML holding only what `policy` allows ("" when nothing is left)."""
    match = _WRAPPED.match(text) if policy.wrapped else None
    inner = match.group(1) if match else text
    cleaned = nh3.clean(
        inner,
        tags=set(policy.tags),
        attributes={tag: set(names) for tag, names in policy.attributes.items()},
        url_schemes=set(policy.url_schemes) if policy.url_schemes is not None else None,
        clean_content_tags=set(policy.dropped),
        link_rel=None,
    ).strip()
    if policy.wrapped and cleaned:
        return f"<body>{cleaned}</body>"
    return cleaned


def from_text(text: str, policy: Policy = NOTE) -> str:
    """The HTML form of a plain text: escaped, line breaks kept ("" for no text)."""
    if not text:
        return ""
    escaped = html.escape(text, quote=False).replace("\r\n", "\n").replace("\n", policy.line_break)
    return f"<body>{escaped}</body>" if policy.wrapped else escaped


# Elements that start and end a line of the plain rendering.
_BLOCKS = frozenset({
    "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "hr", "table", "ul", "ol",
})  # fmt: skip
_SKIPPED = frozenset({"script", "style", "head", "title"})


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def _line(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self._line()
            if tag == "li":
                self.parts.append("- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self._line()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            # As a browser shows it: a run of white space is one space.
            self.parts.append(re.sub(r"\s+", " ", data))


def to_text(body: str) -> str:
    """The plain rendering of HTML (either policy's): its text, a line per block and `<br>`,
    list items as `- ` lines, no more than one blank line."""
    parser = _Text()
    parser.feed(body)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def preview(text: str, length: int = 200) -> str:
    """The start of a text on one line (an email's body_preview)."""
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= length else flat[: length - 1].rstrip() + "…"


# ---- mentions -----------------------------------------------------------------------------


class _Mentions(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        mentioned = found.get("data-id")
        if tag != "span" or found.get("data-type") != "mention" or not mentioned:
            return
        if all(m["id"] != mentioned for m in self.found):
            self.found.append({"id": mentioned, "label": found.get("data-label") or ""})


def mention_spans(body: str) -> list[dict[str, str]]:
    """The users and groups a body mentions, in order, once each: `{id, label}`."""
    parser = _Mentions()
    parser.feed(body)
    parser.close()
    return parser.found


def mentions(body: str) -> list[str]:
    """Ids of the users and groups a body mentions, in order, once each."""
    return [m["id"] for m in mention_spans(body)]


# ---- a text field and its HTML field kept in step ----------------------------------------


class NotProse(ValueError):
    """A rich-text field given something other than a string or null."""


def paired(
    body: Mapping[str, Any], text_key: str, html_key: str, policy: Policy = NOTE
) -> dict[str, str] | None:
    """The (text, html) pair a body writes, or None when it names neither key.

    Writing the HTML fills the text with its plain rendering; writing the text fills the HTML
    with its escaped form; when both arrive the HTML wins. A null writes "".
    """
    if html_key in body:
        value = body[html_key]
        if value is not None and not isinstance(value, str):
            raise NotProse(html_key)
        cleaned = sanitize(value or "", policy)
        return {text_key: to_text(cleaned), html_key: cleaned}
    if text_key in body:
        value = body[text_key]
        if value is not None and not isinstance(value, str):
            raise NotProse(text_key)
        return {text_key: value or "", html_key: from_text(value or "", policy)}
    return None


# ---- WhatsApp's markdown ------------------------------------------------------------------

_BOLD = re.compile(r"\*(\S(?:[^*\n]*\S)?)\*")
_ITALIC = re.compile(r"(?<![\w])_(\S(?:[^_\n]*\S)?)_(?![\w])")
_STRIKE = re.compile(r"~(\S(?:[^~\n]*\S)?)~")
_CODE = re.compile(r"```(.+?)```", re.DOTALL)


def markdown_to_html(value: str) -> str:
    """WhatsApp's markdown (*bold*, _italic_, ~strike~, ```code```) as sanitized HTML."""
    out = from_text(value, EMAIL)
    out = _CODE.sub(r"<code>\1</code>", out)
    out = _BOLD.sub(r"<strong>\1</strong>", out)
    out = _ITALIC.sub(r"<em>\1</em>", out)
    out = _STRIKE.sub(r"<s>\1</s>", out)
    return sanitize(out, EMAIL)


def markdown_to_text(value: str) -> str:
    """The text of WhatsApp markdown without its markers."""
    return to_text(markdown_to_html(value))
