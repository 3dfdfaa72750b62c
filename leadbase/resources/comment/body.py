"""A comment's body: Close's restricted rich text, sanitized with nh3, and its mentions."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

# Close's documented formatting (crm-core.md §7.4), links and images, and mention spans.
TAGS = {
    "b", "strong", "i", "em", "u", "s", "code", "pre", "blockquote", "br",
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "hr", "a", "img", "span",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt"},
    "span": {"style", "class", "data-type", "data-id", "data-label"},
}
_WRAPPED = re.compile(r"^\s*<body>(.*)</body>\s*$", re.DOTALL | re.IGNORECASE)


def sanitize(text: str) -> str:
    """`<body>...</body>` holding only the allowed tags and attributes (a plain text is wrapped)."""
    match = _WRAPPED.match(text)
    inner = match.group(1) if match else text
    cleaned = nh3.clean(inner, tags=TAGS, attributes=ATTRIBUTES, link_rel=None).strip()
    return f"<body>{cleaned}</body>" if cleaned else ""


class _Mentions(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        mentioned = found.get("data-id")
        if tag == "span" and found.get("data-type") == "mention" and mentioned and mentioned not in self.ids:
            self.ids.append(mentioned)


def mentions(body: str) -> list[str]:
    """Ids of the users and groups a body mentions, in order, once each."""
    parser = _Mentions()
    parser.feed(body)
    parser.close()
    return parser.ids
