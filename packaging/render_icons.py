"""Render ``resources/icons/loupe.svg`` into the PNG sizes of the hicolor icon theme.

Run it after changing the SVG and commit the PNGs (desktops that cannot draw SVG icons, and the
Windows/macOS bundle icons, use them)::

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/render_icons.py
"""

from __future__ import annotations

import sys
from pathlib import Path

SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICON_NAME = "loupe-lab"  # the Icon= of loupe.desktop; "loupe" alone clashes with GNOME's viewer
REPO = Path(__file__).resolve().parent.parent


def render(svg: Path, out_root: Path, sizes: tuple[int, ...] = SIZES) -> list[Path]:
    """Write ``out_root/NxN/apps/ICON_NAME.png`` for each size; return the paths."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"render_icons: cannot read {svg}")
    written = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = out_root / f"{size}x{size}" / "apps" / f"{ICON_NAME}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target)):
            raise SystemExit(f"render_icons: cannot write {target}")
        written.append(target)
    return written


if __name__ == "__main__":
    icons = REPO / "resources" / "icons"
    out = render(icons / "loupe.svg", icons / "hicolor")
    print("\n".join(str(p.relative_to(REPO)) for p in out))
