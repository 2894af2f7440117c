"""Brush previews, the deferred first render, and the loader's GIL hand-over points."""

from __future__ import annotations

import numpy as np
from compare.compare_helpers import odd_hits

from gui.compare import compare_jobs
from gui.compare.parallel_render import PREVIEW_RUNS, RenderRequest, render
from gui.compare.parallel_view import COLORS, OUT_COLOR, ParallelView
from storage import CompareTable, runs_from_metadata

WAIT = 120000


def _table(n: int) -> CompareTable:
    rng = np.random.default_rng(1)
    return CompareTable.from_arrays(
        [f"r{i}" for i in range(n)],
        {"lr": list(10 ** rng.uniform(-5, -1, n)), "depth": list(rng.integers(2, 50, n))},
        {"accuracy": list(rng.uniform(0.5, 1, n))})


def _request(kept: np.ndarray) -> RenderRequest:
    rng = np.random.default_rng(2)
    n = len(kept)
    return RenderRequest(rng.uniform(0, 1, (n, 3)), kept, rng.integers(0, 9, n), COLORS,
                         OUT_COLOR, 200, 120, (-0.1, 2.6), (-0.3, 1.1))


def _painted(image) -> int:
    bits = image.constBits()
    return int(np.count_nonzero(np.frombuffer(bits, np.uint32, image.width() * image.height())))


def test_render_previews_only_big_brushes(qapp) -> None:
    n = 3 * PREVIEW_RUNS
    kept = np.arange(n) % 2 == 0
    previews: list = []
    full = render(_request(kept), progress=previews.append)
    assert len(previews) == 1
    assert previews[0].size() == full.size() and previews[0] != full
    previews.clear()
    render(_request(np.ones(n, dtype=bool)), progress=previews.append)  # no brush
    render(_request(np.arange(n) < PREVIEW_RUNS), progress=previews.append)  # few kept
    assert previews == []


def test_view_shows_preview_then_all_lines(qtbot) -> None:
    view = ParallelView()
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.show()
    with qtbot.waitSignal(view.drawn, timeout=WAIT):
        view.set_table(_table(3 * PREVIEW_RUNS), "accuracy")
    # A resize may render again after the first image: start the brush from an idle view, or a
    # late "drawn" of that render lands before the brush's preview (seen once under load).
    qtbot.waitUntil(lambda: not view.is_busy(), timeout=WAIT)
    order: list[str] = []
    view.previewed.connect(lambda: order.append("preview"))
    view.drawn.connect(lambda: order.append("all"))
    with qtbot.waitSignal(view.drawn, timeout=WAIT):
        view.brush(len(view.axes) - 1, 0.0, 0.6, emit=False)
    qtbot.waitUntil(lambda: not view.is_busy(), timeout=WAIT)
    assert order[0] == "preview" and order[-1] == "all"


def test_unshown_view_still_renders(qtbot) -> None:
    view = ParallelView()
    qtbot.addWidget(view)  # never shown: no paint starts the first render
    with qtbot.waitSignal(view.drawn, timeout=WAIT):
        view.set_table(_table(50), "accuracy")
    qtbot.waitUntil(lambda: not view.is_busy(), timeout=WAIT)


def test_table_with_pauses_is_the_same_table() -> None:
    hits = odd_hits(1200)
    runs = [runs_from_metadata(h.id, dict(h.metadata)) for h in hits]
    calls: list[int] = []
    paused = CompareTable.from_runs(runs, pause=lambda: calls.append(1))
    plain = compare_jobs.load_runs(None, hits).table
    assert len(calls) >= 3
    assert paused.ids == plain.ids == [h.id for h in hits]
    assert [c.name for c in paused.columns] == [c.name for c in plain.columns]
    for a, b in zip(paused.columns, plain.columns, strict=True):
        assert [a.text(r) for r in range(len(paused))] == [b.text(r) for r in range(len(plain))]
