"""The count of `name:<word start>` (GET /lead/?query=name:Ac): SQLite reads it from the text
index, a lead's body standing for its name where it starts with the word
(search/name_counts.py). Each count is checked against names matched here in Python, by
Close's rule for a word start: some word of the name, split on spaces, starts so, case aside."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from tests.support import Api, count_statements

# Names and descriptions chosen so that a shortcut other than "the body starts with the name"
# miscounts: the word later in the name, inside a word, after punctuation, in the description
# only, in another case, in a contact's name.
_LEADS = [
    ("Acme Labs", ""),
    ("Big Acorn", ""),
    ("ACE Hardware", ""),
    ("Bacon & Co", ""),
    ("x-acme", ""),
    ("Zeta", "acme partner since 2019"),
    ("", "ac unit repairs"),
    ("Ac", ""),
    ("Lab (Acme)", ""),
]


def _expected(names: list[str], start: str) -> int:
    return sum(any(w.lower().startswith(start) for w in name.split()) for name in names)


def _total(api: Api, query: str) -> int:
    return int(api.ok("GET", f"lead/?_limit=0&query={quote(query)}")["total_results"])


def _listed(api: Api, query: str) -> int:
    page = api.ok("GET", f"lead/?_limit=200&query={quote(query)}")
    return len(page["data"])


def test_the_count_of_a_name_start_is_the_leads_whose_name_has_a_word_starting_so(
    make_api: Callable[..., Api],
) -> None:
    api, other = make_api(), make_api()
    names = [name for name, _ in _LEADS]
    for name, description in _LEADS:
        api.ok("POST", "lead/", json={"name": name, "description": description})
    api.ok("POST", "lead/", json={"name": "Zed", "contacts": [{"name": "Acton Bell"}]})
    gone = api.ok("POST", "lead/", json={"name": "Acme Gone"})
    api.ok("DELETE", f"lead/{gone['id']}/")
    other.ok("POST", "lead/", json={"name": "Acme Elsewhere"})
    names.append("Zed")

    for start in ("ac", "acm", "lab", "big", "zz"):
        expected = _expected(names, start)
        assert _total(api, f"name:{start}") == expected, start
        assert _listed(api, f"name:{start}") == expected, start
    assert _expected(names, "ac") == 4  # the fixture itself: the mix above is what it tests
    assert _total(other, "name:ac") == 1

    # A rename moves the lead in or out of the count.
    renamed = api.ok("GET", "lead/?_limit=1&query=name:Zeta")["data"][0]
    api.ok("PUT", f"lead/{renamed['id']}/", json={"name": "Acorn Zeta"})
    assert _total(api, "name:ac") == 5
    api.ok("PUT", f"lead/{renamed['id']}/", json={"name": "Zeta", "description": "no longer"})
    assert _total(api, "name:ac") == 4


def test_sqlite_counts_a_name_start_without_reading_every_candidate_lead(api: Api) -> None:
    for name, description in _LEADS:
        api.ok("POST", "lead/", json={"name": name, "description": description})
    with count_statements(api.engine) as counter:
        assert _total(api, "name:ac") == 4
    counts = [s for s in counter.statements if "count(" in s.lower()]
    assert counts, counter.statements
    if api.engine.dialect.name == "sqlite":
        # One count, over the index's rows; the lead table read only inside EXISTS.
        assert len(counts) == 1
        assert "FROM text_index" in counts[0]
        assert "FROM lead " not in counts[0].split("EXISTS")[0]
