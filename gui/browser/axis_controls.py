"""Choose the axes a view shows and the index of every other axis of an N-D dataset."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget


class AxisControls(QWidget):
    """``Rows [axis 1 (200)] Columns [axis 2 (300)] axis 0 [5] / 10``; hidden when not needed."""

    changed = Signal()

    def __init__(self, names: tuple[str, ...] = ("Rows", "Columns"),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._names = names
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._combos: list[QComboBox] = []
        self._spins: dict[int, QSpinBox] = {}
        self.shape: tuple[int, ...] = ()

    def configure(self, shape: tuple[int, ...], n_display: int | None = None) -> None:
        """Show controls for ``shape``; the last ``n_display`` axes are shown by default."""
        n_display = len(self._names) if n_display is None else n_display
        self.shape = tuple(shape)
        while self._layout.count():
            widget = self._layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self._combos, self._spins = [], {}
        n_display = min(n_display, len(shape))
        defaults = list(range(len(shape) - n_display, len(shape)))
        for name, axis in zip(self._names[:n_display], defaults, strict=False):
            combo = QComboBox(self)
            for i, n in enumerate(shape):
                combo.addItem(f"axis {i} ({n})", i)
            combo.setCurrentIndex(axis)
            combo.currentIndexChanged.connect(self._axes_changed)
            self._layout.addWidget(QLabel(name, self))
            self._layout.addWidget(combo)
            self._combos.append(combo)
        self._rebuild_spins()
        self.setVisible(len(shape) > n_display or (len(shape) > 1 and n_display > 0))

    def _rebuild_spins(self) -> None:
        for i in reversed(range(self._layout.count())):
            widget = self._layout.itemAt(i).widget()
            if widget is not None and widget.property("axisIndex") is not None:
                self._layout.takeAt(i)
                widget.deleteLater()
        self._spins = {}
        shown = set(self.display_axes())
        for axis, n in enumerate(self.shape):
            if axis in shown:
                continue
            label = QLabel(f"axis {axis}", self)
            label.setProperty("axisIndex", axis)
            spin = QSpinBox(self)
            spin.setProperty("axisIndex", axis)
            spin.setRange(0, max(n - 1, 0))
            spin.setSuffix(f" / {n}")
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(self.changed)
            self._layout.addWidget(label)
            self._layout.addWidget(spin)
            self._spins[axis] = spin

    def _axes_changed(self) -> None:
        axes = self.display_axes()
        if len(set(axes)) != len(axes):  # the same axis twice: swap the other combo back
            sender = self.sender()
            for combo in self._combos:
                if combo is not sender and combo.currentData() == sender.currentData():
                    free = next(i for i in range(len(self.shape)) if i not in axes)
                    combo.blockSignals(True)
                    combo.setCurrentIndex(free)
                    combo.blockSignals(False)
        self._rebuild_spins()
        self.changed.emit()

    def display_axes(self) -> list[int]:
        if not self._combos:
            return list(range(len(self.shape)))[-len(self._names):] if self.shape else []
        return [int(c.currentData()) for c in self._combos]

    def fixed(self) -> list[int]:
        """An index for every axis (the display axes' entries are 0 and unused)."""
        return [self._spins[a].value() if a in self._spins else 0 for a in range(len(self.shape))]

    def set_index(self, axis: int, value: int) -> None:
        if axis in self._spins:
            self._spins[axis].setValue(value)

    def selection(self) -> tuple:
        shown = set(self.display_axes())
        return tuple(slice(None) if a in shown else i for a, i in enumerate(self.fixed()))
