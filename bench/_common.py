"""Helpers the benchmark scripts share (run as ``python bench/x.py``: this folder is on
``sys.path``, so they import it as ``_common``)."""

from __future__ import annotations


def print_goal_rows(rows: list[tuple], name_width: int, data_width: int) -> None:
    """A table of (measure, data, ours s, baseline s, goal s) rows: times in ms, the ratio to
    the baseline, and whether ours met the goal."""
    print()
    print(f"{'measure':<{name_width}} {'data':<{data_width}} {'loupe':>10} {'baseline':>10} "
          f"{'ratio':>7} {'goal':>8}")
    for name, data, ours, base, goal in rows:
        ok = "ok" if ours <= goal else "MISSED"
        print(f"{name:<{name_width}} {data:<{data_width}} {ours * 1000:>8.1f}ms "
              f"{base * 1000:>8.1f}ms {ours / base:>7.2f} {goal * 1000:>5.0f}ms {ok}")
