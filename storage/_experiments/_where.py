"""A small filter language translated to Chroma ``where`` clauses.

Grammar (keywords are case-insensitive)::

    expr    := and_expr ("or" and_expr)*
    and_expr:= term ("and" term)*
    term    := "(" expr ")" | "not" term
             | NAME OP value | NAME ["not"] "in" "(" value ("," value)* ")"
    OP      := "==" | "=" | "!=" | ">" | ">=" | "<" | "<="
    value   := number | "quoted" | 'quoted' | true | false | bare-word

Examples: ``accuracy > 0.9 and lr < 1e-3``, ``status == "done"``,
``architecture in (resnet50, vit-s)``, ``a > 1 or (b < 2 and c != "x")``. ``not`` is only allowed
in front of a comparison or ``in`` (Chroma has no general negation); it flips the operator.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from typing import Any

from .._errors import StorageError


class WhereSyntaxError(StorageError, ValueError):
    """A filter expression could not be parsed; the message shows where."""


class UnknownFieldError(WhereSyntaxError):
    """A filter names a field the index does not hold; the message names the closest ones."""


_TOKEN = re.compile(r"""
    \s*(?:
      (?P<num>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w.-]))
    | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<op>==|!=|>=|<=|=|>|<)
    | (?P<punct>[(),])
    | (?P<word>[A-Za-z_][\w.\-/:+]*)
    )""", re.VERBOSE)

_OPS = {"==": "$eq", "=": "$eq", "!=": "$ne", ">": "$gt", ">=": "$gte", "<": "$lt", "<=": "$lte"}
_NEGATED = {"$eq": "$ne", "$ne": "$eq", "$gt": "$lte", "$gte": "$lt", "$lt": "$gte",
            "$lte": "$gt", "$in": "$nin", "$nin": "$in"}
_KEYWORDS = {"and", "or", "not", "in"}


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            col = pos + len(text[pos:]) - len(text[pos:].lstrip())
            raise WhereSyntaxError(f"cannot read the filter at column {col + 1}: "
                                   f"{text[col:col + 12]!r}")
        kind = m.lastgroup or ""
        value, start = m.group(kind), m.start(kind)
        if kind == "word" and value.lower() in _KEYWORDS:
            kind, value = "kw", value.lower()
        tokens.append((kind, value, start))
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0

    def error(self, expected: str) -> WhereSyntaxError:
        if self.i < len(self.tokens):
            _, value, col = self.tokens[self.i]
            return WhereSyntaxError(f"expected {expected} at column {col + 1}, found {value!r} "
                                    f"in: {self.text}")
        return WhereSyntaxError(f"expected {expected} at the end of: {self.text}")

    def peek(self) -> tuple[str, str]:
        if self.i < len(self.tokens):
            kind, value, _ = self.tokens[self.i]
            return kind, value
        return "", ""

    def take(self, kind: str, value: str | None = None) -> bool:
        if self.peek()[0] == kind and (value is None or self.peek()[1] == value):
            self.i += 1
            return True
        return False

    def parse(self) -> dict[str, Any]:
        if not self.tokens:
            raise WhereSyntaxError("the filter is empty")
        node = self.expr()
        if self.i != len(self.tokens):
            raise self.error("'and', 'or' or the end")
        return node

    def expr(self) -> dict[str, Any]:
        parts = [self.and_expr()]
        while self.take("kw", "or"):
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else {"$or": parts}

    def and_expr(self) -> dict[str, Any]:
        parts = [self.term()]
        while self.take("kw", "and"):
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else {"$and": parts}

    def term(self) -> dict[str, Any]:
        if self.take("punct", "("):
            node = self.expr()
            if not self.take("punct", ")"):
                raise self.error("')'")
            return node
        if self.take("kw", "not"):
            return _negate(self.term(), self)
        kind, name = self.peek()
        if kind not in ("word", "str"):
            raise self.error("a field name")
        self.i += 1
        name = _unquote(name) if kind == "str" else name
        negate = self.take("kw", "not")
        if self.take("kw", "in"):
            return {name: {"$nin" if negate else "$in": self.value_list()}}
        if negate:
            raise self.error("'in' after 'not'")
        kind, op = self.peek()
        if kind != "op":
            raise self.error("a comparison (==, !=, >, >=, <, <=) or 'in'")
        self.i += 1
        value = self.value()
        if _OPS[op] in ("$gt", "$gte", "$lt", "$lte") and not isinstance(value, int | float):
            raise WhereSyntaxError(f"{name} {op} needs a number, got {value!r} in: {self.text}")
        return {name: {_OPS[op]: value}}

    def value_list(self) -> list[Any]:
        if not self.take("punct", "("):
            raise self.error("'(' to start the list of values")
        values = [self.value()]
        while self.take("punct", ","):
            values.append(self.value())
        if not self.take("punct", ")"):
            raise self.error("',' or ')'")
        return values

    def value(self) -> Any:
        kind, text = self.peek()
        if kind == "num":
            self.i += 1
            number = float(text)
            is_int = number.is_integer() and re.fullmatch(r"[-+]?\d+", text)
            return int(number) if is_int else number
        if kind == "str":
            self.i += 1
            return _unquote(text)
        if kind == "word":
            self.i += 1
            lowered = text.lower()
            return {"true": True, "false": False}.get(lowered, text)
        raise self.error("a value")


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text[1:-1])


def _negate(node: dict[str, Any], parser: _Parser) -> dict[str, Any]:
    (name, cond), = node.items()
    if name.startswith("$"):
        raise parser.error("a comparison after 'not' (Chroma cannot negate a group)")
    (op, value), = cond.items()
    return {name: {_NEGATED[op]: value}}


def parse_where(text: str) -> dict[str, Any]:
    """Translate a filter such as ``accuracy > 0.9 and lr < 1e-3`` into a Chroma where dict.

    Raises :class:`WhereSyntaxError` (a ``ValueError``) with the column of the problem.
    """
    return _Parser(text).parse()


def where_fields(where: dict[str, Any]) -> set[str]:
    """Field names a where dict refers to."""
    names: set[str] = set()
    for key, value in where.items():
        if key in ("$and", "$or"):
            for part in value:
                names |= where_fields(part)
        else:
            names.add(key)
    return names


def check_fields(where: dict[str, Any], known: Collection[str]) -> None:
    """Raise :class:`UnknownFieldError` if ``where`` names a field not in ``known``.

    Without the check, a typo (``acuracy > 0.9``) silently matched nothing.
    """
    missing = sorted(where_fields(where) - set(known))
    if not missing:
        return
    name = missing[0]
    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
    if not close:  # a prefix or part of a name ("acc", "val") is a good hint too
        close = [k for k in sorted(known) if name.lower() in k.lower()][:3]
    hint = f"did you mean {' or '.join(close)}?" if close else _known_fields_hint(known)
    raise UnknownFieldError(f"unknown field {name!r} in the filter; {hint}")


def _known_fields_hint(known: Collection[str], shown: int = 40) -> str:
    """The known field names, all of them for a usual lab; a long list says how many are left."""
    names = sorted(known)
    rest = len(names) - shown
    more = f" and {rest} more" if rest > 0 else ""
    return f"known fields: {', '.join(names[:shown])}{more}"


def check_where(text: str, known: Collection[str]) -> dict[str, Any]:
    """Parse ``text`` and check its field names against ``known`` (empty: not checked)."""
    where = parse_where(text)
    if known:
        check_fields(where, known)
    return where
