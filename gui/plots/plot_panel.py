"""Training plots: many runs overlaid, smoothing, groups with bands, live refresh, export.

Reading and smoothing run in workers (:mod:`gui.workers`); this widget only draws. Long series stay
fast because the worker also builds a min/max envelope of every long curve
(:mod:`gui.plots.envelope`): a frame draws about one pair of points per pixel column, taken
from the envelope, not the million points of the run.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFileDialog, QLabel, QSplitter, QVBoxLayout, QWidget

from gui import settings as loupe_settings
from gui.plots import plot_data as pdata
from gui.plots.grid_axis import opaque_axes, use_opaque_grid
from gui.plots.live_refresh import LiveRefresher
from gui.plots.plot_controls import PlotControls, PlotOptions
from gui.plots.plot_draw import CurveDrawer
from gui.plots.plot_hover import PlotHover
from gui.plots.run_colors import RunColors, session_colors
from gui.plots.series_data import RunData, RunRef, is_live, load_runs, load_with_metrics
from gui.plots.summary_table import SummaryTable
from gui.workers import LatestOnly, submit

# Drawing many runs is cut into slices this long, so the window keeps answering (issue 13: 158
# runs at once blocked it for 0.5-1.9 s).
DRAW_SLICE_S = 0.03
STEP, FIT = "step", "fit"  # steps of a draw: one curve or group; fitting the view


class PlotPanel(QWidget):
    """Plot of the selected runs, with its controls above and the summary table beside it."""

    drawn = Signal()  # after every redraw (tests and --screenshot wait on it)
    status = Signal(str)

    def __init__(self, parent: QWidget | None = None, colors: RunColors | None = None) -> None:
        super().__init__(parent)
        self.colors = colors or session_colors()
        self.refs: list[RunRef] = []
        self.runs: dict[str, RunData] = {}
        self.curves: list[pdata.Curve] = []
        self.groups: list[pdata.GroupCurve] = []
        self.metrics: list[str] = []
        self._reset_view = True  # the next draw fits the view to the data
        self._draw_job: Iterator[None] | None = None  # the draw under way, in slices
        self._saved_view: list[list[float]] = []
        self._auto_live = False  # Live was turned on because a plotted run is being written
        self._loader, self._preparer = LatestOnly(), LatestOnly()
        self.controls = PlotControls(self)
        self.plot_widget = pg.PlotWidget(self, background="w", axisItems=opaque_axes("w"))
        self.plot = self.plot_widget.getPlotItem()
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        use_opaque_grid(self.plot)  # translucent grid lines were half of each frame's paint
        self.plot.setDownsampling(auto=True, mode="peak")  # also what the plot's menu shows
        self.plot.setClipToView(True)
        for side in ("left", "bottom"):  # "loss (x0.001)" puzzles: ticks show the real values
            self.plot.getAxis(side).enableAutoSIPrefix(False)
        self.legend = self.plot.addLegend(offset=(-10, 10), labelTextSize="8pt",
                                          labelTextColor="#222",
                                          brush=pg.mkBrush(255, 255, 255, 200))
        self.drawer = CurveDrawer(self.plot, self.legend, self.colors)
        self.hover = PlotHover(self.plot, self._x_name, lambda: self.options.metric or "value")
        self.summary = SummaryTable(self.colors, self)
        self.message = QLabel("Select runs in the results to plot them.", self)
        self.message.setObjectName("emptyState")
        self.live = LiveRefresher(self)
        self.live.updated.connect(self._on_live_rows)
        self.plot_widget.viewport().installEventFilter(self)  # hide the hover on leave
        self._layout()
        self.controls.changed.connect(self._on_control)
        self.controls.export_requested.connect(self.ask_export)
        QShortcut(QKeySequence("Ctrl+Shift+L"), self, self.controls.log_y.toggle)
        self._apply_view_options()

    def _layout(self) -> None:
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.plot_widget)
        split.addWidget(self.summary)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        split.setSizes([640, 440])  # room for run names like h013_convnext-t_lr1e-3_s3
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.controls)
        box.addWidget(self.message)
        box.addWidget(split, 1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Leave and watched is self.plot_widget.viewport():
            self.hover.hide()  # no mouse over the plot: no read-out left behind
        return super().eventFilter(watched, event)

    @property
    def options(self) -> PlotOptions:
        return self.controls.options()

    # ---- what is plotted --------------------------------------------------------------------
    def set_runs(self, refs: Sequence[RunRef]) -> None:
        """Plot these runs (reads in a worker); an empty list clears the plot."""
        self.refs = list(refs)
        self._reset_view = True
        self.live.set_refs(self.refs)
        self.controls.set_group_fields(pdata.group_fields(r.metadata for r in self.refs))
        if not self.refs:
            self.runs, self.curves, self.groups = {}, [], []
            self._draw(([], []))
            return
        self._set_message(f"Reading {len(self.refs)} run(s)...")
        metric = self.options.metric or self.controls.remembered_metric()
        self._loader.submit(self._read_all, list(self.refs), metric,
                            on_done=self._on_read, on_error=self._on_error)

    @staticmethod
    def _read_all(refs: list[RunRef], metric: str) -> tuple[list[str], list[RunData], str, bool]:
        metrics, runs = load_with_metrics(refs, metric)
        if metrics and metric not in metrics:  # a second pass only when the metric is missing
            metric = next((m for m in ("loss", "val_loss", "accuracy") if m in metrics),
                          metrics[0])
            runs = load_runs(refs, metric)
        return metrics, runs, metric, any(is_live(r) for r in refs)

    def _on_read(self, result: tuple[list[str], list[RunData], str, bool]) -> None:
        metrics, runs, metric, live = result
        self._live_by_default(live)
        self.metrics = metrics
        self.controls.set_metrics(metrics, metric)
        self.runs = {r.run_id: r for r in runs}
        if not metrics:
            self._set_message("These runs have no time series to plot.")
        self.live.set_known(self.runs, self.options.metric)
        self._recompute()

    def _live_by_default(self, live: bool) -> None:
        """Runs still being written refresh by themselves: Live turns on for them, and off
        again for a later selection of finished runs unless the user turned it on."""
        box = self.controls.live
        if live and not box.isChecked():
            self._auto_live = True
            box.setChecked(True)
        elif not live and self._auto_live and box.isChecked():
            box.setChecked(False)
        if not live:
            self._auto_live = False

    def _reload_metric(self) -> None:
        if not self.refs:
            return
        self._reset_view = True
        metrics, metric = list(self.metrics), self.options.metric
        self._loader.submit(load_runs, list(self.refs), metric,
                            on_done=lambda runs: self._on_read(
                                (metrics, runs, metric, self._auto_live)),
                            on_error=self._on_error)

    def _recompute(self) -> None:
        """Smooth and group in a worker; the newest request wins."""
        o = self.options
        runs = [self.runs[r.run_id] for r in self.refs if r.run_id in self.runs]
        groups = {}
        if o.group_by:
            key = pdata.group_key_function(o.group_by, frozenset(self.metrics))
            groups = {r.run_id: key(r.metadata) for r in self.refs}
        self._preparer.submit(_prepare, runs, o.metric, o.x_axis, o.smoothing, groups, o.band,
                              on_done=self._draw, on_error=self._on_error)

    def _draw(self, prepared: tuple[list[pdata.Curve], list[pdata.GroupCurve]]) -> None:
        """Draw in slices of about DRAW_SLICE_S between events (a newer draw replaces this)."""
        self.curves, self.groups = prepared
        if self._draw_job is None:
            self._saved_view = self.live.view_before_update(self.plot)
        self._draw_job = self._draw_steps()
        self._continue_draw()

    def _draw_steps(self) -> Iterator[str]:
        yield from (STEP for _ in self.drawer.draw_steps(self.curves, self.groups, self.options))
        yield FIT

    def _continue_draw(self) -> None:
        job = self._draw_job
        if job is None:
            return
        deadline = time.perf_counter() + DRAW_SLICE_S
        for step in job:
            if step == FIT and not self.plot_widget.updatesEnabled():
                # A long draw: fit the view in a slot of its own (after a range change every
                # item re-reads its data, ~1 ms each), then finish and paint in the next.
                if self._reset_view:
                    self.plot.getViewBox().enableAutoRange()
                    self.plot.getViewBox().updateAutoRange()
                QTimer.singleShot(0, self, self._continue_draw)  # dropped if self is deleted
                return
            if time.perf_counter() > deadline:
                # Half-drawn sets are not painted: each paint would re-fit and re-stroke every
                # curve so far (100+ ms apiece with 158 runs) for a picture nobody needs.
                self.plot_widget.setUpdatesEnabled(False)
                QTimer.singleShot(0, self, self._continue_draw)
                return
        if job is self._draw_job:
            self._draw_job = None
            self.plot_widget.setUpdatesEnabled(True)
            self._finish_draw(self._saved_view)

    def _finish_draw(self, saved: list[list[float]]) -> None:
        o = self.options
        self.hover.targets = self.drawer.hover_targets
        self.hover.hide()
        group_of = {rid: g.name for g in self.groups for rid in g.run_ids}
        self.summary.set_curves(self.curves, o.metric, o.x_axis, group_of)
        self.plot.setLabel("bottom", pdata.X_AXES.get(o.x_axis, o.x_axis))
        self.plot.setLabel("left", o.metric)
        self.live.view_after_update(self.plot, saved, o.follow, finite_range(self.curves),
                                    self._reset_view)
        self._reset_view = False
        bad = [c for c in self.curves if c.error]
        if not self.refs:
            self._set_message("Select runs in the results to plot them.")
        elif bad and len(bad) == len(self.curves):
            self._set_message(f"No run has the series {o.metric!r} (or could be read).")
        else:
            self._set_message("")
        self.drawn.emit()

    def _on_error(self, exc: BaseException) -> None:
        self._set_message(f"Could not plot: {exc}")
        self.status.emit(str(exc))

    def _set_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # ---- controls ---------------------------------------------------------------------------
    def _on_control(self, key: str) -> None:
        if key == "metric":
            self._reload_metric()
        elif key == "log_y":
            self._apply_view_options()
            self._reset_view = True
            if self.groups:  # a band's lower edge depends on the axis (see plot_draw)
                self._draw((self.curves, self.groups))
        elif key in ("live", "follow"):
            self._auto_live = self._auto_live and self.controls.live.isChecked()
            self._apply_view_options()
        else:  # x axis, smoothing, raw, grouping, band
            self._reset_view = self._reset_view or key == "x_axis"
            self._recompute()

    def _apply_view_options(self) -> None:
        o = self.options
        self.plot.setLogMode(x=False, y=o.log_y)
        self.live.configure(o.live, o.interval_s)

    def _on_live_rows(self, runs: dict[str, RunData]) -> None:
        self.runs.update(runs)
        self._recompute()

    def _x_name(self) -> str:
        return {"epoch": "epoch", "step": "step", "wall_time": "t (s)"}[self.options.x_axis]

    def is_busy(self) -> bool:
        return self._loader.busy or self._preparer.busy or self._draw_job is not None

    # ---- export -----------------------------------------------------------------------------
    def ask_export(self, kind: str) -> None:
        """Ask for a file name and export (remembers the folder)."""
        store = loupe_settings.settings()
        folder = str(store.value("plots/export_dir", str(Path.home())))
        name = f"{self.options.metric or 'plot'}.{kind}"
        path, _ = QFileDialog.getSaveFileName(self, f"Export {kind.upper()}",
                                              str(Path(folder) / name), f"*.{kind}")
        if path:
            store.setValue("plots/export_dir", str(Path(path).parent))
            self.export(kind, path)

    def export(self, kind: str, path: str | Path) -> None:
        """Write ``kind`` ("png", "svg", "csv") to ``path``.

        PNG and SVG paint the scene, so they run on the GUI thread; CSV is written in a worker.
        """
        from pyqtgraph import exporters

        path = str(path)
        if kind == "png":
            exporter = exporters.ImageExporter(self.plot)
            exporter.parameters()["width"] = max(800, int(self.plot.sceneBoundingRect().width()))
            exporter.export(path)
        elif kind == "svg":
            _export_svg(self.plot_widget, path)
        elif kind == "csv":
            submit(pdata.write_csv, path, list(self.curves), self.options.x_axis,
                   on_done=lambda p: self.status.emit(f"Wrote {p}"), on_error=self._on_error)
            return
        else:
            raise ValueError(f"unknown export kind {kind!r}")
        self.status.emit(f"Wrote {path}")

    def shutdown(self) -> None:
        """Stop live refresh and close open readers (the window is closing)."""
        self.live.set_refs([])


def _prepare(runs: list[RunData], metric: str, axis: str, smoothing: pdata.Smoothing,
             groups: dict[str, str], band: str) -> tuple[list[pdata.Curve], list[pdata.GroupCurve]]:
    curves = pdata.prepare_curves(runs, metric, axis, smoothing)
    return curves, (pdata.group_curves(curves, groups, band) if groups else [])


def _export_svg(view: pg.PlotWidget, path: str) -> None:
    """Paint the plot into an SVG with Qt's generator.

    pyqtgraph's SVGExporter rewrites Qt's path data itself and fails on the paths Qt 6 writes, so
    the scene is rendered straight into a QSvgGenerator (still vector: lines stay paths).
    """
    from PySide6.QtCore import QRectF, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    rect = view.sceneRect() if not view.sceneRect().isEmpty() else QRectF(view.rect())
    generator = QSvgGenerator()
    generator.setFileName(path)
    generator.setSize(QSize(int(rect.width()), int(rect.height())))
    generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
    generator.setTitle("Loupe training plot")
    # The axes replay QPictures recorded at the screen's DPI; QPicture rescales them to the
    # target's DPI (the generator's default 72 against the screen's 96 shrank them to 0.75 while
    # the curves, painted directly, kept their size). Same DPI on both sides: same picture.
    generator.setResolution(view.logicalDpiX())
    painter = QPainter(generator)
    try:
        view.scene().render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
    finally:
        painter.end()


def finite_range(curves: Sequence[pdata.Curve]) -> tuple[float, float] | None:
    """The x span of all drawn curves (used when following the latest epoch)."""
    xs = [c.x for c in curves if c.error is None and c.x.size]
    if not xs:
        return None
    return float(min(x[0] for x in xs)), float(max(np.nanmax(x) for x in xs))
