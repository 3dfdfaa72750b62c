"""The `text` node over the full-text index: kept in step by every write, words split on punctuation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy import text as sql_text

from leadbase.db.context import Actor, Context
from leadbase.db.models import contact, lead
from leadbase.search import compile_query, fulltext
from leadbase.search.fulltext import field_prefilter
from tests.search.helpers import (
    COUNT_OF_ROWS,
    field,
    id_set,
    ids,
    indexed_then_walked,
    of,
    plan_of,
    related,
    search,
    text,
)
from tests.support import Api, count_statements

Obj = dict[str, Any]


def _lead(api: Api, name: str, **extra: Any) -> Obj:
    return api.ok("POST", "lead/", json={"name": name, **extra})  # type: ignore[no-any-return]


def _found(api: Api, value: str, mode: str = "full_words", object_type: str = "lead") -> set[str]:
    return id_set(api, of(object_type, text(value, mode)))


def test_changes_and_deletes_are_seen_at_once(api: Api) -> None:
    lead = _lead(api, "Zeppelin Works")
    assert _found(api, "zeppelin") == {lead["id"]}
    api.ok("PUT", f"lead/{lead['id']}/", json={"name": "Blimp Works", "description": "Airships"})
    assert _found(api, "zeppelin") == set()
    assert _found(api, "airships") == {lead["id"]}
    contact = api.ok(
        "POST",
        "contact/",
        json={"lead_id": lead["id"], "name": "Hugo", "emails": [{"email": "hugo@eckener.example"}]},
    )
    assert _found(api, "eckener") == {lead["id"]}
    assert _found(api, "eckener", object_type="contact") == {contact["id"]}
    api.ok("PUT", f"contact/{contact['id']}/", json={"emails": [{"email": "hugo@graf.example"}]})
    assert _found(api, "eckener") == set()
    api.ok("DELETE", f"contact/{contact['id']}/")
    assert _found(api, "graf") == set()
    api.ok("DELETE", f"lead/{lead['id']}/")
    assert _found(api, "blimp") == set()


def test_modes_and_words(api: Api) -> None:
    lead = _lead(
        api,
        "North Star Shipping",
        contacts=[{"name": "Ada", "emails": [{"email": "ada.l@analytical-engines.example"}]}],
    )
    _lead(api, "Star North")
    assert _found(api, "north star", "phrase") == {lead["id"]}
    assert len(_found(api, "star north")) == 2
    assert _found(api, "ship", "beginning_of_words") == {lead["id"]}
    assert _found(api, "hipping", "beginning_of_words") == set()
    # An email address is its words: any of them finds it, and so does the whole address.
    assert _found(api, "analytical") == {lead["id"]}
    assert _found(api, "ada.l@analytical-engines.example", "phrase") == {lead["id"]}
    assert _found(api, "ADA") == {lead["id"]}
    # Every word must be in one object: a lead's name and a contact's name do not combine.
    assert _found(api, "shipping ada") == set()


def test_emails_sms_and_calls_are_searched(api: Api) -> None:
    emailed, texted, called = _lead(api, "A"), _lead(api, "B"), _lead(api, "C")
    api.ok(
        "POST",
        "activity/email/",
        json={
            "lead_id": emailed["id"],
            "subject": "Quarterly invoice",
            "body_text": "Please find the kumquat report",
            "status": "draft",
        },
    )
    api.ok(
        "POST",
        "activity/sms/",
        json={"lead_id": texted["id"], "text": "See you at the marina", "status": "draft"},
    )
    api.ok(
        "POST",
        "activity/call/",
        json={"lead_id": called["id"], "note": "Discussed the gazebo", "duration": 10},
    )
    assert _found(api, "kumquat") == {emailed["id"]}
    assert _found(api, "quarterly invoice", "phrase") == {emailed["id"]}
    assert _found(api, "marina") == {texted["id"]}
    assert _found(api, "gazebo") == {called["id"]}
    assert len(_found(api, "kumquat", object_type="activity.email")) == 1
    assert _found(api, "kumquat", object_type="activity.sms") == set()


def test_another_organizations_words_are_not_found(api: Api, make_api: Callable[..., Api]) -> None:
    make_api().ok("POST", "lead/", json={"name": "Quokka Ltd"})
    assert _found(api, "quokka") == set()
    mine = _lead(api, "Quokka Inc")
    assert _found(api, "quokka") == {mine["id"]}


def test_a_text_without_words_matches_everything(api: Api) -> None:
    a, b = _lead(api, "A"), _lead(api, "B")
    assert _found(api, " -- ") == {a["id"], b["id"]}


def _names(api: Api, value: str, mode: str, field_name: str = "name", object_type: str = "lead") -> set[str]:
    found = id_set(
        api, of(object_type, field(object_type, field_name, {"type": "text", "mode": mode, "value": value}))
    )
    rows = api.ok("GET", f"{object_type}/", params={"_limit": 200})["data"]
    return {row["name"] for row in rows if row["id"] in found}


def test_word_starts_of_a_field_through_the_index_stay_exact(api: Api) -> None:
    # The index narrows a field's word-start search to candidates; LIKE on the field decides.
    for name in ("Acme Labs", "Big Acorn", "Mac Group", "Zac-ac Works", "Quiet Co"):
        _lead(api, name, description="Accurate accounting", url="https://acumen.example")
    assert _names(api, "ac", "beginning_of_words") == {"Acme Labs", "Big Acorn"}
    assert _names(api, "AC lab", "beginning_of_words") == {"Acme Labs"}
    # The description's words are in the same index row but are not the name.
    assert _names(api, "accurate", "beginning_of_words") == set()
    assert _names(api, "accurate", "beginning_of_words", "description") == {
        "Acme Labs",
        "Big Acorn",
        "Mac Group",
        "Zac-ac Works",
        "Quiet Co",
    }
    assert _names(api, "acme labs", "exact_value") == {"Acme Labs"}
    assert _names(api, "acme", "exact_value") == set()
    # Words the index may split otherwise go through LIKE alone, with the same answer.
    assert _names(api, "zac-ac", "beginning_of_words") == {"Zac-ac Works"}
    contact = api.ok("POST", "contact/", json={"name": "Ada Lovelace", "title": "Analyst"})
    assert contact["name"] == "Ada Lovelace"
    assert _names(api, "love", "beginning_of_words", object_type="contact") == {"Ada Lovelace"}
    assert _names(api, "ana", "beginning_of_words", "title", "contact") == {"Ada Lovelace"}


def test_word_starts_use_an_index(api: Api) -> None:
    # SQLite: the text index (FTS5). PostgreSQL: the GIN index of the lead names' own words,
    # which the condition must write constant for constant to be used at all: with sequential
    # and plain index scans off, only that index can answer it.
    postgres = api.engine.dialect.name == "postgresql"
    with api.engine.connect() as conn, conn.begin():
        ctx = Context(conn=conn, actor=Actor(api.org.organization_id, api.org.user_id, None, "admin"))
        assert field_prefilter(ctx, "lead", lead, "name", "beginning_of_words", "a-c") is None
        narrowed = field_prefilter(ctx, "lead", lead, "name", "beginning_of_words", "Ac")
        assert narrowed is not None
        stmt = select(lead.c.id).where(narrowed)
        if postgres:
            conn.execute(sql_text("SET LOCAL enable_seqscan = off"))
            conn.execute(sql_text("SET LOCAL enable_indexscan = off"))
            assert "Bitmap Index Scan on ix_lead_name_words" in plan_of(conn, stmt)
        else:
            assert "text_index" in str(stmt.compile(conn))


def test_a_quoted_name_is_narrowed_by_its_later_words_and_stays_exact(api: Api) -> None:
    # close-api-scripts look a company up by `name:"..."` (a phrase, found inside words too):
    # its first word may end a longer one, the ones after a separator start words of the name.
    names = ("Acme Labs", "Xacme Labs Inc", "Acme Laboratories", "Labs Acme", "Acme-Labs")
    leads = {name: _lead(api, name)["id"] for name in names}

    def having(value: str) -> set[str]:
        query = of("lead", field("lead", "name", {"type": "text", "mode": "phrase", "value": value}))
        return {name for name, lead_id in leads.items() if lead_id in id_set(api, query)}

    assert having("acme labs") == {"Acme Labs", "Xacme Labs Inc"}
    assert having("ACME LAB") == {"Acme Labs", "Xacme Labs Inc", "Acme Laboratories"}
    assert having("cme labs i") == {"Xacme Labs Inc"}
    assert having("me-labs") == {"Acme-Labs"}
    found = api.ok("GET", "lead/", params={"query": 'name:"acme labs"', "_limit": 0})
    assert found["total_results"] == 2
    with api.engine.connect() as conn, conn.begin():
        ctx = Context(conn=conn, actor=Actor(api.org.organization_id, api.org.user_id, None, "admin"))
        for value in ("acme labs", "acme lab", "cme labs i"):
            assert field_prefilter(ctx, "lead", lead, "name", "phrase", value) is not None, value
        # One word, maybe inside a longer one: nothing the index can vouch for.
        assert field_prefilter(ctx, "lead", lead, "name", "phrase", "acme") is None


def test_an_email_phrase_through_the_index_stays_exact(api: Api) -> None:
    # A phrase starting with a separator starts a word: the index narrows the contacts.
    leads = {
        email: _lead(api, f"Lead of {email}", contacts=[{"name": "C", "emails": [{"email": email}]}])["id"]
        for email in (
            "ada@mail7.example.com",
            "bob@xmail7.example",
            "cy@mail7.examples.org",
            "di@mail70.example",
        )
    }

    def having(value: str) -> set[str]:
        email = field("contact_email", "email", {"type": "text", "mode": "phrase", "value": value})
        query = of("lead", related("lead", "contact", related("contact", "contact_email", email)))
        return {address for address, lead_id in leads.items() if lead_id in id_set(api, query)}

    assert having("@mail7.example") == {"ada@mail7.example.com", "cy@mail7.examples.org"}
    assert having("@MAIL7.EXAMPLE.") == {"ada@mail7.example.com"}
    # Inside a word: LIKE alone, the same answer as ever.
    assert having("mail7.example") == {"ada@mail7.example.com", "bob@xmail7.example", "cy@mail7.examples.org"}
    with api.engine.connect() as conn, conn.begin():
        ctx = Context(conn=conn, actor=Actor(api.org.organization_id, api.org.user_id, None, "admin"))
        email = field("contact_email", "email", {"type": "text", "mode": "phrase", "value": "@mail7.example"})
        query = of("lead", related("lead", "contact", related("contact", "contact_email", email)))
        assert ("to_tsvector" if api.engine.dialect.name == "postgresql" else "text_index") in str(
            select(lead.c.id).where(compile_query(ctx, "lead", query)).compile(conn)
        )
        domain = "@mail7.example"
        narrowed = field_prefilter(ctx, "contact", contact, "email", "phrase", domain, "contact_email")
        assert narrowed is not None
        if api.engine.dialect.name == "postgresql":
            conn.execute(sql_text("SET LOCAL enable_seqscan = off"))
            conn.execute(sql_text("SET LOCAL enable_indexscan = off"))
            plan = plan_of(conn, select(contact.c.id).where(narrowed))
            assert "Bitmap Index Scan on ix_contact_email_words" in plan


def test_a_common_word_on_a_page_is_checked_lead_by_lead_with_the_same_answer(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite checks a word most leads have lead by lead in the page's order (fulltext.py,
    # COMMON_SHARE); the answer, its pages and its counts stay those of the list of matches.
    for i in range(9):
        _lead(api, f"Firm {i}", contacts=[{"name": "Ann Okafor" if i % 3 else "Bo Lee"}])
    sort = [
        {
            "direction": "asc",
            "field": {"type": "regular_field", "object_type": "lead", "field_name": "date_created"},
        }
    ]

    def pages() -> list[str]:
        return ids(api, of("lead", text("okafor")), sort=sort, _limit=4)

    # Both sides pinned: the suite's shared database may hold many other leads with the word.
    monkeypatch.setattr(fulltext, "COMMON_MIN", 10**12)
    listed = pages()
    monkeypatch.setattr(fulltext, "COMMON_MIN", 0)
    monkeypatch.setattr(fulltext, "COMMON_SHARE", 0.0)
    with count_statements(api.engine) as counter:
        walked = pages()
        page = api.ok("GET", "lead/", params={"query": "okafor", "_limit": 2})
    # A word past LIST_CAP: each row checked has its own FTS5 lookup, not the list of entries.
    monkeypatch.setattr(fulltext, "LIST_CAP", 0)
    with count_statements(api.engine) as looked_up:
        assert pages() == listed
    assert len(listed) == 6
    assert walked == listed
    assert page["total_results"] == 6
    assert [lead["id"] for lead in page["data"]] == listed[:2]
    sqlite = api.engine.dialect.name == "sqlite"

    def lead_by_lead(statements: list[str], check: str) -> list[str]:
        return [s for s in statements if "text_index.lead_id = lead.id" in s and check in s]

    assert bool(lead_by_lead(counter.statements, "text_index.id + 0 IN")) == sqlite
    assert bool(lead_by_lead(looked_up.statements, "text_index.id = text_index_fts.rowid")) == sqlite
    assert not lead_by_lead(looked_up.statements, "text_index.id + 0 IN")


def test_a_page_sorted_by_a_column_no_index_orders_keeps_the_list_of_a_common_word(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Checking leads one by one pays only when they are read in the page's order from an
    # index: sorted by the description, every lead would be checked before the sort.
    for i, description in enumerate(("b", "c", "a", "d")):
        _lead(api, f"Firm {i}", description=description, contacts=[{"name": "Ann Okafor" if i % 2 else "Bo"}])
    monkeypatch.setattr(fulltext, "COMMON_MIN", 0)
    monkeypatch.setattr(fulltext, "COMMON_SHARE", 0.0)
    by_description = [
        {
            "direction": "asc",
            "field": {"type": "regular_field", "object_type": "lead", "field_name": "description"},
        }
    ]
    body = {"query": of("lead", text("okafor")), "sort": by_description, "_fields": {"lead": ["description"]}}
    with count_statements(api.engine) as counter:
        found = api.ok("POST", "data/search/", json=body)["data"]
        listed = api.ok("GET", "lead/", params={"query": "okafor sort:display_name"})["data"]
    assert [row["description"] for row in found] == ["c", "d"]
    assert [row["description"] for row in listed] == ["c", "d"]

    def walked(statements: list[str]) -> list[str]:
        return [s for s in statements if "text_index.lead_id = lead.id" in s]

    assert not walked(counter.statements)
    # By name: (organization_id, name) orders a descending page; an ascending one sorts on
    # whether the name is null first on SQLite, which no index holds.
    for direction, read_in_order in (("asc", False), ("desc", api.engine.dialect.name == "sqlite")):
        by_name = [
            {
                "direction": direction,
                "field": {"type": "regular_field", "object_type": "lead", "field_name": "name"},
            }
        ]
        with count_statements(api.engine) as counter:
            names = ids(api, of("lead", text("okafor")), sort=by_name)
        assert len(names) == 2
        assert bool(walked(counter.statements)) == read_in_order


def test_a_common_word_start_on_a_page_is_read_by_like_alone_with_the_same_answer(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite leaves the index out of a page when a field's words are common (fulltext.py,
    # WALK_SHARE): LIKE alone, in the page's order, with the answer the index gave.
    for name in ("Acme Labs", "Big Acorn", "Mac Group", "Zac-ac Works", "Quiet Co"):
        _lead(api, name, description="Accurate accounting")

    def answers() -> tuple[set[str], set[str], int]:
        query = "name:ac"
        page = api.ok("GET", "lead/", params={"query": query})
        return (
            _names(api, "ac", "beginning_of_words"),
            {row["name"] for row in page["data"]},
            page["total_results"],
        )

    # The suite's shared database holds thousands of other "Acme" leads.
    expected, indexed, walked = indexed_then_walked(
        api, monkeypatch, fulltext, "WALK_MIN", "WALK_SHARE", answers
    )
    assert expected == ({"Acme Labs", "Big Acorn"}, {"Acme Labs", "Big Acorn"}, 2)

    def pages(statements: list[str]) -> list[str]:
        # The pages of the name search (LIKE on the name), not the counts or the plain list.
        return [s for s in statements if "FROM lead" in s and "LIKE" in s and "count(" not in s.lower()]

    # SQLite: the index (text_index) leaves the walked pages; PostgreSQL keeps its word index.
    index = "text_index" if api.engine.dialect.name == "sqlite" else "to_tsvector"
    walked_pages, indexed_pages = pages(walked), pages(indexed)
    assert walked_pages and indexed_pages
    assert all(index in s for s in indexed_pages)
    assert all((index in s) == (index == "to_tsvector") for s in walked_pages)


def _unused_word_start(api: Api) -> str:
    """A three-letter word start no word of the full-text index begins with yet (SQLite), so
    that a test's own rows are the only ones holding it in every organization's sum."""
    if api.engine.dialect.name != "sqlite":
        return "zqx"
    words = sql_text("SELECT count(*) FROM text_index_words WHERE term >= :start AND term < :past")
    with api.engine.connect() as conn:
        for first in "zqxjvk":
            for second in "qxzjvk":
                start = f"{first}{second}w"
                if not conn.execute(words, {"start": start, "past": f"{first}{second}x"}).scalar_one():
                    return start
    raise AssertionError("every candidate word start is taken")


def test_a_word_starts_commonness_is_told_by_the_index_words_when_they_are_clear(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite decides a page's word start from the rows of each word starting so (FTS5's list of
    # words, `text_index_words`): a sum under what makes it common is rare, one PREFIX_MARGIN
    # times over is common, and between the two the entries are counted as for any search.
    # Two rows hold words of a start no other row has (the words' sum is every organization's,
    # and the session's database holds other tests' text): one lead's name, one lead's
    # description of eight.
    start = _unused_word_start(api)
    named = _lead(api, f"{start.title()}a Labs")
    _lead(api, "Plain Co", description=" ".join(f"{start}{letter}" for letter in "bcdefghi"))
    monkeypatch.setattr(fulltext, "SCOPE_SHARE", 0.0)
    monkeypatch.setattr(fulltext, "WALK_SHARE", 0.0)
    sqlite = api.engine.dialect.name == "sqlite"

    def decided(least: int) -> tuple[bool, bool, bool]:
        """(the words' sum read, the entries counted, the page walked) for `name:<start>`."""
        monkeypatch.setattr(fulltext, "WALK_MIN", least)
        fulltext.forget_word_sums()
        with count_statements(api.engine) as counter:
            page = api.ok("GET", "lead/", params={"query": f"name:{start}"})
        assert [row["id"] for row in page["data"]] == [named["id"]]
        assert page["total_results"] == 1
        statements = counter.statements
        pages = [s for s in statements if s.lstrip().startswith("SELECT lead.") and "LIMIT" in s]
        return (
            any("text_index_words" in s for s in statements),
            # The entries counted up to a bound (the count of leads answers total_results).
            any("text_index_fts MATCH" in s and "LIMIT" in s and "FROM lead" not in s for s in statements),
            all("text_index" not in s for s in pages),
        )

    if not sqlite:
        # PostgreSQL has its own word index on names: the answers alone.
        for least in (10, 2, 3):
            decided(least)
        return
    assert decided(10) == (True, False, False)  # nine rows at most: rare
    assert decided(2) == (True, False, True)  # nine, over four times two: common
    assert decided(3) == (True, True, False)  # between: two entries counted, under three
    monkeypatch.setattr(fulltext, "SCOPE_SHARE", float(10**12))
    # The organization's own entries: counted, the words' sum (every organization's) not read.
    assert decided(3)[:2] == (False, True)


def test_a_word_starts_sum_is_read_once_a_window_and_never_changes_an_answer(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The words' sum of a start only chooses a page's plan: read once, it serves the searches of
    # the next WORD_SUMS_SECONDS, whose answers still hold every row written meanwhile.
    start = _unused_word_start(api)
    first = _lead(api, f"{start.title()}a Labs")
    monkeypatch.setattr(fulltext, "SCOPE_SHARE", 0.0)
    moment = [1000.0]
    monkeypatch.setattr(fulltext, "_monotonic", lambda: moment[0])

    def search() -> tuple[list[str], bool]:
        """The page's ids, and whether the words' sum was read."""
        with count_statements(api.engine) as counter:
            found = ids(api, of("lead", field("lead", "name", text(start, "beginning_of_words"))))
        return sorted(found), any("text_index_words" in s for s in counter.statements)

    sqlite = api.engine.dialect.name == "sqlite"
    assert search() == ([first["id"]], sqlite)
    second = _lead(api, f"Big {start.title()}o")
    moment[0] += fulltext.WORD_SUMS_SECONDS - 0.5
    assert search() == (sorted([first["id"], second["id"]]), False)
    moment[0] += 1.0
    assert search() == (sorted([first["id"], second["id"]]), sqlite)


def test_at_most_word_sums_kept_starts_are_kept_the_oldest_going_first(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fulltext, "SCOPE_SHARE", 0.0)
    monkeypatch.setattr(fulltext, "WORD_SUMS_KEPT", 2)
    starts = ["zqw", "zxw", "zjw"]
    for start in starts:
        _lead(api, f"{start.title()}a Labs")
        ids(api, of("lead", field("lead", "name", text(start, "beginning_of_words"))))
    kept = [start for _url, start in fulltext._WORD_SUMS]
    # Only SQLite reads the words' sums (PostgreSQL counts a start's leads another way).
    assert kept == (starts[1:] if api.engine.dialect.name == "sqlite" else [])


def test_inside_a_related_query_the_index_list_stays_whatever_the_page(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A lead's contacts matching a word are a list read whole: checking every contact of the
    # organization one by one (or reading them all with LIKE) is never the shortcut it is for
    # the page's own rows, even when the word is common.
    for i in range(4):
        _lead(api, f"Firm {i}", contacts=[{"name": "Ann Okafor" if i % 2 else "Bo Lovelace"}])
    monkeypatch.setattr(fulltext, "COMMON_MIN", 0)
    monkeypatch.setattr(fulltext, "COMMON_SHARE", 0.0)
    monkeypatch.setattr(fulltext, "WALK_MIN", 0)
    monkeypatch.setattr(fulltext, "WALK_SHARE", 0.0)
    word = related("lead", "contact", text("okafor"))
    starts = {"type": "text", "mode": "beginning_of_words", "value": "love"}
    start = related("lead", "contact", field("contact", "name", starts))
    with count_statements(api.engine) as counter:
        assert len(id_set(api, of("lead", word))) == 2
        assert len(id_set(api, of("lead", start))) == 2
    if api.engine.dialect.name == "sqlite":
        pages = [s for s in counter.statements if s.lstrip().startswith("SELECT lead.")]
        assert len(pages) == 2
        assert all("text_index_fts" in s and "= text_index_fts.rowid" not in s for s in pages)


# SCOPE_SHARE pinned each way: never scoped (no organization holds less than none of the leads),
# always scoped.
NEVER, ALWAYS = 0.0, float(10**12)


def test_a_search_of_its_organizations_entries_alone_finds_the_same(
    api: Api, make_api: Callable[..., Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    other = make_api()
    for i in range(4):
        other.ok("POST", "lead/", json={"name": f"Wombat {i}", "contacts": [{"name": "Wombat Lee"}]})
    mine = {
        _lead(api, "Wombat Works")["id"],
        _lead(api, "Burrow", contacts=[{"name": "Lee", "emails": [{"email": "lee@wombat.example"}]}])["id"],
    }
    _lead(api, "Kangaroo Court")
    org = api.org.organization_id
    scope_markers = (f'organization_id : "{fulltext.organization_token(org)}"', f"'@{org}'")
    answers = []
    for share in (NEVER, ALWAYS):
        monkeypatch.setattr(fulltext, "SCOPE_SHARE", share)
        # The list's total is counted on an aside connection (db/aside.py): its statements too.
        aside = api.client.app.state.aside  # type: ignore[attr-defined]
        with count_statements(api.engine) as counter, count_statements(aside.engine) as beside:
            answer = (
                _found(api, "wombat"),
                _found(api, "wom", "beginning_of_words"),
                len(_found(api, "wombat", object_type="contact")),
                api.ok("GET", "lead/", params={"query": "wombat", "_limit": 1})["total_results"],
            )
        answers.append(answer)
        values = counter.statements + counter.string_parameters + beside.statements + beside.string_parameters
        assert any(marker in value for value in values for marker in scope_markers) == (share == ALWAYS)
        # PostgreSQL's lexeme names the organization exactly: no condition on the column beside
        # it, which the planner would count twice.
        lexeme_searches = [value for value in values if "text_index.document @@" in value and " && " in value]
        assert not any("text_index.organization_id" in value for value in lexeme_searches)
    assert answers[0] == answers[1] == (mine, mine, 1, 2)


def test_an_organization_id_is_not_a_word_of_its_rows(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    # The index holds each row's organization beside its words: no search finds rows by it.
    lead = _lead(api, "Plain Name")
    org = api.org.organization_id
    token = fulltext.organization_token(org)
    assert token and token in org.lower()
    for share in (NEVER, ALWAYS):
        monkeypatch.setattr(fulltext, "SCOPE_SHARE", share)
        assert _found(api, "plain") == {lead["id"]}
        assert _found(api, token) == set()
        assert _found(api, org, "phrase") == set()
        assert _found(api, org.split("_")[0], "beginning_of_words") == set()


def test_every_row_of_the_index_belongs_to_a_lead_that_exists(api: Api) -> None:
    """A count of the leads whose words match is a count of the distinct leads of the matching
    index rows: that holds only if no row outlives its lead, whichever way the lead goes
    (deleted with its contacts and activities, merged into another)."""
    words = {"contacts": [{"name": "Quill Ann", "emails": [{"email": "ann@acme.test"}]}]}
    gone = _lead(api, "Quill Deleted", **words)
    api.ok("POST", "activity/note/", json={"lead_id": gone["id"], "note": "quill notes"})
    api.ok(
        "POST", "activity/call/", json={"lead_id": gone["id"], "note": "quill call", "direction": "outbound"}
    )
    merged = _lead(api, "Quill Merged", **words)
    api.ok("POST", "activity/note/", json={"lead_id": merged["id"], "note": "quill merged notes"})
    kept = _lead(api, "Quill Kept")
    api.ok("DELETE", f"lead/{gone['id']}/")
    api.ok("POST", "lead/merge/", json={"source": merged["id"], "destination": kept["id"]})

    with api.engine.connect() as conn:
        orphans = conn.execute(
            sql_text(
                "SELECT count(*) FROM text_index t WHERE t.lead_id IS NOT NULL AND NOT EXISTS "
                "(SELECT 1 FROM lead l WHERE l.id = t.lead_id AND l.organization_id = t.organization_id)"
            )
        ).scalar_one()
        moved = conn.execute(
            sql_text("SELECT count(*) FROM text_index WHERE lead_id = :kept"), {"kept": kept["id"]}
        ).scalar_one()
    assert orphans == 0
    # The kept lead's own row, the merged lead's contact and note.
    assert moved == 3
    found = api.ok("GET", "lead/", params={"query": "quill", "_limit": 0})
    assert found["total_results"] == 1


def test_a_word_search_counts_the_leads_of_its_index_rows_without_reading_leads(
    api: Api, make_api: Callable[..., Api]
) -> None:
    """`GET /lead/?query=<words>` counts the distinct leads of the matching index rows: a lead
    found by its name, two contacts and a note is one; another organization's, a deleted one's
    and an activity without a lead are none. Any other query counts its leads."""
    make_api().ok("POST", "lead/", json={"name": "Marmot Other", "contacts": [{"name": "Marmot"}]})
    many = _lead(api, "Marmot Holdings", contacts=[{"name": "Ann Marmot"}, {"name": "Bo Marmot"}])
    api.ok("POST", "activity/note/", json={"lead_id": many["id"], "note": "the marmot call"})
    one = _lead(api, "Burrow", contacts=[{"name": "Cy", "emails": [{"email": "cy@marmot.example"}]}])
    gone = _lead(api, "Marmot Gone", contacts=[{"name": "Marmot Again"}])
    api.ok("DELETE", f"lead/{gone['id']}/")
    _lead(api, "Unrelated")

    # Two bare words are two conditions (each word anywhere in the lead's text): counted as leads.
    for query, expected, by_index in (
        ("marmot", 2, True),
        ("MARMOT holdings", 1, False),
        ('"marmot call"', 1, True),
        ("marm", 0, True),
        ("zebra", 0, True),
    ):
        listed = api.ok("GET", "lead/", params={"query": query, "_fields": "id"})
        # The count alone (a page of one word may ask the words by lead whether to walk).
        with count_statements(api.engine) as counter:
            counted = api.ok("GET", "lead/", params={"query": query, "_limit": 0})["total_results"]
        assert listed["total_results"] == counted == len(listed["data"]) == expected, query
        flat = [" ".join(s.split()) for s in counter.statements]
        # The distinct leads of the index rows, or the words by lead (`lead_word`, `lead_text_fts`:
        # tests/search/test_lead_words.py).
        from_rows = any(COUNT_OF_ROWS in s for s in flat)
        from_words = any("FROM lead_word" in s or "FROM lead_text_fts" in s for s in flat)
        assert (from_rows or from_words) == by_index
        assert any(s.startswith("SELECT count(*) AS count_1 FROM lead ") for s in flat) != by_index
    assert {lead["id"] for lead in api.ok("GET", "lead/", params={"query": "marmot"})["data"]} == {
        many["id"],
        one["id"],
    }
    counted_search = search(api, of("lead", text("marmot")), include_counts=True, _limit=1)
    assert counted_search["count"] == {"total": 2, "limited": 2}
    # A word beside another condition: the leads matching both are counted.
    both = api.ok("GET", "lead/", params={"query": "marmot name:burrow", "_limit": 0})
    assert both["total_results"] == 1
    negated = api.ok("GET", "lead/", params={"query": "not marmot", "_limit": 0})
    assert negated["total_results"] == 1


def test_a_whole_email_address_or_value_is_looked_up_through_the_index(api: Api) -> None:
    """`email_address:"ann.lee@acme.test"` (finding a lead by a caller's address: what
    integrations ask most) and `name="Acme, Inc."`: the field is the value, so every word of the
    value is a whole word of the object's indexed text; the index finds the candidates and the
    comparison decides."""
    ann = _lead(api, "Acme, Inc.", contacts=[{"name": "Ann", "emails": [{"email": "Ann.Lee@acme.test"}]}])
    _lead(api, "Acme Inc", contacts=[{"name": "Lee", "emails": [{"email": "lee.ann@acme.test"}]}])
    _lead(api, "Other", contacts=[{"name": "Al", "emails": [{"email": "ann.lee@acme.test.example"}]}])
    for query, expected in (
        ('email_address:"ann.lee@acme.test"', {ann["id"]}),
        ("email:ANN.LEE@ACME.TEST", {ann["id"]}),
        ('email_address:"lee@acme.test"', set()),
        ('name="Acme, Inc."', {ann["id"]}),
    ):
        with count_statements(api.engine) as counter:
            found = api.ok("GET", "lead/", params={"query": query, "_fields": "id"})
        assert {lead["id"] for lead in found["data"]} == expected, query
        # Every statement reading rows' values also narrows them by the index.
        index = "to_tsvector" if api.engine.dialect.name == "postgresql" else "text_index"
        compared = [s for s in counter.statements if " LIKE " in s or "lower(" in s]
        assert compared and all(index in s or "text_index" in s for s in compared), query
