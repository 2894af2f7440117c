"""Step 4: the conversion itself, in a worker, with progress, a live log and a clean stop.

``run_migration`` runs in a worker thread and calls ``progress`` there; the worker forwards each
event through a Qt signal, so every widget update happens on the GUI thread. "Stop" sets the run's
cancel event: the engine finishes the files in flight, keeps its journal, and returns a report
marked ``cancelled``; the page then says how to resume (and offers to do it now).
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWizardPage,
)

from gui.messages import error_text, human_bytes, human_seconds
from gui.workers import Task, submit

LOG_LINES = 5000


class RunPage(QWizardPage):
    """Progress bar (files), bytes, time left, the current file, a log, Stop and Resume."""

    finished = Signal(object)  # the MigrationReport (cancelled or not)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setTitle("Converting")
        self.setSubTitle("Each original is backed up, converted, read back and compared.")
        self.report: Any = None
        self.last_event: Any = None
        self.state = "idle"  # running, stopping, done, cancelled, failed
        self.close_when_stopped = False
        self.resume_when_stopped = False  # "Keep converting" after Cancel paused the run
        self.status = QLabel(self)
        self.bar = QProgressBar(self)
        self.numbers = QLabel(self)
        self.current = QLabel(self)
        self.log = QPlainTextEdit(self)
        self.stop_button = QPushButton("Stop after current file", self)
        self.resume_button = QPushButton("Resume now", self)
        self._task: Task | None = None
        self._started = 0.0
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.status.setWordWrap(True)
        self.status.setStyleSheet("font-size: 14px;")
        layout.addWidget(self.status)
        self.bar.setFormat("%v of %m files")
        layout.addWidget(self.bar)
        layout.addWidget(self.numbers)
        self.current.setStyleSheet("color: #5a6b7d;")
        layout.addWidget(self.current)
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(LOG_LINES)
        self.log.setFont(QFont("monospace", 9))
        layout.addWidget(self.log, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.stop_button.setShortcut(QKeySequence("Ctrl+."))
        self.stop_button.setToolTip("Finish the files being converted, then stop (Ctrl+.)")
        self.stop_button.clicked.connect(self.stop)
        self.resume_button.clicked.connect(lambda: self.start(resume=True))
        self.resume_button.hide()
        row.addWidget(self.resume_button)
        row.addWidget(self.stop_button)
        layout.addLayout(row)

    # ---- running ----------------------------------------------------------------------------
    def initializePage(self) -> None:  # noqa: N802 - Qt API
        self.start(resume=self.wizard().resume)

    def start(self, resume: bool = False) -> None:
        """Start (or resume) the run with the wizard's options."""
        from storage import MigrationOptions, run_migration

        if self.is_running():
            return
        options = MigrationOptions(**self.wizard().option_values())
        self.report, self.state, self._started = None, "running", time.monotonic()
        self.wizard().report = None
        verb = "Resuming" if resume else "Converting"
        self.status.setText(f"{verb} the files in <b>{options.root}</b>...")
        self._log(f"{verb} {options.root} (format {options.format}, {options.workers} workers)")
        self.bar.setRange(0, 0)
        self.numbers.setText("")
        self.current.setText("")
        self.stop_button.setEnabled(True)
        self.stop_button.show()
        self.resume_button.hide()
        self.completeChanged.emit()
        self._task = submit(run_migration, options, resume=resume, wants_cancel=True,
                            on_progress=self._on_progress, on_done=self._on_done,
                            on_error=self._on_error)

    def is_running(self) -> bool:
        return self.state in ("running", "stopping")

    def stop(self, close_after: bool = False) -> None:
        """Ask the run to stop after the files in flight (and close the wizard then)."""
        self.close_when_stopped = self.close_when_stopped or close_after
        if self._task is None or not self.is_running():
            return
        self._task.cancel()
        self.state = "stopping"
        self.stop_button.setEnabled(False)
        self.status.setText("Stopping after the files being converted now...")
        self._log("Stop requested: finishing the files in flight.")

    def keep_going(self) -> None:
        """Undo a stop the user did not want: resume once the stopped part has reported."""
        self.close_when_stopped = False
        if self.state == "stopping":
            self.resume_when_stopped = True
        elif self.state == "cancelled":
            self.start(resume=True)

    def _on_progress(self, event: Any) -> None:
        self.last_event = event
        if event.files_total:
            self.bar.setRange(0, event.files_total)
            self.bar.setValue(event.files_done)
        left = human_seconds(event.eta_s) if event.eta_s is not None else "estimating"
        self.numbers.setText(
            f"{event.files_done} of {event.files_total} files  \u00b7  "
            f"{human_bytes(event.bytes_done)} of {human_bytes(event.bytes_total)}  \u00b7  "
            f"{human_seconds(event.elapsed_s)} elapsed, {left} left")
        if event.current is not None:
            self.current.setText(f"Current file: {event.current}")
        for line in event.finished:  # every file, each failure with its reason
            self._log(line)

    def _on_done(self, report: Any) -> None:
        self._task = None
        self.report = report
        self.wizard().report = report
        totals = report.totals()
        self.stop_button.hide()
        self.current.setText("")
        self.bar.setRange(0, max(1, len(report.items)))
        self.bar.setValue(len(report.items) - totals.get("pending", 0))
        if report.cancelled:
            self.state = "cancelled"
            self.status.setText(stopped_text(report, totals))
            self.resume_button.setText("Resume now")
            self.resume_button.show()
        else:
            self.state = "done"
            self.status.setText(
                f"<b>Done.</b> {totals['converted']} converted, {totals['skipped']} skipped, "
                f"{totals['failed']} failed in {human_seconds(totals['seconds'])}. "
                "Press Next for the report.")
        self._log(self.status.text().replace("<b>", "").replace("</b>", ""))
        self.completeChanged.emit()
        resume = report.cancelled and self.resume_when_stopped and not self.close_when_stopped
        self.resume_when_stopped = False
        self.finished.emit(report)
        if resume:
            self.start(resume=True)

    def _on_error(self, exc: BaseException) -> None:
        self._task = None
        self.state = "failed"
        self.resume_when_stopped = False
        self.stop_button.hide()
        self.bar.setRange(0, 1)
        self.status.setText(f"<b>The conversion could not run.</b> {error_text(exc)} "
                            "No original was changed without a backup; the journal lets you "
                            "resume once the problem is fixed.")
        self.resume_button.setText("Try again")  # resumes the journal if the run made one
        self.resume_button.show()
        self._log(f"Error: {error_text(exc)}")
        self.completeChanged.emit()
        self.finished.emit(None)

    def _log(self, text: str) -> None:
        self.log.appendPlainText(f"[{time.strftime('%H:%M:%S')}] {text}")

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        return self.report is not None and not self.is_running()


def stopped_text(report: Any, totals: dict[str, Any]) -> str:
    """What a stopped run did and how to finish it."""
    done = len(report.items) - totals.get("pending", 0)
    return (f"<b>Stopped</b> after {done} of {len(report.items)} files; "
            f"{totals.get('pending', 0)} are left. Nothing is lost: the journal in the folder "
            "remembers where the run stopped. Press <b>Resume now</b>, or later open "
            "Tools &gt; Convert on this folder and choose <b>Resume it</b> "
            f"(or run <code>loupe convert \"{report.root}\" --resume</code>).")
