#!/bin/sh
# Install everything Loupe needs into ./.venv: the Debian libraries Qt loads (as root; otherwise
# print the apt-get line), then the Python packages. Idempotent: a second run is quick.
set -eu
cd "$(dirname "$0")/.."

QT_DEBS="libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6 libdbus-1-3 \
libglib2.0-0 libx11-6 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 \
libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xinerama0 \
libxcb-xkb1 libxrender1 libxi6 xvfb xauth"

missing=""
for pkg in $QT_DEBS; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" = "0" ]; then
        echo "loupe: installing Debian packages for Qt:$missing"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
    else
        echo "loupe: Qt needs these Debian packages. Run:"
        echo "    sudo apt-get install -y$missing"
        echo "then run this command again."
        exit 1
    fi
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv || { echo "loupe: python3 -m venv failed; on Debian run: sudo apt-get install -y python3-venv"; exit 1; }
fi
stamp=.venv/.loupe-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    # torch is pinned here, not in pyproject: the CPU build of 2.13.0 is what this pin picks up
    # locally; an unpinned torch (pulled in by sentence-transformers) downloads a CUDA build.
    .venv/bin/python -m pip install -q "torch==2.13.0" -e ".[test,model,remote,tensorboard,mlflow]"
    touch "$stamp"
fi

# The servers the remote tests start (HSDS, an S3 endpoint) live in their own venv: hsds pins
# aiohttp below what chromadb's kubernetes client needs, so they cannot share .venv.
SERVERS="hsds==1.0.2 moto[server]>=5.1,<6"
sstamp=.venv-servers/.loupe-installed
if [ ! -f "$sstamp" ] || [ "$(cat "$sstamp")" != "$SERVERS" ]; then
    [ -x .venv-servers/bin/python ] || "$PY" -m venv .venv-servers
    set -f  # one argument per requirement, and no globbing of "moto[server]"
    # shellcheck disable=SC2086
    .venv-servers/bin/python -m pip install -q $SERVERS
    set +f
    echo "$SERVERS" > "$sstamp"
fi

# The newcomer's next question: where did `loupe` go? (It is in the venv, not on PATH.)
echo "loupe: installed. Run .venv/bin/loupe (e.g. .venv/bin/loupe --help), or first: . .venv/bin/activate"
