"""The filter language: what it accepts, what it produces, and its messages."""

from __future__ import annotations

import re

import pytest

from storage import StorageError, WhereSyntaxError, parse_where


@pytest.mark.parametrize(("text", "expected"), [
    ("accuracy > 0.9 and lr < 1e-3",
     {"$and": [{"accuracy": {"$gt": 0.9}}, {"lr": {"$lt": 0.001}}]}),
    ('status == "done"', {"status": {"$eq": "done"}}),
    ("status = 'running'", {"status": {"$eq": "running"}}),
    ("architecture in (resnet, vit)", {"architecture": {"$in": ["resnet", "vit"]}}),
    ("architecture not in (mlp)", {"architecture": {"$nin": ["mlp"]}}),
    ("a > 1 or b < 2", {"$or": [{"a": {"$gt": 1}}, {"b": {"$lt": 2}}]}),
    ("a >= 1 AND (b <= 2 OR c != x)",
     {"$and": [{"a": {"$gte": 1}}, {"$or": [{"b": {"$lte": 2}}, {"c": {"$ne": "x"}}]}]}),
    ("a > 1 and b > 2 or c > 3",
     {"$or": [{"$and": [{"a": {"$gt": 1}}, {"b": {"$gt": 2}}]}, {"c": {"$gt": 3}}]}),
    ("not status == done", {"status": {"$ne": "done"}}),
    ("epochs >= 100", {"epochs": {"$gte": 100}}),
    ("seed == -1", {"seed": {"$eq": -1}}),
    ("finished == true", {"finished": {"$eq": True}}),
    ("architecture == vit-s", {"architecture": {"$eq": "vit-s"}}),
])
def test_translates(text, expected) -> None:
    assert parse_where(text) == expected


def test_ints_stay_ints_and_floats_floats() -> None:
    assert isinstance(parse_where("epochs > 10")["epochs"]["$gt"], int)
    assert isinstance(parse_where("lr < 1e-3")["lr"]["$lt"], float)


@pytest.mark.parametrize(("text", "message"), [
    ("", "empty"),
    ("accuracy >", "expected a value"),
    ("accuracy > 0.9 and", "expected a field name"),
    ("(a > 1", "expected ')'"),
    ('a > "x"', "needs a number"),
    ("a ~ 1", "column 3"),
    ("a in b", "'('"),
    ("a > 1 b > 2", "'and', 'or'"),
    ("not (a > 1 or b > 2)", "cannot negate a group"),
])
def test_errors_are_clear(text, message) -> None:
    with pytest.raises(WhereSyntaxError, match=re.escape(message)) as info:
        parse_where(text)
    assert isinstance(info.value, ValueError) and isinstance(info.value, StorageError)
