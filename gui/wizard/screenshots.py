"""Screenshots of the wizard for the README: ``python -m gui.wizard.screenshots OUT_DIR``.

Builds a demo results folder in a temporary directory (the shared corpus's JSON files when it is
found, plus generated long histories), drives the wizard through every step and saves each page
with ``QWidget.grab()``; the run page is taken mid-way. Run it headless with
``QT_QPA_PLATFORM=offscreen``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SIZE = (1400, 900)


def corpus_folder() -> Path | None:
    """``LOUPE_CORPUS`` or ``../shared/corpus`` next to the source tree, if it exists."""
    env = os.environ.get("LOUPE_CORPUS")
    here = Path(__file__).resolve().parents[2]
    for candidate in (Path(env) if env else None, here.parent / "shared" / "corpus"):
        if candidate is not None and candidate.is_dir():
            return candidate
    return None


def make_demo_folder(root: Path, runs: int = 24, epochs: int = 20_000) -> Path:
    """A results folder: corpus JSON (good and broken) and ``runs`` long training histories."""
    import numpy as np

    corpus = corpus_folder()
    root.mkdir(parents=True)
    if corpus is not None:
        for sub, target in (("json", root), ("json_bad", root / "broken")):
            target.mkdir(exist_ok=True)
            for src in sorted((corpus / sub).glob("*.json")):
                shutil.copyfile(src, target / src.name)
    else:
        (root / "broken").mkdir()
        (root / "broken" / "truncated.json").write_text('{"loss": [0.9, 0.8,')
    (root / "runs").mkdir()
    for n in range(runs):
        rng = np.random.default_rng(n)
        curve = np.exp(-np.linspace(0, 4, epochs)) + rng.normal(0, 0.01, epochs)
        result = {"hypothesis_id": f"hyp_{n:03d}", "config": {"lr": 10.0 ** -(2 + n % 3)},
                  "history": {"loss": curve.tolist(), "accuracy": rng.random(epochs).tolist()}}
        (root / "runs" / f"hyp_{n:03d}_results.json").write_text(json.dumps(result))
    return root


def spin(app, until: Callable[[], bool], timeout_s: float = 120.0) -> None:
    """Run the event loop until ``until()`` holds (QTest.qWait would starve the workers)."""
    from PySide6.QtCore import QEventLoop, QTimer

    start = time.monotonic()
    while not until() and time.monotonic() - start < timeout_s:
        loop = QEventLoop()
        QTimer.singleShot(20, loop.quit)
        loop.exec()


def _half_done(event) -> bool:
    return event is not None and event.bytes_total > 0 and event.bytes_done * 2 >= event.bytes_total


def take(widget, out: Path) -> None:
    if not widget.grab().save(str(out)):
        raise SystemExit(f"could not write {out}")
    print(out)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0] if argv else "resources/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    from gui.app import make_app

    app = make_app()
    from gui.wizard.wizard import ConvertWizard

    with tempfile.TemporaryDirectory() as tmp:
        from PySide6.QtCore import QSettings

        # Demo choices must not become the user's remembered ones.
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tmp)
        folder = make_demo_folder(Path(tmp) / "results")
        wizard = ConvertWizard(None, str(folder))
        wizard.resize(*SIZE)
        wizard.show()
        spin(app, lambda: wizard.source.counted is not None and not wizard.source.is_busy())
        take(wizard, out / "wizard-source.png")
        wizard.next()
        options = wizard.options
        options.format_combo.setCurrentIndex(options.format_combo.findData("auto"))
        options.workers.setValue(1)  # slower, so the run can be caught mid-way
        spin(app, lambda: False, 0.2)
        take(wizard, out / "wizard-options.png")
        wizard.next()
        spin(app, lambda: wizard.preview.plan is not None)
        take(wizard, out / "wizard-preview.png")
        wizard.next()
        spin(app, lambda: _half_done(wizard.run.last_event) or not wizard.run.is_running())
        take(wizard, out / "wizard-run.png")
        spin(app, lambda: not wizard.run.is_running(), 300)
        wizard.next()
        view = wizard.report_page.view
        view.set_status_filter(None)
        failed = view.report.totals()["failed"]
        view.table.selectRow(failed)  # the first converted file: its target and backup
        spin(app, lambda: False, 0.2)
        take(wizard, out / "wizard-report.png")
        wizard.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
