"""A small JQL interpreter for the fake Jira: parses a subset and evaluates it per issue.

Supported: AND / OR / NOT and parentheses; `=`, `!=`, `>`, `>=`, `<`, `<=`, `IN`,
`NOT IN`, `IS [NOT] EMPTY`, `WAS [NOT]`, and `status CHANGED` with the predicates FROM,
TO, AFTER, BEFORE, DURING, ON and BY; fields assignee, statusCategory, status,
resolved / resolutiondate, created, updated, project, key / issuekey, issuetype / type,
labels, component, priority, resolution, and on Cloud only statusCategoryChangedDate;
the function currentUser(); ORDER BY. Date literals are read in the searching user's
timezone, as Jira does. AFTER and BEFORE are strict and DURING inclusive: where Jira's
own reading differs it is wider, so a search that finds a change here finds it there.
Anything else is refused with Jira-style error messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<op>!=|>=|<=|=|>|<|~|!~)
      | (?P<punct>[(),])
      | (?P<word>[A-Za-z0-9_.\-/:+\[\]]+)
    )""",
    re.VERBOSE,
)
_DATE_FORMATS = ("%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%Y-%m-%d")
_PERIOD = re.compile(r"^([-+]?)(\d+)([mhdw])$")
_DATE_FIELDS = {
    "resolved": "resolved",
    "resolutiondate": "resolved",
    "created": "created",
    "createddate": "created",
    "updated": "updated",
    "updateddate": "updated",
    "statuscategorychangeddate": "statuscategorychangeddate",
}
# Fields whose every change the fake keeps, for CHANGED.
_CHANGE_FIELDS = {"status"}
_PREDICATES = ("from", "to", "after", "before", "during", "on", "by")
_TEXT_FIELDS = {
    "status",
    "issuetype",
    "type",
    "priority",
    "resolution",
    "labels",
    "component",
    "components",
}
CATEGORIES = {
    "to do": "new",
    "new": "new",
    "in progress": "indeterminate",
    "indeterminate": "indeterminate",
    "done": "done",
}


class JqlError(Exception):
    """The query cannot run: `messages` are what Jira puts in errorMessages."""

    def __init__(self, *messages: str) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


@dataclass
class Token:
    kind: str
    text: str
    pos: int


@dataclass
class Value:
    """A literal (`text`), a function call (`func`), or EMPTY."""

    text: str = ""
    func: str | None = None
    empty: bool = False


@dataclass
class Clause:
    field: str
    op: str
    values: list[Value]
    predicates: list[tuple[str, list[Value]]] = field(default_factory=list)


@dataclass
class Node:
    kind: str  # "and", "or", "not", "clause"
    children: list[Node] = field(default_factory=list)
    clause: Clause | None = None


@dataclass
class Query:
    where: Node | None
    order: list[tuple[str, bool]]  # (field, descending)


@dataclass
class Context:
    """What evaluation needs from the fake: the searcher, the zone, known names."""

    user: str | None
    zone: tzinfo
    now: datetime
    projects: set[str]
    keys: set[str]
    validate: bool = True
    warnings: list[str] = field(default_factory=list)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            bad = text[pos:].lstrip()[:1]
            raise JqlError(
                f"Error in the JQL Query: The character '{bad}' is a reserved JQL character. "
                f"You must enclose it in a string or use the escape '\\u{ord(bad):04x}' instead. "
                f"(line 1, character {pos + 1})"
            )
        kind = match.lastgroup or "word"
        raw = match.group(kind)
        if kind == "string":
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        tokens.append(Token(kind, raw, match.start(kind)))
        pos = match.end()
    return tokens


class Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.i = 0

    def peek(self, offset: int = 0) -> Token | None:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def word(self, *options: str, offset: int = 0) -> bool:
        tok = self.peek(offset)
        return tok is not None and tok.kind == "word" and tok.text.lower() in options

    def take(self) -> Token:
        tok = self.peek()
        if tok is None:
            raise JqlError("Error in the JQL Query: The JQL query is incomplete.")
        self.i += 1
        return tok

    def fail(self, expected: str) -> JqlError:
        tok = self.peek()
        if tok is None:
            return JqlError(f"Error in the JQL Query: Expecting {expected} before the end.")
        return JqlError(
            f"Error in the JQL Query: Expecting {expected} but got '{tok.text}'. "
            f"(line 1, character {tok.pos + 1})"
        )

    def parse(self) -> Query:
        where = None
        if self.peek() is not None and not self.word("order"):
            where = self.expr()
        order: list[tuple[str, bool]] = []
        if self.word("order"):
            self.take()
            if not self.word("by"):
                raise self.fail("'by'")
            self.take()
            order = self.sorts()
        if self.peek() is not None:
            raise self.fail("either 'OR' or 'AND'")
        return Query(where, order)

    def sorts(self) -> list[tuple[str, bool]]:
        result = []
        while True:
            tok = self.take()
            desc = False
            if self.word("asc", "desc"):
                desc = self.take().text.lower() == "desc"
            result.append((tok.text.lower(), desc))
            if not (self.peek() and self.peek().text == ","):  # type: ignore[union-attr]
                return result
            self.take()

    def expr(self) -> Node:
        parts = [self.term()]
        while self.word("or"):
            self.take()
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else Node("or", parts)

    def term(self) -> Node:
        parts = [self.factor()]
        while self.word("and"):
            self.take()
            parts.append(self.factor())
        return parts[0] if len(parts) == 1 else Node("and", parts)

    def factor(self) -> Node:
        if self.word("not"):
            self.take()
            return Node("not", [self.factor()])
        tok = self.peek()
        if tok is not None and tok.kind == "punct" and tok.text == "(":
            self.take()
            inner = self.expr()
            close = self.peek()
            if close is None or close.text != ")":
                raise self.fail("')'")
            self.take()
            return inner
        return Node("clause", clause=self.clause())

    def clause(self) -> Clause:
        tok = self.take()
        if tok.kind not in ("word", "string"):
            raise JqlError(
                f"Error in the JQL Query: Expecting a field name but got '{tok.text}'. "
                f"(line 1, character {tok.pos + 1})"
            )
        name = tok.text.lower()
        op = self.operator()
        if op in ("is", "is not"):
            if not self.word("empty", "null"):
                raise self.fail("EMPTY or NULL")
            self.take()
            return Clause(name, op, [Value(empty=True)])
        if op in ("in", "not in"):
            return Clause(name, op, self.value_list())
        if op == "changed":
            return Clause(name, op, [], self.predicates())
        return Clause(name, op, [self.value()])

    def predicates(self) -> list[tuple[str, list[Value]]]:
        found = []
        while self.word(*_PREDICATES):
            name = self.take().text.lower()
            tok = self.peek()
            if name == "during" or (name in ("from", "to") and tok and tok.text == "("):
                values = self.value_list()
                if name == "during" and len(values) != 2:
                    raise self.fail("two dates for DURING")
                found.append((name, values))
            else:
                found.append((name, [self.value()]))
        return found

    def operator(self) -> str:
        tok = self.peek()
        if tok is not None and tok.kind == "op":
            self.take()
            return tok.text
        for words in (("not", "in"), ("was", "not"), ("is", "not")):
            if self.word(words[0]) and self.word(words[1], offset=1):
                self.i += 2
                return " ".join(words)
        if self.word("in", "was", "is", "changed"):
            return self.take().text.lower()
        raise self.fail("operator")

    def value_list(self) -> list[Value]:
        tok = self.peek()
        if tok is None or tok.text != "(":
            raise self.fail("'('")
        self.take()
        values = [self.value()]
        while self.peek() is not None and self.peek().text == ",":  # type: ignore[union-attr]
            self.take()
            values.append(self.value())
        close = self.peek()
        if close is None or close.text != ")":
            raise self.fail("')'")
        self.take()
        return values

    def value(self) -> Value:
        tok = self.take()
        if tok.kind == "string":
            return Value(tok.text)
        if tok.kind != "word":
            raise JqlError(
                f"Error in the JQL Query: Expecting a value but got '{tok.text}'. "
                f"(line 1, character {tok.pos + 1})"
            )
        nxt = self.peek()
        if nxt is not None and nxt.text == "(":
            self.take()
            close = self.peek()
            if close is None or close.text != ")":
                raise self.fail("')'")
            self.take()
            return Value(func=tok.text)
        if tok.text.lower() in ("empty", "null"):
            return Value(empty=True)
        return Value(tok.text)


