"""The compare table (varying first, constants folded, sorting, export) and importance."""

from __future__ import annotations

import math

import numpy as np
import pytest
from compare.compare_helpers import odd_hits

from storage import CompareTable, parameter_importance, runs_from_metadata
from storage._experiments import _importance


def _table(hits=None) -> CompareTable:
    hits = odd_hits() if hits is None else hits
    return CompareTable.from_runs([runs_from_metadata(h.id, h.metadata) for h in hits])


def test_varying_columns_first_constants_folded() -> None:
    table = _table()
    names = [c.name for c in table.columns]
    assert names[:3] == ["lr", "optimizer", "seed"] and names[3:] == ["accuracy", "loss"]
    assert [c.name for c in table.constant] == ["epochs"]
    assert table.same_for_all() == "epochs=10"


def test_missing_nan_and_strings_are_kept_apart() -> None:
    table = _table()
    acc, lr, opt = table.column("accuracy"), table.column("lr"), table.column("optimizer")
    assert acc.text(3) == "NaN" and not acc.is_missing()[3]
    assert lr.text(7) == "" and lr.is_missing()[7]
    assert not opt.numeric and opt.values[5] is None and opt.categories() == ["adam", "sgd"]


def test_sort_puts_missing_last_both_ways() -> None:
    table = _table()
    col = [c.name for c in table.columns].index("accuracy")
    up, down = table.sort_order(col), table.sort_order(col, descending=True)
    assert up[-1] == 3 and down[-1] == 3
    assert list(down[:2]) == [11, 10]
    opt = [c.name for c in table.columns].index("optimizer")
    assert table.sort_order(opt)[-1] == 5 and table.sort_order(opt, True)[-1] == 5


def test_reference_differences_and_export() -> None:
    table = _table()
    lr = [c.name for c in table.columns].index("lr")
    assert table.differs(1, lr, 0) and not table.differs(3, lr, 0)
    csv_text = table.export([0, 1])
    assert csv_text.splitlines()[0] == "run,lr,optimizer,seed,accuracy,loss"
    assert csv_text.splitlines()[1].startswith("run00,0.0001,adam,0,0.5,1")
    markdown = table.export([0], "markdown")
    assert markdown.startswith("| run | lr |") and "|---|" in markdown


def test_single_run_table() -> None:
    table = _table(odd_hits(1))
    assert table.columns == [] and len(table.constant) == 6
    assert "accuracy=0.5" in table.same_for_all()


def _arrays(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    lr = 10 ** rng.uniform(-5, -1, n)
    width = rng.choice(["narrow", "wide"], n)
    noise = rng.uniform(0, 1, n)
    # accuracy is best for mid learning rates (non-monotone), better when wide, not by noise
    acc = 0.9 - 0.05 * (np.log10(lr) + 3) ** 2 + 0.1 * (width == "wide") + rng.normal(0, .01, n)
    return CompareTable.from_arrays([f"r{i}" for i in range(n)],
                                    {"lr": lr, "width": list(width), "noise": noise},
                                    {"accuracy": acc})


def test_importance_sees_non_monotone_and_categorical_effects() -> None:
    found = {r.name: r for r in parameter_importance(_arrays(400), "accuracy")}
    assert abs(found["lr"].spearman) < 0.3 and found["lr"].eta2 > 0.4  # mid values best
    assert found["width"].spearman is None and found["width"].eta2 > 0.1
    assert found["noise"].eta2 < 0.05
    assert found["lr"].n == 400 and found["lr"].verdict == "ok"


def test_importance_too_few_runs_and_constant() -> None:
    found = {r.name: r for r in parameter_importance(_table(), "accuracy")}
    assert found["epochs"].verdict == "constant"
    small = {r.name: r for r in parameter_importance(_arrays(5), "accuracy")}
    assert small["lr"].verdict == "too few runs" and small["lr"].eta2 is None
    assert small["lr"].n == 5
    with pytest.raises(KeyError):
        parameter_importance(_table(), "nope")


def test_numpy_ranks_match_scipy(monkeypatch) -> None:
    from scipy.stats import spearmanr

    x = np.array([3.0, 1.0, 2.0, 2.0, 5.0, 4.0, 4.0])
    y = np.array([1.0, 2.0, 2.5, 3.0, 5.0, 4.0, 6.0])
    expected = spearmanr(x, y).statistic
    assert math.isclose(_importance.spearman(x, y), expected)
    monkeypatch.setitem(__import__("sys").modules, "scipy.stats", None)
    assert math.isclose(_importance.spearman(x, y), expected)
