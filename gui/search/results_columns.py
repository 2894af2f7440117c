"""Which result columns are shown: chosen from the header's context menu and remembered."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView

from gui import settings as loupe_settings
from gui.search.results_model import DEFAULT_VISIBLE, ID, RANK, ResultsModel

KEY = "search/columns"  # the visible column keys


class ColumnChooser:
    """Right-click the header to show or hide columns; the choice survives restarts."""

    def __init__(self, table: QTableView, model: ResultsModel) -> None:
        self._table, self._model = table, model
        header = table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._menu)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setToolTip("Right-click to choose columns")

    def chosen(self) -> set[str]:
        """The keys the user wants to see (the run id always)."""
        value = loupe_settings.settings().value(KEY, None)
        if value is None:
            return set(DEFAULT_VISIBLE)
        if isinstance(value, str):  # QSettings gives a lone string for a one-item list
            value = [value] if value else []
        return {str(v) for v in value} | {ID}

    def set_visible(self, key: str, visible: bool) -> None:
        chosen = self.chosen()
        if visible:
            chosen.add(key)
        else:
            chosen.discard(key)
        loupe_settings.settings().setValue(KEY, sorted(chosen))
        self.apply()

    def visible_keys(self) -> list[str]:
        keys = self._model.column_keys()
        return [k for i, k in enumerate(keys) if not self._table.isColumnHidden(i)]

    def apply(self) -> None:
        """Hide the remembered columns (called after every result reset)."""
        chosen = self.chosen()
        for col, key in enumerate(self._model.column_keys()):
            self._table.setColumnHidden(col, key not in chosen)
        header = self._table.horizontalHeader()
        for col, key in enumerate(self._model.column_keys()):
            if key == "document":
                header.resizeSection(col, 320)
            elif key == RANK:
                header.resizeSection(col, 40)
            elif key != ID:
                header.resizeSection(col, max(60, min(140, header.sectionSizeHint(col))))
            else:
                header.resizeSection(col, 200)

    def _menu(self, pos: QPoint) -> None:
        menu = QMenu(self._table)
        chosen = self.chosen()
        for key in self._model.column_keys():
            title = self._model.headerData(self._model.column_of(key), Qt.Orientation.Horizontal)
            action = menu.addAction(str(title))
            action.setCheckable(True)
            action.setChecked(key in chosen)
            action.setEnabled(key != ID)  # the run id always stays
            action.toggled.connect(lambda on, k=key: self.set_visible(k, on))
        menu.exec(self._table.horizontalHeader().mapToGlobal(pos))
