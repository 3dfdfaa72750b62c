"""The shared rich-text module: what nh3 keeps and removes, and the note/note_html pairing."""

from __future__ import annotations

import pytest

from leadbase.resources.richtext import (
    EMAIL,
    NOTE,
    NotProse,
    from_text,
    markdown_to_html,
    markdown_to_text,
    mention_spans,
    paired,
    sanitize,
    to_text,
)

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


def test_one_module_two_policies() -> None:
    table = '<table border="1"><tr><td style="color: red">x</td></tr></table>'
    # An email body keeps its tables and inline styles, bare; a note keeps neither.
    assert (
        sanitize(table, EMAIL)
        == '<table border="1"><tbody><tr><td style="color: red">x</td></tr></tbody></table>'
    )
    assert sanitize(table, NOTE) == "<body>x</body>"
    assert sanitize(table) == sanitize(table, NOTE)
    for policy in (NOTE, EMAIL):
        hostile = '<p onclick="x()">Hi</p><script>alert(1)</script><a href="javascript:x()">y</a>'
        cleaned = sanitize(hostile, policy)
        assert "onclick" not in cleaned and "script" not in cleaned and "javascript" not in cleaned
    assert from_text("a < b\nc", EMAIL) == "a &lt; b<br>c"
    assert from_text("a < b\nc", NOTE) == "<body>a &lt; b<br />c</body>"


def test_one_plain_rendering_for_every_policy() -> None:
    rendered = "<h1>Plan</h1><ul><li>one</li><li>two   words</li></ul><p>end<br>now</p><style>p{}</style>"
    assert to_text(rendered) == "Plan\n- one\n- two words\nend\nnow"
    assert to_text(sanitize(rendered, NOTE)) == to_text(sanitize(rendered, EMAIL)) == to_text(rendered)
    assert paired({"body_html": "<ol><li>a</li></ol>"}, "body_text", "body_html", EMAIL) == {
        "body_text": "- a",
        "body_html": "<ol><li>a</li></ol>",
    }


def test_whatsapp_markdown_goes_through_the_email_policy() -> None:
    assert markdown_to_html("*Hi* _you_ ~no~ <b>x</b>\nnext") == (
        "<strong>Hi</strong> <em>you</em> <s>no</s> &lt;b&gt;x&lt;/b&gt;<br>next"
    )
    assert markdown_to_text("*Hi* _you_\nnext") == "Hi you\nnext"
