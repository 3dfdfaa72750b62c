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

import pytest
from sqlalchemy import text as sql_text

from leadbase.db.text_upkeep import FTS_TABLES, TextUpkeep, segments
from leadbase.search import fulltext
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


def _found_both_ways(
    api: Api, monkeypatch: pytest.MonkeyPatch, word: str
) -> tuple[Any, list[str], list[str]]:
    """A page of leads holding `word`, walked in order (the word counted common), its leads'
    ids by `GET /lead/` and `POST /data/search/` pages: first with the list of the word's
    entries, then with each lead's document checked (`fulltext._documents_checked`), which
    must find the same; and each run's statements."""
    monkeypatch.setattr(fulltext, "COMMON_MIN", 0)
    monkeypatch.setattr(fulltext, "COMMON_SHARE", 0.0)

    def answers() -> Any:
        listed = api.ok("GET", "lead/", params={"query": word, "_fields": "id", "_limit": 2, "_skip": 1})
        everything = api.ok("GET", "lead/", params={"query": word, "_fields": "id"})
        found = search(api, of("lead", text(word)), _limit=2)
        return (
            [lead["id"] for lead in listed["data"]],
            [lead["id"] for lead in everything["data"]],
            [hit["id"] for hit in found["data"]],
        )

    monkeypatch.setattr(fulltext, "LIST_ENTRY_US", 0.0)
    with count_statements(api.engine) as listed:
        expected = answers()
    monkeypatch.setattr(fulltext, "LIST_ENTRY_US", float(10**9))
    with count_statements(api.engine) as checked:
        assert answers() == expected
    return expected, listed.statements, checked.statements


def _pages_checking_documents(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().startswith("SELECT lead.") and "lead_text_fts.rowid =" in s]


def test_a_page_checks_each_leads_document_when_that_costs_less(
    api: Api, make_api: Callable[..., Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    make_api().ok("POST", "lead/", json={"name": "Quoll Elsewhere", "contacts": [{"name": "Quoll"}]})
    holders = [
        _lead(api, "Quoll Holdings")["id"],
        _lead(api, "Bush Co", contacts=[{"name": "Ann Quoll"}, {"name": "Bo Quoll"}])["id"],
        _lead(api, "Gum Tree", contacts=[{"name": "Cy", "emails": [{"email": "cy@quoll.example"}]}])["id"],
        _lead(api, "Den", description="a quoll den")["id"],
    ]
    _lead(api, "Wallaby Ltd")
    noted = _lead(api, "Noted")
    api.ok("POST", "activity/note/", json={"lead_id": noted["id"], "note": "a wallaby sighting"})
    sqlite = api.engine.dialect.name == "sqlite"

    (skipped_one, every, first_two), listed, checked = _found_both_ways(api, monkeypatch, "quoll")
    assert every == holders and skipped_one == holders[1:3] and len(set(first_two) & set(holders)) == 2
    assert not _pages_checking_documents(listed)
    assert len(_pages_checking_documents(checked)) == (3 if sqlite else 0)
    # A word an activity holds: the documents do not know its leads, the list stays.
    (_, every, _), _, checked = _found_both_ways(api, monkeypatch, "wallaby")
    assert len(every) == 2
    assert not _pages_checking_documents(checked)


def test_the_worker_keeps_the_word_indexes_merged(api: Api) -> None:
    """SQLite: each transaction that writes words leaves FTS5 a segment; the worker's merging
    step (db/text_upkeep.py) merges them, the index still agreeing with its rows and the counts
    right; the segments are read from FTS5's structure record."""
    for i in range(6):
        lead = _lead(api, f"Numbat {i}", contacts=[{"name": f"Ann Numbat{i}"}])
        if i < 2:
            # Activities' words too, in transactions of their own: each index has segments to
            # merge whatever earlier tests left in the database (or merged away).
            api.ok("POST", "activity/note/", json={"lead_id": lead["id"], "note": f"bilby sighting {i}"})
    if api.engine.dialect.name != "sqlite":
        assert not TextUpkeep(api.engine).enabled
        return
    with api.engine.connect() as conn:
        before = {name: segments(conn, name) for name in FTS_TABLES}
        for name in FTS_TABLES:
            listed = conn.execute(sql_text(f"SELECT count(DISTINCT segid) FROM {name}_idx")).scalar()
            assert before[name] == listed, name
    assert all(count is not None and count >= 2 for count in before.values()), before
    upkeep = TextUpkeep(api.engine)
    upkeep.run_once()
    assert upkeep.enabled and upkeep.next_at > 0
    with api.engine.connect() as conn:
        after = {name: segments(conn, name) for name in FTS_TABLES}
    assert all(after[name] is not None and after[name] < before[name] for name in FTS_TABLES), (before, after)
    assert_lead_words_follow_the_index(api)
    assert counted_by_words(api, "numbat") == (6, 6, True)
