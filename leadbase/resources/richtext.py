"""Close's restricted rich text (crm-core.md §7.4): sanitizing, plain-text renderings, mentions,
and the `note`/`note_html` pairing that notes, calls and meetings share.

The HTML is `<body>...</body>` holding only Close's formatting tags, links, images and mention
spans; anything else (scripts, event handlers, `javascript:` links, styles sheets) is removed by nh3.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any

import nh3

# Close's documented formatting, links and images, and mention spans.
TAGS = {
    "b", "strong", "i", "em", "u", "s", "code", "pre", "blockquote", "br",
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "hr", "a", "img", "span",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt"},
    "span": {"style", "class", "data-type", "data-id", "data-label"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
_WRAPPED = re.compile(r"^\s*<body>(.*)</body>\s*$", re.DOTALL | re.IGNORECASE)
# Elements whose text is never content (nh3 drops them with what they hold).
_DROPPED = {"script", "style"}
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote", "pre", "hr"}


def sanitize(text: str) -> str:
    """`<body>...</body>` holding only the allowed tags and attributes ("" when nothing is left)."""
    match = _WRAPPED.match(text)
    inner = match.group(1) if match else text
    cleaned = nh3.clean(
        inner,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        clean_content_tags=_DROPPED,
        link_rel=None,
    ).strip()
    return f"<body>{cleaned}</body>" if cleaned else ""


def from_text(text: str) -> str:
    """The HTML form of a plain text: escaped, line breaks as `<br />`."""
    if not text:
        return ""
    return "<body>" + html.escape(text, quote=False).replace("\r\n", "\n").replace("\n", "<br />") + "</body>"


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def _newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self._newline()

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self._newline()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def to_text(body: str) -> str:
    """A plain-text rendering of sanitized HTML: its text, blocks and `<br>` as line breaks."""
    parser = _Text()
    parser.feed(body)
    parser.close()
    return "".join(parser.parts).strip()


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


class NotProse(ValueError):
    """A rich-text field given something other than a string or null."""


def paired(body: Mapping[str, Any], text_key: str, html_key: str) -> dict[str, str] | None:
    """The (text, html) pair a body writes, or None when it names neither key.

    Writing the HTML fills the text with its plain rendering; writing the text fills the HTML
    with its escaped form; when both arrive the HTML wins. A null writes "".
    """
    if html_key in body:
        value = body[html_key]
        if value is not None and not isinstance(value, str):
            raise NotProse(html_key)
        cleaned = sanitize(value or "")
        return {text_key: to_text(cleaned), html_key: cleaned}
    if text_key in body:
        value = body[text_key]
        if value is not None and not isinstance(value, str):
            raise NotProse(text_key)
        return {text_key: value or "", html_key: from_text(value or "")}
    return None
