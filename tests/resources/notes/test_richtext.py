"""The shared rich-text module: what nh3 keeps and removes, and the note/note_html pairing."""

from __future__ import annotations

import pytest

from leadbase.resources.richtext import NotProse, from_text, mention_spans, paired, sanitize, to_text

MENTION = '<span data-type="mention" data-id="user_1" data-label="Bob" class="mention">@Bob</span>'


def test_script_tags_are_removed_with_their_content() -> None:
    cleaned = sanitize("<body><p>Hi<script>alert('x')</script></p><style>p { color: red }</style></body>")
    assert cleaned == "<body><p>Hi</p></body>"


def test_event_handlers_are_removed() -> None:
    cleaned = sanitize(
        '<p onclick="steal()" onmouseover="x()">Hi <img src="https://a.test/i.png" onerror="x()"></p>'
    )
    assert "onclick" not in cleaned and "onmouseover" not in cleaned and "onerror" not in cleaned
    assert cleaned == '<body><p>Hi <img src="https://a.test/i.png"></p></body>'


def test_javascript_links_lose_their_href() -> None:
    cleaned = sanitize('<a href="javascript:alert(1)">x</a> <a href="JaVaScRiPt:alert(1)">y</a>')
    assert "javascript" not in cleaned.lower()
    assert (
        sanitize('<a href="https://close.com/">ok</a>') == '<body><a href="https://close.com/">ok</a></body>'
    )


def test_mention_spans_are_kept() -> None:
    cleaned = sanitize(f"<body><p>Ask {MENTION}</p></body>")
    assert cleaned == f"<body><p>Ask {MENTION}</p></body>"
    assert mention_spans(cleaned) == [{"id": "user_1", "label": "Bob"}]


def test_unknown_tags_are_unwrapped_and_plain_text_is_wrapped() -> None:
    assert sanitize("<div><blink>Hello</blink></div>") == "<body>Hello</body>"
    assert sanitize("just text") == "<body>just text</body>"
    assert sanitize("<script>x</script>") == ""


def test_text_and_html_renderings() -> None:
    assert from_text("a < b\nc") == "<body>a &lt; b<br />c</body>"
    assert to_text("<body><p>One<br />two</p><p>three &amp; four</p></body>") == "One\ntwo\nthree & four"


def test_pairing_html_wins_and_fills_the_text() -> None:
    pair = paired({"note": "ignored", "note_html": "<b>Bold</b><script>x</script>"}, "note", "note_html")
    assert pair == {"note": "Bold", "note_html": "<body><b>Bold</b></body>"}
    assert paired({"note": "Line\nnext"}, "note", "note_html") == {
        "note": "Line\nnext",
        "note_html": "<body>Line<br />next</body>",
    }
    assert paired({"note": None}, "note", "note_html") == {"note": "", "note_html": ""}
    assert paired({"title": "x"}, "note", "note_html") is None
    with pytest.raises(NotProse):
        paired({"note_html": 5}, "note", "note_html")
