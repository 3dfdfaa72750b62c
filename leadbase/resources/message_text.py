"""A message's HTML and text kept in step: an email's body_html/body_text, a WhatsApp message's markdown.

HTML is sanitized with nh3 before it is stored (scripts, event handlers, `javascript:` links and
unknown tags go; what a mail client shows stays). Writing only the HTML fills the text with its
plain rendering; writing only the text fills the HTML by escaping it, with line breaks as `<br>`.

The notes helper of issue 10 writes the restricted rich text of notes (`note`/`note_html`); an
email body allows more (tables, inline styles, images), so the two allow-lists differ, but the
conversions between text and HTML here are meant to be joined with that module.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3

# What an email body keeps: nh3's defaults (formatting, lists, tables, images, links) with the
# inline styles and layout attributes mail clients rely on.
EMAIL_TAGS = set(nh3.ALLOWED_TAGS) | {"span", "div", "font", "center"}
EMAIL_ATTRIBUTES: dict[str, set[str]] = {
    tag: set(attributes) for tag, attributes in nh3.ALLOWED_ATTRIBUTES.items()
}
for _tag in EMAIL_TAGS:
    EMAIL_ATTRIBUTES.setdefault(_tag, set()).update({"style", "class", "dir", "align"})
EMAIL_ATTRIBUTES.setdefault("font", set()).update({"color", "face", "size"})
EMAIL_ATTRIBUTES.setdefault("img", set()).update({"src", "alt", "width", "height"})
EMAIL_ATTRIBUTES.setdefault("a", set()).update({"href", "target"})
EMAIL_ATTRIBUTES.setdefault("td", set()).update({"width", "valign", "colspan", "rowspan", "bgcolor"})
EMAIL_ATTRIBUTES.setdefault("table", set()).update({"width", "cellpadding", "cellspacing", "border"})

# Elements after which a plain rendering breaks the line.
_BLOCKS = {
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "hr", "table", "ul", "ol",
}  # fmt: skip
_SKIPPED = {"script", "style", "head", "title"}


def sanitize_html(value: str) -> str:
    """An email body's HTML with only what is safe to show."""
    return nh3.clean(value, tags=EMAIL_TAGS, attributes=EMAIL_ATTRIBUTES, link_rel=None).strip()


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS and tag != "br":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(value: str) -> str:
    """The plain rendering of HTML: its text, a line per block, no more than one blank line."""
    parser = _Text()
    parser.feed(value)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def text_to_html(value: str) -> str:
    """HTML showing a plain text as written: escaped, line breaks kept."""
    return html.escape(value).replace("\r\n", "\n").replace("\n", "<br>")


def preview(text: str, length: int = 200) -> str:
    """The start of a text on one line (an email's body_preview)."""
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= length else flat[: length - 1].rstrip() + "…"


_BOLD = re.compile(r"\*(\S(?:[^*\n]*\S)?)\*")
_ITALIC = re.compile(r"(?<![\w])_(\S(?:[^_\n]*\S)?)_(?![\w])")
_STRIKE = re.compile(r"~(\S(?:[^~\n]*\S)?)~")
_CODE = re.compile(r"```(.+?)```", re.DOTALL)


def whatsapp_markdown_to_html(value: str) -> str:
    """WhatsApp's markdown (*bold*, _italic_, ~strike~, ```code```) as sanitized HTML."""
    out = html.escape(value)
    out = _CODE.sub(r"<code>\1</code>", out)
    out = _BOLD.sub(r"<strong>\1</strong>", out)
    out = _ITALIC.sub(r"<em>\1</em>", out)
    out = _STRIKE.sub(r"<s>\1</s>", out)
    out = out.replace("\r\n", "\n").replace("\n", "<br>")
    return sanitize_html(out)


def whatsapp_markdown_to_text(value: str) -> str:
    """The text of WhatsApp markdown without its markers."""
    return html_to_text(whatsapp_markdown_to_html(value).replace("<br>", "\n"))
