"""The conversion wizard: Source, Options, Preview, Run, Report.

The wizard holds what the pages share (the options, whether to resume, the report) and guards
closing: while a run is going it asks first, then stops the run cleanly (the files in flight
finish, the journal stays resumable) and closes when the worker has reported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget, QWizard, QWizardPage

from gui.wizard import common
from gui.wizard.options_page import OptionsPage
from gui.wizard.preview_page import PreviewPage
from gui.wizard.report_view import ReportView
from gui.wizard.run_page import RunPage
from gui.wizard.source_page import SourcePage

SOURCE, OPTIONS, PREVIEW, RUN, REPORT = range(5)


class ReportPage(QWizardPage):
    """Step 5: the report view of the run that just ended."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setTitle("Report")
        self.setFinalPage(True)
        self.view = ReportView(self)
        QVBoxLayout(self).addWidget(self.view)

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        report = self.wizard().report
        if report is not None:
            saved = [p for p in getattr(report, "saved_to", []) or [] if str(p).endswith(".json")]
            self.view.set_report(report, saved[0] if saved else None)
            self.setSubTitle("Saved as " + ", ".join(str(p) for p in report.saved_to)
                             if getattr(report, "saved_to", None) else "")


class ConvertWizard(QWizard):
    """Point-and-click migration of a folder of JSON results."""

    def __init__(self, parent: QWidget | None = None, folder: str | Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Convert JSON results")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.resize(1100, 760)
        self.resume = False
        self.report: Any = None
        self.source = SourcePage(self)
        self.options = OptionsPage(self)
        self.preview = PreviewPage(self)
        self.run = RunPage(self)
        self.report_page = ReportPage(self)
        for page_id, page in enumerate(
                (self.source, self.options, self.preview, self.run, self.report_page)):
            self.setPage(page_id, page)
        self.preview.setCommitPage(True)
        self.preview.setButtonText(QWizard.WizardButton.CommitButton, "Convert")
        self.source.resume_requested.connect(self.resume_unfinished)
        self.report_page.view.open_paths_requested.connect(self.open_paths)
        self.report_page.view.restore_requested.connect(self.open_restore)
        self.run.finished.connect(self._run_finished)
        if folder:
            self.source.set_folder(folder)
        self.source.recount()

    # ---- shared state -----------------------------------------------------------------------
    def option_values(self) -> dict[str, Any]:
        """Keywords for ``MigrationOptions`` from the Source and Options pages."""
        return {
            "root": self.source.folder(),
            "recursive": self.source.recursive.isChecked(),
            "include": self.source.include(),
            "exclude": self.source.exclude(),
            **self.options.values(),
        }

    def nextId(self) -> int:  # noqa: N802 - Qt API
        if self.currentId() == SOURCE and self.resume:
            return RUN
        return super().nextId()

    def resume_unfinished(self) -> None:
        """The banner's "Resume it": go straight to the Run page in resume mode."""
        self.source.validatePage()
        self.resume = True
        self.source.setCommitPage(True)  # no way Back into a resumed run
        self.next()

    def is_busy(self) -> bool:
        return self.run.is_running() or self.preview.is_busy() or self.source.is_busy()

    # ---- hand-offs to the main window -------------------------------------------------------
    def open_paths(self, paths: list[str]) -> None:
        """Open converted files in Loupe's browser (the wizard's parent is the MainWindow)."""
        host = self.parent()
        if host is not None and hasattr(host, "open_paths"):
            host.open_paths(paths)

    def open_restore(self, source: str) -> None:
        from gui.wizard.restore_dialog import RestoreDialog

        dialog = RestoreDialog(self, Path(source))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    # ---- closing ----------------------------------------------------------------------------
    def _run_finished(self, _report: Any) -> None:
        self.resume = False
        self.source.setCommitPage(False)
        if self.run.close_when_stopped:
            super().reject()

    def reject(self) -> None:
        """Cancel, Escape or the window's close button: while a run is going, stop it and ask.

        The run stops at once (the files in flight finish; nothing new starts while the question
        is up), and "Keep converting" resumes it from the journal. Before, the run went on behind
        the question, and when it ended meanwhile "Stop and close" closed only the question.
        """
        if not self.run.is_running():
            self.preview.cancel()
            super().reject()
            return
        if self.run.state == "stopping":  # Stop pressed already: close once it has stopped
            self.run.close_when_stopped = True
            self.run.resume_when_stopped = False
            return
        self.run.stop()
        if common.ask(self, "Stop the conversion?",
                      "The conversion is stopping after the files being converted now. Close "
                      "the wizard? The journal keeps the rest resumable.",
                      yes="Stop and close", no="Keep converting"):
            self._close_when_stopped()
        else:
            self.run.keep_going()

    def _close_when_stopped(self) -> None:
        if self.run.is_running():
            self.run.close_when_stopped = True
        else:  # the stopped part has reported while the question was up
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if self.run.is_running():
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)