def parse(text: str) -> Query:
    return Parser(text).parse()


# -- evaluation -------------------------------------------------------------------------

Getter = Callable[[Any, str], Any]


def parse_date(value: Value, field_name: str, ctx: Context) -> datetime:
    """A JQL date literal as an instant: wall time in the user's zone, or a period."""
    text = value.text.strip()
    period = _PERIOD.match(text)
    if period:
        sign = -1 if period.group(1) == "-" else 1
        unit = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[period.group(3)]
        return ctx.now + sign * timedelta(**{unit: int(period.group(2))})
    for fmt in _DATE_FORMATS:
        try:
            wall = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return wall.replace(tzinfo=ctx.zone)
    raise JqlError(
        f"Date value '{text}' for field '{field_name}' is invalid. Valid formats include: "
        "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period "
        "format e.g. '-5d', '4w 2d'."
    )


def check(query: Query, ctx: Context, known_fields: set[str]) -> None:
    """Validate fields, functions and values up front, as Jira does before searching."""
    for clause in _clauses(query.where):
        name = clause.field
        if name not in known_fields:
            raise JqlError(
                f"Field '{name}' does not exist or you do not have permission to view it."
            )
        if clause.op in ("was", "was not") and name not in ("assignee", "status"):
            raise JqlError(f"History searches are not supported for the field '{name}'.")
        if clause.op == "changed" and name not in _CHANGE_FIELDS:
            raise JqlError(f"History searches are not supported for the field '{name}'.")
        for predicate, values in clause.predicates:
            if predicate in ("after", "before", "during", "on"):
                for value in values:
                    parse_date(value, predicate.upper(), ctx)
        for value in clause.values:
            if value.func is not None and value.func.lower() != "currentuser":
                raise JqlError(f"Unable to find JQL function '{value.func}()'.")
            _check_value(clause, value, ctx)
    for sort_field, _ in query.order:
        if sort_field not in known_fields:
            raise JqlError(f"Not able to sort using field '{sort_field}'.")


def _check_value(clause: Clause, value: Value, ctx: Context) -> None:
    name = clause.field
    if value.empty or value.func is not None:
        return
    if name in _DATE_FIELDS:
        parse_date(value, name, ctx)
    elif name == "statuscategory" and value.text.lower() not in CATEGORIES:
        raise JqlError(f"The value '{value.text}' does not exist for the field 'statusCategory'.")
    elif name == "project" and value.text.upper() not in ctx.projects:
        _missing(ctx, f"The value '{value.text}' does not exist for the field 'project'.")
    elif name in ("key", "issuekey") and value.text.upper() not in ctx.keys:
        _missing(ctx, f"An issue with key '{value.text}' does not exist for field '{name}'.")


def _missing(ctx: Context, message: str) -> None:
    if ctx.validate:
        raise JqlError(message)
    ctx.warnings.append(message)


def _clauses(node: Node | None) -> list[Clause]:
    if node is None:
        return []
    if node.kind == "clause" and node.clause is not None:
        return [node.clause]
    return [c for child in node.children for c in _clauses(child)]


