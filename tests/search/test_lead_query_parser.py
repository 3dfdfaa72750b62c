"""Issue 8, finding 5: the lead query string is parsed in linear time into a small immutable
tree, within documented limits, with repeated terms dropped."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadbase.core.errors import BadRequest
from leadbase.search.lead_query import (
    MATCH_ALL,
    MAX_LENGTH,
    MAX_NESTING,
    MAX_TERMS,
    Group,
    LeadQuery,
    Not,
    Sort,
    Term,
    parse,
)


def test_what_the_singer_tap_sends() -> None:
    tree = parse('date_updated >= "2024-05-02T09:30" sort:date_updated')
    assert tree == LeadQuery(Term("date_updated", ">=", "2024-05-02T09:30"), (Sort("date_updated", False),))


def test_juxtaposed_terms_are_anded_and_quotes_keep_spaces() -> None:
    tree = parse('name:"Acme Inc" status:Potential sort:-created')
    assert tree.where == Group("and", (Term("name", ":", "Acme Inc"), Term("status", ":", "Potential")))
    assert tree.sorts == (Sort("created", True),)


def test_and_or_not_and_parentheses() -> None:
    tree = parse('(status:a OR status:"b c") and NOT name:x')
    either = Group("or", (Term("status", ":", "a"), Term("status", ":", "b c")))
    assert tree.where == Group("and", (either, Not(Term("name", ":", "x"))))


def test_not_not_cancels_without_recursion() -> None:
    assert parse("not " * 4000 + "name:x").where == Term("name", ":", "x")
    assert parse("not " * 4001 + "name:x").where == Not(Term("name", ":", "x"))


def test_star_matches_everything() -> None:
    assert parse("*").where == MATCH_ALL
    assert parse("* name:x").where == Term("name", ":", "x")
    assert parse("name:x or *").where == MATCH_ALL


def test_bare_words_are_terms_without_a_field() -> None:
    assert parse("Minogue OR Princess").where == Group(
        "or", (Term("", "", "Minogue"), Term("", "", "Princess"))
    )


@pytest.mark.parametrize("count", [2, 200, 500, 1300])
def test_repeated_terms_collapse_to_one(count: int) -> None:
    assert parse(" ".join(["status:x"] * count)).where == Term("status", ":", "x")
    assert parse(" or ".join(["status:x"] * count)).where == Term("status", ":", "x")


def test_nested_groups_of_one_kind_flatten() -> None:
    assert parse("a:1 (a:2 (a:3 a:1))").where == Group(
        "and", (Term("a", ":", "1"), Term("a", ":", "2"), Term("a", ":", "3"))
    )


def test_a_query_longer_than_the_limit_is_refused_before_parsing() -> None:
    with pytest.raises(BadRequest, match=str(MAX_LENGTH)):
        parse("name:" + "x" * MAX_LENGTH)
    with pytest.raises(BadRequest, match=str(MAX_LENGTH)):
        parse("x" * 5_000_000)


def test_more_distinct_terms_than_the_limit_is_refused() -> None:
    parse(" ".join(f"name:{i}" for i in range(MAX_TERMS)))
    with pytest.raises(BadRequest, match=str(MAX_TERMS)):
        parse(" ".join(f"name:{i}" for i in range(MAX_TERMS + 1)))


def test_nesting_past_the_limit_is_refused() -> None:
    parse("(" * MAX_NESTING + "name:x" + ")" * MAX_NESTING)
    with pytest.raises(BadRequest, match=str(MAX_NESTING)):
        parse("(" * (MAX_NESTING + 1) + "name:x" + ")" * (MAX_NESTING + 1))
    with pytest.raises(BadRequest, match=str(MAX_NESTING)):
        parse("(" * 5000 + "name:x" + ")" * 5000)


@pytest.mark.parametrize(
    "text",
    [
        'name:"Acme',
        "(name:x",
        "name:x)",
        "name:x or",
        "not",
        "(sort:name)",
        "not sort:name",
        "sort:a sort:b sort:c sort:d",
    ],
)
def test_malformed_queries_are_bad_requests(text: str) -> None:
    with pytest.raises(BadRequest):
        parse(text)


QUERY_ALPHABET = st.sampled_from([*list("()\"'\\ :<>=*-ab01"), "and ", "or ", "not ", "sort:", "status:"])


@settings(max_examples=300, deadline=None)
@given(st.lists(QUERY_ALPHABET, max_size=60).map("".join))
def test_any_text_parses_or_is_a_bad_request(text: str) -> None:
    try:
        tree = parse(text)
    except BadRequest:
        return
    assert isinstance(tree, LeadQuery)
    assert parse(text) == tree  # deterministic, and the tree is a value
