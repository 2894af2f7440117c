#!/bin/sh
# Build Loupe's one-folder desktop bundle into dist/loupe/ with PyInstaller: one command,
#     sh packaging/build.sh
# It uses ./.venv (or $PYTHON), installs PyInstaller there if missing, and installs Loupe itself
# without dependencies so the bundle carries Loupe's version. The same spec builds on macOS and
# Windows (run it there with that platform's Python); only Linux was built and tested here.
set -eu
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
[ -x "$PY" ] || [ -n "${PYTHON:-}" ] || { echo "build.sh: no $PY; run 'make install' first"; exit 1; }

"$PY" -c "import PyInstaller" 2>/dev/null || "$PY" -m pip install -q "pyinstaller>=6.10,<7"
"$PY" -m pip install -q --no-deps --no-build-isolation -e . 2>/dev/null \
    || "$PY" -m pip install -q --no-deps -e .
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --workpath build/pyinstaller --distpath dist packaging/loupe.spec
echo "build.sh: bundle in dist/loupe ($(du -sh dist/loupe | cut -f1)); run dist/loupe/loupe --version"
