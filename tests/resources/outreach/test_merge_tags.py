"""The template checker and renderer on their own: what they accept, refuse and produce."""

from __future__ import annotations

import pytest

from leadbase.resources import load_all
from leadbase.resources.merge_tags import TemplateProblem, check, render

load_all()

NAMES = {
    "lead": {"display_name": "Acme", "name": "Acme", "custom": {"Tier": "Gold", "Empty": ""}},
    "contact": {"first_name": "", "last_name": "Lee", "emails": [{"email": "a@acme.test"}]},
    "user": {"first_name": "Ann"},
    "organization": {"name": "Org"},
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hi {{ contact.first_name|default:'there' }}", "Hi there"),
        ('Hi {{ contact.first_name | default : "a|b" }}', "Hi a|b"),
        ("Hi {{ contact.first_name|default('x') }}", "Hi x"),
        ("{{ lead.custom.Empty|d('none') }} {{ lead.custom.Tier|lower }}", "none gold"),
        ("{% if contact.first_name %}Hi{% else %}Hello{% endif %} {{ contact.last_name }}", "Hello Lee"),
        ("{{ lead.custom.Unknown }}|{{ lead['custom.cf_x'] }}|", "||"),
        ("{{ user.first_name|upper }} @ {{ organization.name }}", "ANN @ Org"),
    ],
)
def test_renders(text: str, expected: str) -> None:
    assert render(text, NAMES) == expected


def test_html_bodies_escape_values_only() -> None:
    names = {**NAMES, "lead": {**NAMES["lead"], "name": "<script>x</script>"}}
    assert render("<b>{{ lead.name }}</b>", names, html=True) == "<b>&lt;script&gt;x&lt;/script&gt;</b>"
    assert render("<b>{{ lead.name }}</b>", names) == "<b><script>x</script></b>"


@pytest.mark.parametrize(
    ("text", "spot"),
    [
        ("a\nb\n{{ lead.name", "Line 3"),
        ("{{ lead.name }}\n{{ leed.name }}", "Line 2: unknown variable `leed`"),
        ("{{ contact.nickname }}", "unknown variable `contact.nickname`"),
        ('{{ "abc".format }}', "not a variable"),
        ("{{ lead.__class__ }}", "`__class__` is not a variable"),
        ("{{ lead.name|safe }}", "unknown filter `safe`"),
        ("{{ lead.name|default(lead.__init__) }}", "plain values only"),
        ("{{ lead.name ~ lead.name }}", "concat is not allowed"),
        ("{{ 9 ** 9 ** 9 }}", "is not allowed"),
        ("{% raw %}{{ x }}{% endraw %}{{ lead.name.__len__() }}", "is not allowed"),
        ("{% if lead %}" * 3000 + "{% endif %}" * 3000, "nested too deeply"),
        ("{{ " + "(" * 5000 + "lead" + ")" * 5000 + " }}", "nested too deeply"),
    ],
)
def test_refuses_with_the_spot(text: str, spot: str) -> None:
    with pytest.raises(TemplateProblem) as caught:
        check(text)
    assert spot in caught.value.message
    # Rendering checks first: a template that was never checked is refused the same way.
    with pytest.raises(TemplateProblem):
        render(text, NAMES)
