"""The plot's toolbar: metric, x axis, log y, smoothing, grouping, live refresh, export.

Only widgets and remembered values live here; :class:`PlotPanel` reacts to ``changed``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLabel,
    QMenu,
    QToolButton,
    QWidget,
)

from gui import settings as loupe_settings
from gui.layouts import column, flow
from gui.plots.plot_data import X_AXES, Smoothing

SMOOTHERS = {"none": "Off", "ema": "EMA (debiased)", "window": "Moving window"}
BANDS = {"minmax": "min-max band", "std": "mean ± std band"}
GROUP_NONE = ""
GROUP_HYPER = "hyperparameters"


@dataclass
class PlotOptions:
    metric: str = ""
    x_axis: str = "epoch"
    log_y: bool = False
    smoothing: Smoothing = field(default_factory=Smoothing)
    show_raw: bool = True
    group_by: str = GROUP_NONE
    band: str = "minmax"
    live: bool = False
    interval_s: float = 2.0
    follow: bool = True


class PlotControls(QWidget):
    """Two rows of controls; ``changed(key)`` names what the user changed."""

    changed = Signal(str)
    export_requested = Signal(str)  # "png" | "svg" | "csv"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.metric = QComboBox(self, toolTip="Series to plot (any 1-D series in the runs' files)")
        self.metric.setMinimumContentsLength(12)
        self.x_axis = _combo(self, X_AXES, "x axis: epoch index, logged step or elapsed wall time")
        self.log_y = QCheckBox("Log y", self, toolTip="Logarithmic y axis (Ctrl+Shift+L)")
        self.smoother = _combo(self, SMOOTHERS, "Smoothing; NaN and Inf points stay marked")
        self.amount = QDoubleSpinBox(self, decimals=3, singleStep=0.05, maximum=1e9)
        self.show_raw = QCheckBox("Raw", self, toolTip="Keep the raw curve faintly visible")
        self.group_by = QComboBox(self, toolTip="Group runs and draw the group mean with a band")
        self.band = _combo(self, BANDS, "Band around the group mean")
        self.live = QCheckBox("Live", self, toolTip="Re-read runs that are still being written")
        self.interval = QDoubleSpinBox(self, decimals=1, minimum=0.2, maximum=3600.0,
                                       suffix=" s", toolTip="Live refresh interval")
        self.follow = QCheckBox("Follow", self, toolTip="Keep the latest epoch in view; off "
                                "keeps your zoom while new points arrive")
        self.export = QToolButton(self, text="Export", toolTip="Export PNG, SVG or the data as CSV")
        self._build_export_menu()
        self._layout()
        self.set_group_fields([])
        self._restore()
        self._connect()

    # ---- layout -----------------------------------------------------------------------------
    def _layout(self) -> None:
        """Controls in small groups that wrap onto more rows in a narrow window (a group's
        label stays with its box)."""
        bar = flow(self, [QLabel("Metric"), self.metric, QLabel("x"), self.x_axis],
                   [self.log_y], [QLabel("Smoothing"), self.smoother, self.amount],
                   [self.show_raw], [QLabel("Group"), self.group_by, self.band],
                   [self.live, self.interval, self.follow], [self.export])
        column(self, bar, margin=2)

    def _build_export_menu(self) -> None:
        menu = QMenu(self)
        for kind, text in (("png", "Image (PNG)..."), ("svg", "Vector image (SVG)..."),
                           ("csv", "Plotted data (CSV)...")):
            action = QAction(text, menu)
            action.triggered.connect(lambda _=False, k=kind: self.export_requested.emit(k))
            menu.addAction(action)
        self.export.setMenu(menu)
        self.export.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)

    def _connect(self) -> None:
        self.metric.currentIndexChanged.connect(lambda _: self._emit("metric"))
        self.x_axis.currentIndexChanged.connect(lambda _: self._emit("x_axis"))
        self.log_y.toggled.connect(lambda _: self._emit("log_y"))
        self.smoother.currentIndexChanged.connect(lambda _: self._smoother_changed())
        self.amount.valueChanged.connect(lambda _: self._emit("smoothing"))
        self.show_raw.toggled.connect(lambda _: self._emit("show_raw"))
        self.group_by.currentIndexChanged.connect(lambda _: self._emit("group_by"))
        self.band.currentIndexChanged.connect(lambda _: self._emit("band"))
        self.live.toggled.connect(lambda _: self._emit("live"))
        self.interval.valueChanged.connect(lambda _: self._emit("live"))
        self.follow.toggled.connect(lambda _: self._emit("follow"))

    # ---- values -----------------------------------------------------------------------------
    def options(self) -> PlotOptions:
        return PlotOptions(
            metric=self.metric.currentText(), x_axis=self.x_axis.currentData(),
            log_y=self.log_y.isChecked(),
            smoothing=Smoothing(self.smoother.currentData(), self.amount.value()),
            show_raw=self.show_raw.isChecked(), group_by=self.group_by.currentData() or "",
            band=self.band.currentData(), live=self.live.isChecked(),
            interval_s=self.interval.value(), follow=self.follow.isChecked())

    def remembered_metric(self) -> str:
        return str(_store().value("plots/metric", "loss") or "loss")

    def set_metrics(self, names: list[str], current: str) -> None:
        """Offer ``names`` with ``current`` (the metric that was read) selected."""
        self.metric.blockSignals(True)
        self.metric.clear()
        self.metric.addItems(names)
        self.metric.setCurrentText(current)
        self.metric.blockSignals(False)

    def set_group_fields(self, fields: list[str]) -> None:
        current = self.group_by.currentData() or str(_store().value("plots/group_by", ""))
        self.group_by.blockSignals(True)
        self.group_by.clear()
        self.group_by.addItem("No grouping", GROUP_NONE)
        self.group_by.addItem("All hyperparameters but the seed", GROUP_HYPER)
        for name in fields:
            self.group_by.addItem(name, name)
        index = self.group_by.findData(current)
        self.group_by.setCurrentIndex(max(index, 0))
        self.group_by.blockSignals(False)

    def _smoother_changed(self) -> None:
        method = self.smoother.currentData()
        self.amount.blockSignals(True)
        if method == "ema":
            self.amount.setDecimals(3)
            self.amount.setRange(0.0, 0.999)
            self.amount.setSingleStep(0.05)
            self.amount.setValue(float(_store().value("plots/ema_weight", 0.6)))
        elif method == "window":
            self.amount.setDecimals(0)  # a count of epochs or steps: "20", not "20.000"
            self.amount.setRange(1.0, 1e9)
            self.amount.setSingleStep(5)
            self.amount.setValue(float(_store().value("plots/window", 20)))
        self.amount.setEnabled(method != "none")
        self.amount.blockSignals(False)
        self._emit("smoothing")

    def _emit(self, key: str) -> None:
        self._remember()
        self.changed.emit(key)

    # ---- remembered settings ----------------------------------------------------------------
    def _remember(self) -> None:
        o, s = self.options(), _store()
        if o.metric:
            s.setValue("plots/metric", o.metric)
        for key, value in (("x_axis", o.x_axis), ("log_y", o.log_y), ("show_raw", o.show_raw),
                           ("smoother", o.smoothing.method), ("group_by", o.group_by),
                           ("band", o.band), ("interval_s", o.interval_s),
                           ("follow", o.follow)):
            s.setValue(f"plots/{key}", value)
        if o.smoothing.method == "ema":
            s.setValue("plots/ema_weight", o.smoothing.amount)
        elif o.smoothing.method == "window":
            s.setValue("plots/window", o.smoothing.amount)

    def _restore(self) -> None:
        s = _store()
        _select(self.x_axis, s.value("plots/x_axis", "epoch"))
        self.log_y.setChecked(_bool(s.value("plots/log_y", False)))
        self.show_raw.setChecked(_bool(s.value("plots/show_raw", True)))
        _select(self.band, s.value("plots/band", "minmax"))
        self.interval.setValue(float(s.value("plots/interval_s", 2.0)))
        self.follow.setChecked(_bool(s.value("plots/follow", True)))
        _select(self.smoother, s.value("plots/smoother", "none"))
        self._smoother_changed()


def _combo(parent: QWidget, items: dict[str, str], tip: str) -> QComboBox:
    box = QComboBox(parent, toolTip=tip)
    for key, text in items.items():
        box.addItem(text, key)
    return box


def _select(box: QComboBox, key: object) -> None:
    index = box.findData(str(key))
    if index >= 0:
        box.setCurrentIndex(index)


def _bool(value: object) -> bool:
    return value in (True, "true", "1", 1)


def _store():
    return loupe_settings.settings()