def matches(node: Node | None, issue: Any, ctx: Context, get: Getter) -> bool:
    """Whether `issue` satisfies the query; `get(issue, field)` reads a field's value."""
    if node is None:
        return True
    if node.kind == "and":
        return all(matches(child, issue, ctx, get) for child in node.children)
    if node.kind == "or":
        return any(matches(child, issue, ctx, get) for child in node.children)
    if node.kind == "not":
        return not matches(node.children[0], issue, ctx, get)
    assert node.clause is not None
    return _clause_matches(node.clause, issue, ctx, get)


def _clause_matches(clause: Clause, issue: Any, ctx: Context, get: Getter) -> bool:
    name, op = clause.field, clause.op
    if op == "changed":
        changes = get(issue, name + "_changes")
        return any(_change_fits(change, clause.predicates, ctx) for change in changes)
    if op in ("was", "was not"):
        history = get(issue, name + "_history")
        hit = any(_equal(name, h, v, ctx) for h in history for v in clause.values)
        return hit if op == "was" else not hit
    actual = get(issue, name)
    if op in ("is", "is not"):
        empty = actual in (None, "", [], ())
        return empty if op == "is" else not empty
    if name in _DATE_FIELDS:
        return _compare_date(actual, op, parse_date(clause.values[0], name, ctx))
    hit = any(_equal(name, actual, v, ctx) for v in clause.values)
    if op in ("=", "in"):
        return hit
    if op in ("!=", "not in"):
        return actual is not None and not hit
    raise JqlError(f"The operator '{op}' is not supported by the '{name}' field.")


def _equal(name: str, actual: Any, value: Value, ctx: Context) -> bool:
    if value.func is not None:
        return ctx.user is not None and actual == ctx.user
    if value.empty:
        return actual in (None, "", [], ())
    wanted = value.text.lower()
    if name == "statuscategory":
        return bool(actual == CATEGORIES.get(wanted))
    if isinstance(actual, list | tuple | set):
        return wanted in {str(a).lower() for a in actual}
    return actual is not None and str(actual).lower() == wanted


def _change_fits(change: Any, predicates: list[tuple[str, list[Value]]], ctx: Context) -> bool:
    """Whether one change (`at`, `before`, `after`, `by`) satisfies every predicate."""
    for name, values in predicates:
        if name in ("from", "to"):
            status = change.before if name == "from" else change.after
            if not any(_equal("status", status, v, ctx) for v in values):
                return False
        elif name == "by":
            if not _equal("assignee", change.by, values[0], ctx):
                return False
        elif not _at_fits(change.at, name, [parse_date(v, name, ctx) for v in values], ctx):
            return False
    return True


def _at_fits(at: datetime, name: str, dates: list[datetime], ctx: Context) -> bool:
    if name == "after":
        return at > dates[0]
    if name == "before":
        return at < dates[0]
    if name == "during":
        return dates[0] <= at <= dates[1]
    return at.astimezone(ctx.zone).date() == dates[0].date()  # ON: that day, the user's


def _compare_date(actual: datetime | None, op: str, bound: datetime) -> bool:
    if actual is None:
        return False
    comparisons: dict[str, Callable[[datetime, datetime], bool]] = {
        ">=": lambda a, b: a >= b,
        ">": lambda a, b: a > b,
        "<=": lambda a, b: a <= b,
        "<": lambda a, b: a < b,
        "=": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
    }
    if op not in comparisons:
        raise JqlError(f"The operator '{op}' is not supported by date fields.")
    return comparisons[op](actual, bound)


KNOWN_FIELDS = {
    "assignee",
    "statuscategory",
    "project",
    "key",
    "issuekey",
    *_DATE_FIELDS,
    *_TEXT_FIELDS,
}


def known_fields(deployment: str) -> set[str]:
    """Data Center has no status-category date: the changelog is its only record."""
    if deployment == "cloud":
        return set(KNOWN_FIELDS)
    return KNOWN_FIELDS - {"statuscategorychangeddate"}
