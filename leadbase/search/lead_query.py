"""The lead `query=` string (Close's legacy search syntax) parsed into an immutable tree.

    date_updated>="2024-05-02T09:30" sort:date_updated
    (status:"Potential" or status:Qualified) and not name:test

Terms are `field:value` or `field<op>value` (op one of >= <= > < =), a bare word, or `*`.
Juxtaposed terms are ANDed; `and`, `or` and `not` (any case) and parentheses combine them;
`sort:field` / `sort:-field` order the result. The parser only reads: what a term means (and
whether leadbase can answer it) is the compiler's business.

Every step is linear in the text and bounded by the limits below: a query over one is a 400
that names the limit, before any database work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from leadbase.core.errors import BadRequest

MAX_LENGTH = 16_384  # characters
MAX_TERMS = 100  # distinct terms once duplicates are dropped
MAX_NESTING = 8  # levels of parentheses
MAX_SORTS = 3


@dataclass(frozen=True)
class Term:
    """`field<op>value`; a bare word has field "" and op "", and `*` is the empty And."""

    field: str
    op: str
    value: str


@dataclass(frozen=True)
class Group:
    kind: Literal["and", "or"]
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node = Term | Group | Not
MATCH_ALL = Group("and", ())


@dataclass(frozen=True)
class Sort:
    field: str
    descending: bool


@dataclass(frozen=True)
class LeadQuery:
    where: Node
    sorts: tuple[Sort, ...]


# One token per match. The alternatives start with different characters and quoted strings use
# the unrolled-loop form, so no match backtracks further than the token it reads: linear overall.
_DOUBLE_QUOTED = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_SINGLE_QUOTED = r"'[^'\\]*(?:\\.[^'\\]*)*'"
_TOKEN = re.compile(
    rf"""(?P<space>\s+)|(?P<open>\()|(?P<close>\))|(?P<word>(?:{_DOUBLE_QUOTED}|{_SINGLE_QUOTED}|[^\s()"']+)+)"""
)
_TERM = re.compile(r"(?P<field>[A-Za-z_][A-Za-z0-9_.]*)(?P<op>>=|<=|>|<|=|:)(?P<value>.*)", re.DOTALL)
_OPERATORS = (">=", "<=", ">", "<", "=")
_QUOTED = re.compile(r"""^(["'])(.*)\1$""", re.DOTALL)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def _words(text: str) -> list[str]:
    """Words and parentheses; `field >= "v"` (spaces around an operator) becomes one word."""
    tokens: list[str] = []
    position, end = 0, len(text)
    while position < end:
        match = _TOKEN.match(text, position)
        if match is None:
            raise BadRequest(f"Cannot parse the query: unbalanced quote at character {position + 1}.")
        position = match.end()
        if match.lastgroup != "space":
            tokens.append(match.group())
    glued: list[str] = []
    for token in tokens:
        previous = glued[-1] if glued else "("
        joins = previous.endswith(_OPERATORS) or token.startswith(_OPERATORS)
        if joins and previous not in "()" and token not in "()":
            glued[-1] = previous + token
        else:
            glued.append(token)
    return glued


def _unquote(value: str) -> str:
    """`"Acme Inc"` -> `Acme Inc`; quotes may also wrap part of a word (`name:"A B"`)."""
    if '"' not in value and "'" not in value:
        return value
    match = _QUOTED.match(value)
    inner = match.group(2) if match else value.replace('"', "").replace("'", "")
    return _ESCAPE.sub(r"\1", inner)


def _term(word: str) -> Term | Sort:
    match = _TERM.fullmatch(word)
    if match is None:
        return Term("*", "", "") if word == "*" else Term("", "", _unquote(word))
    field, op, value = match["field"].lower(), match["op"], _unquote(match["value"])
    if field == "sort" and op == ":":
        return Sort(value.lstrip("-+"), value.startswith("-"))
    return Term(field, op, value)


def _combine(kind: Literal["and", "or"], items: list[Node]) -> Node:
    """Flatten nested groups of the same kind and drop repeated items (keeping the first)."""
    flat: dict[Node, None] = {}
    for item in items:
        if item == MATCH_ALL and kind == "and":
            continue
        for part in item.items if isinstance(item, Group) and item.kind == kind else (item,):
            flat.setdefault(part, None)
    if kind == "or" and MATCH_ALL in flat:
        return MATCH_ALL
    unique = tuple(flat)
    return unique[0] if len(unique) == 1 else Group(kind, unique)


class _Parser:
    def __init__(self, words: list[str]) -> None:
        self.words = words
        self.position = 0
        self.sorts: list[Sort] = []

    def peek(self) -> str | None:
        return self.words[self.position] if self.position < len(self.words) else None

    def keyword(self) -> str | None:
        word = self.peek()
        lowered = word.lower() if word is not None else None
        return lowered if lowered in ("and", "or", "not") else None

    def parse(self) -> Node:
        node = self.disjunction(0)
        if self.peek() is not None:
            raise BadRequest("Cannot parse the query: a closing parenthesis has no opening one.")
        return node

    def disjunction(self, depth: int) -> Node:
        items = [self.conjunction(depth)]
        while self.keyword() == "or":
            self.position += 1
            start = self.position
            items.append(self.conjunction(depth))
            if self.position == start:
                raise BadRequest("Cannot parse the query: `or` must be followed by a term.")
        return _combine("or", items)

    def conjunction(self, depth: int) -> Node:
        items: list[Node] = []
        while (word := self.peek()) is not None and word != ")" and self.keyword() != "or":
            if self.keyword() == "and":
                self.position += 1
                continue
            item = self.negation(depth)
            if item is not None:
                items.append(item)
        return _combine("and", items)

    def negation(self, depth: int) -> Node | None:
        negated = False
        while self.keyword() == "not":  # counted, not recursed: `not not ... x` is flat
            negated = not negated
            self.position += 1
        word = self.peek()
        if word is None or word == ")":
            raise BadRequest("Cannot parse the query: `not` must be followed by a term.")
        self.position += 1
        if word == "(":
            if depth + 1 > MAX_NESTING:
                raise BadRequest(f"The query nests parentheses more than {MAX_NESTING} levels deep.")
            node = self.disjunction(depth + 1)
            if self.peek() != ")":
                raise BadRequest("Cannot parse the query: a parenthesis is not closed.")
            self.position += 1
        else:
            term = _term(word)
            if isinstance(term, Sort):
                if negated or depth:
                    raise BadRequest("Cannot parse the query: sort: terms belong at the top level.")
                self.sorts.append(term)
                return None
            node = MATCH_ALL if term.field == "*" else term
        return Not(node) if negated else node


def _count_terms(node: Node) -> int:
    count, stack = 0, [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Term):
            count += 1
        elif isinstance(item, Not):
            stack.append(item.item)
        else:
            stack.extend(item.items)
    return count


def parse(text: str) -> LeadQuery:
    """The tree of a lead query string, or BadRequest naming the problem or the limit."""
    if len(text) > MAX_LENGTH:
        raise BadRequest(f"The query is longer than {MAX_LENGTH} characters; shorten it.")
    parser = _Parser(_words(text))
    where = parser.parse()
    if _count_terms(where) > MAX_TERMS:
        raise BadRequest(f"The query has more than {MAX_TERMS} distinct terms; shorten it.")
    sorts = tuple(dict.fromkeys(parser.sorts))
    if len(sorts) > MAX_SORTS:
        raise BadRequest(f"The query has more than {MAX_SORTS} sort: terms.")
    return LeadQuery(where, sorts)
