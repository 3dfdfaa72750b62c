"""The words of each lead's own text and its contacts', kept by lead beside the index, so that the
count of a one-word search reads them when no activity holds the word
(search/fulltext.py `count_leads_with_words`): PostgreSQL's `lead_word`, a row per word and lead
(migration c8e2b4f6a1d9), SQLite's `lead_text`, a document per lead indexed by FTS5 (migration
f6a2c8e4b0d3).

The copies are checked against the index's own rows after every kind of write, and each count
against the leads the same search lists, on both databases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.search.helpers import (
    assert_lead_words_follow_the_index,
    counted_by_words,
    id_set,
    of,
    search,
    text,
)
from tests.support import Api, count_statements

Obj = dict[str, Any]


def _follow(api: Api) -> None:
    """The rows follow the index; the counts of words the writes touch are the leads listed."""
    assert_lead_words_follow_the_index(api)
    for word in ("okafor", "family", "acme", "emile", "notebook"):
        total, listed, _ = counted_by_words(api, word)
        assert total == listed, word


def _lead(api: Api, name: str, **extra: Any) -> Obj:
    return api.ok("POST", "lead/", json={"name": name, **extra})  # type: ignore[no-any-return]


def test_the_rows_follow_every_write(api: Api, make_api: Callable[..., Api]) -> None:
    other = make_api()
    _lead(other, "Okafor Other", contacts=[{"name": "Ann Okafor"}])
    two = _lead(
        api,
        "Acme Labs",
        description="Okafor family business",
        contacts=[
            {"name": "Ann Okafor", "title": "CEO", "emails": [{"email": "ann@acme.test"}]},
            {"name": "Bo Okafor", "phones": [{"phone": "+14155550100"}]},
        ],
    )
    _follow(api)
    ann, bo = two["contacts"]
    # A word gone from one of two rows stays with its lead; gone from both, it goes.
    api.ok("PUT", f"contact/{bo['id']}/", json={"name": "Bo Smith"})
    api.ok("PUT", f"lead/{two['id']}/", json={"description": "A family business"})
    _follow(api)
    # An update that leaves the words as they were, and one of a field outside them.
    api.ok("PUT", f"lead/{two['id']}/", json={"name": "Acme Labs", "status": "Qualified"})
    api.ok("PUT", f"contact/{ann['id']}/", json={"title": "Chief Executive", "emails": []})
    _follow(api)
    # Accents folded as each index folds them; activities are not kept.
    accented = _lead(api, "Okafór Trading", contacts=[{"name": "Émile Zola"}])
    api.ok("POST", "activity/note/", json={"lead_id": accented["id"], "note": "notebook words here"})
    _follow(api)
    # A merge moves the source's rows to the destination; a deleted contact and lead take theirs.
    api.ok("POST", "lead/merge/", json={"source": accented["id"], "destination": two["id"]})
    _follow(api)
    api.ok("DELETE", f"contact/{ann['id']}/")
    _follow(api)
    api.ok("DELETE", f"lead/{two['id']}/")
    _follow(api)
    assert counted_by_words(api, "okafor") == (0, 0, True)


def test_a_one_word_count_reads_lead_word_unless_an_activity_holds_the_word(
    api: Api, make_api: Callable[..., Api]
) -> None:
    make_api().ok("POST", "lead/", json={"name": "Quokka Elsewhere", "contacts": [{"name": "Quokka"}]})
    first = _lead(api, "Quokka Holdings", contacts=[{"name": "Ann Quokka"}, {"name": "Bo Quokka"}])
    _lead(api, "Burrow", contacts=[{"name": "Cy", "emails": [{"email": "cy@quokka.example"}]}])
    _lead(api, "Wallaby", contacts=[{"name": "Di Wallaby"}])
    api.ok("POST", "activity/note/", json={"lead_id": first["id"], "note": "wallaby sighting"})
    gone = _lead(api, "Quokka Gone")
    api.ok("DELETE", f"lead/{gone['id']}/")

    # (query, leads, whether lead_word answers): a word an activity holds and two words are
    # counted from the index rows.
    for query, expected, from_words in (
        ("quokka", 2, True),
        ("QUOKKA", 2, True),
        ('"quokka"', 2, True),
        ("holdings", 1, True),
        ("nothing", 0, True),
        ("wallaby", 2, False),
        ("sighting", 1, False),
        ("quokka holdings", 1, False),
    ):
        total, listed, read = counted_by_words(api, query)
        assert total == listed == expected, query
        assert read == from_words, query
    # A word start: the leads of the index rows.
    with count_statements(api.engine) as counter:
        started = search(api, of("lead", text("quok", "beginning_of_words")), include_counts=True, _limit=1)
    assert started["count"]["total"] == 2
    assert not any("lead_word" in s or "lead_text" in s for s in counter.statements)


def test_a_word_an_activity_of_another_lead_holds_is_still_counted_right(api: Api) -> None:
    # The activity's lead holds the word nowhere else: counting from lead_word alone would miss it.
    named = _lead(api, "Numbat Ltd")
    noted = _lead(api, "Plain Co")
    api.ok("POST", "activity/note/", json={"lead_id": noted["id"], "note": "numbat"})
    assert counted_by_words(api, "numbat")[:2] == (2, 2)
    api.ok("DELETE", f"lead/{noted['id']}/")
    assert counted_by_words(api, "numbat") == (1, 1, True)
    assert named["id"] in id_set(api, of("lead", text("numbat")))
