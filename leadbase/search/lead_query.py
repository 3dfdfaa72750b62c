"""The lead `query=` string (Close's legacy search syntax) parsed into an immutable tree.

    date_updated>="2024-05-02T09:30" sort:date_updated
    (status:"Potential" or status:Qualified) and not name:test
    "custom.Lead Source":Web call(date >= "2 weeks ago" direction:outbound) contacts > 1

Terms are `field:value` or `field<op>value` (op one of >= <= > < =; spaces around an operator are
allowed), a bare word or quoted phrase, or `*`. A field may be quoted when its name has spaces
(`"custom.Field Name":x`). `name(...)` (no space before the parenthesis) is a sub-query on the
lead's related objects (`call(...)`, `contact(...)`, `opportunity(...)`), nestable.
Juxtaposed terms are ANDed; `and`, `or` and `not` (any case) and parentheses combine them;
`sort:field` / `sort:-field` order the result. The parser only reads: what a term means (and
whether leadbase can answer it) is the translator's business (search/query_string.py).

Every step is linear in the text and bounded by the limits below: a query over one is a 400
that names the limit, before any database work. Errors name the character position (1-based).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Literal

from leadbase.core.errors import BadRequest

MAX_LENGTH = 16_384  # characters
MAX_TERMS = 100  # distinct terms once duplicates are dropped
MAX_NESTING = 8  # levels of parentheses, sub-queries included
MAX_SORTS = 3


@dataclass(frozen=True)
class Term:
    """`field<op>value`; a bare word has field "" and op "", and `*` is the empty And.

    `position` (1-based character of the term) and `quoted` (the value was written in quotes)
    do not take part in equality, so repeated terms still collapse to one.
    """

    field: str
    op: str
    value: str
    position: int = dataclasses.field(default=0, compare=False)
    quoted: bool = dataclasses.field(default=False, compare=False)


@dataclass(frozen=True)
class Group:
    kind: Literal["and", "or"]
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


@dataclass(frozen=True)
class Related:
    """`name(...)`: some related object of kind `name` matches `where`."""

    name: str
    where: Node
    position: int = dataclasses.field(default=0, compare=False)


Node = Term | Group | Not | Related
MATCH_ALL = Group("and", ())


@dataclass(frozen=True)
class Sort:
    field: str
    descending: bool
    position: int = dataclasses.field(default=0, compare=False)


@dataclass(frozen=True)
class LeadQuery:
    where: Node
    sorts: tuple[Sort, ...]


@dataclass(frozen=True)
class _Token:
    text: str
    position: int  # 1-based
    kind: Literal["word", "open", "close", "call"]


# One token per match. The alternatives start with different characters and quoted strings use
# the unrolled-loop form, so no match backtracks further than the token it reads: linear overall.
_DOUBLE_QUOTED = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_SINGLE_QUOTED = r"'[^'\\]*(?:\\.[^'\\]*)*'"
_TOKEN = re.compile(
    rf"""(?P<space>\s+)|(?P<open>\()|(?P<close>\))|(?P<word>(?:{_DOUBLE_QUOTED}|{_SINGLE_QUOTED}|[^\s()"']+)+)"""
)
_CALL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PLAIN_FIELD = re.compile(r"(?P<field>[A-Za-z_][^\s:<>=()\"']*)(?P<op>>=|<=|>|<|=|:)(?P<value>.*)", re.DOTALL)
_QUOTED_FIELD = re.compile(
    rf"(?P<field>{_DOUBLE_QUOTED}|{_SINGLE_QUOTED})(?P<op>>=|<=|>|<|=|:)(?P<value>.*)", re.DOTALL
)
_OPERATORS = (">=", "<=", ">", "<", "=")
_QUOTED = re.compile(r"""^(["'])(.*)\1$""", re.DOTALL)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_KEYWORDS = ("and", "or", "not")


def _tokens(text: str) -> list[_Token]:
    """Words, parentheses and `name(` openers; `field >= "v"` and `field: v` become one word."""
    raw: list[_Token] = []
    position, end = 0, len(text)
    while position < end:
        match = _TOKEN.match(text, position)
        if match is None:
            raise BadRequest(f"Cannot parse the query: unbalanced quote at character {position + 1}.")
        kind = match.lastgroup
        opens_call = kind == "word" and match.end() < end and text[match.end()] == "("
        if opens_call and _CALL_NAME.fullmatch(match.group()) and match.group().lower() not in _KEYWORDS:
            raw.append(_Token(match.group().lower(), position + 1, "call"))
            position = match.end() + 1
            continue
        if kind == "open":
            raw.append(_Token("(", position + 1, "open"))
        elif kind == "close":
            raw.append(_Token(")", position + 1, "close"))
        elif kind == "word":
            raw.append(_Token(match.group(), position + 1, "word"))
        position = match.end()
    glued: list[_Token] = []
    for token in raw:
        previous = glued[-1] if glued else None
        if previous is not None and previous.kind == "word" and token.kind == "word":
            joins = previous.text.endswith(_OPERATORS) or token.text.startswith(_OPERATORS)
            # `name: Acme` reads as `name:Acme`; a keyword never starts a glued value.
            joins = joins or (previous.text.endswith(":") and token.text.lower() not in _KEYWORDS)
            if joins and previous.text.lower() not in _KEYWORDS:
                glued[-1] = _Token(previous.text + token.text, previous.position, "word")
                continue
        glued.append(token)
    return glued


def _unquote(value: str) -> str:
    """`"Acme Inc"` -> `Acme Inc`; quotes may also wrap part of a word (`name:"A B"`)."""
    if '"' not in value and "'" not in value:
        return value
    match = _QUOTED.match(value)
    inner = match.group(2) if match else value.replace('"', "").replace("'", "")
    return _ESCAPE.sub(r"\1", inner)


def _field_name(written: str) -> str:
    """Built-in names are case-insensitive; a custom field's own name keeps its case."""
    head, dot, rest = written.partition(".")
    if head.lower() == "custom" and dot:
        return "custom." + rest
    return written.lower()


def _term(token: _Token) -> Term | Sort:
    word, position = token.text, token.position
    match = _QUOTED_FIELD.fullmatch(word) if word[:1] in "\"'" else _PLAIN_FIELD.fullmatch(word)
    if match is None:
        if word == "*":
            return Term("*", "", "", position)
        return Term("", "", _unquote(word), position, quoted=word[:1] in "\"'")
    name = _field_name(_unquote(match["field"]))
    op, written = match["op"], match["value"]
    value = _unquote(written)
    if name == "sort" and op == ":":
        return Sort(_field_name(value.lstrip("-+")), value.startswith("-"), position)
    return Term(name, op, value, position, quoted=written[:1] in "\"'")


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
    def __init__(self, tokens: list[_Token], length: int) -> None:
        self.tokens = tokens
        self.length = length
        self.position = 0
        self.sorts: list[Sort] = []

    def peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def where(self) -> int:
        """The 1-based character of the next token (one past the end at the end)."""
        token = self.peek()
        return token.position if token is not None else self.length + 1

    def keyword(self) -> str | None:
        token = self.peek()
        if token is None or token.kind != "word":
            return None
        lowered = token.text.lower()
        return lowered if lowered in _KEYWORDS else None

    def parse(self) -> Node:
        node = self.disjunction(0)
        if self.peek() is not None:
            raise BadRequest(
                f"Cannot parse the query: the closing parenthesis at character {self.where()} "
                "has no opening one."
            )
        return node

    def disjunction(self, depth: int) -> Node:
        items = [self.conjunction(depth)]
        while self.keyword() == "or":
            self.position += 1
            start = self.position
            items.append(self.conjunction(depth))
            if self.position == start:
                raise BadRequest(
                    f"Cannot parse the query: `or` must be followed by a term (character {self.where()})."
                )
        return _combine("or", items)

    def conjunction(self, depth: int) -> Node:
        items: list[Node] = []
        while (token := self.peek()) is not None and token.kind != "close" and self.keyword() != "or":
            if self.keyword() == "and":
                self.position += 1
                continue
            item = self.negation(depth)
            if item is not None:
                items.append(item)
        return _combine("and", items)

    def group(self, depth: int, opened_at: int) -> Node:
        if depth + 1 > MAX_NESTING:
            raise BadRequest(f"The query nests parentheses more than {MAX_NESTING} levels deep.")
        node = self.disjunction(depth + 1)
        closing = self.peek()
        if closing is None or closing.kind != "close":
            raise BadRequest(
                f"Cannot parse the query: the parenthesis at character {opened_at} is not closed."
            )
        self.position += 1
        return node

    def negation(self, depth: int) -> Node | None:
        negated = False
        while self.keyword() == "not":  # counted, not recursed: `not not ... x` is flat
            negated = not negated
            self.position += 1
        token = self.peek()
        if token is None or token.kind == "close":
            raise BadRequest(
                f"Cannot parse the query: `not` must be followed by a term (character {self.where()})."
            )
        self.position += 1
        node: Node
        if token.kind == "open":
            node = self.group(depth, token.position)
        elif token.kind == "call":
            node = Related(token.text, self.group(depth, token.position), token.position)
        else:
            term = _term(token)
            if isinstance(term, Sort):
                if negated or depth:
                    raise BadRequest(
                        f"Cannot parse the query: the sort: at character {token.position} "
                        "belongs at the top level."
                    )
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
        elif isinstance(item, Related):
            count += 1
            stack.append(item.where)
        elif isinstance(item, Not):
            stack.append(item.item)
        else:
            stack.extend(item.items)
    return count


def parse(text: str) -> LeadQuery:
    """The tree of a lead query string, or BadRequest naming the problem or the limit."""
    if len(text) > MAX_LENGTH:
        raise BadRequest(f"The query is longer than {MAX_LENGTH} characters; shorten it.")
    parser = _Parser(_tokens(text), len(text))
    where = parser.parse()
    if _count_terms(where) > MAX_TERMS:
        raise BadRequest(f"The query has more than {MAX_TERMS} distinct terms; shorten it.")
    sorts = tuple(dict.fromkeys(parser.sorts))
    if len(sorts) > MAX_SORTS:
        raise BadRequest(f"The query has more than {MAX_SORTS} sort: terms.")
    return LeadQuery(where, sorts)
