"""Whether Qt can open a window here, checked before Qt starts.

Without a display it can reach, Qt's xcb plugin aborts the whole process (exit 134) with a
misleading "reinstalling the application may fix this". That happens both when DISPLAY is not
set and when it names an X server that is gone: the ssh session that forwarded it was closed,
or the Xvfb it pointed to was stopped. Both get one clear line instead.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Mapping
from pathlib import Path

# Where a local X server listens (also in Linux's abstract namespace under the same name).
X11_SOCKETS = Path("/tmp/.X11-unix")
X_TCP_PORT = 6000  # display N of a remote or ssh-forwarded server listens on 6000 + N
CONNECT_TIMEOUT_S = 1.0

WHAT_TO_DO = ("run it in a desktop session, or under `xvfb-run -a loupe ...`, or save a picture "
              "headless with `loupe --screenshot OUT.png ...`")


def display_problem(environ: Mapping[str, str] | None = None,
                    sockets: Path = X11_SOCKETS) -> str | None:
    """Why no window can open here, or None when one can (as far as can be told without Qt).

    A platform chosen through QT_QPA_PLATFORM (offscreen, vnc...) is trusted, as is Wayland and
    any system but Linux. An X display is trusted only if its server accepts a connection.
    """
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux") or env.get("QT_QPA_PLATFORM"):
        return None
    if env.get("WAYLAND_DISPLAY"):
        return None
    display = env.get("DISPLAY", "")
    if not display:
        return f"no display to open the window on (DISPLAY is not set): {WHAT_TO_DO}"
    if _x_server_answers(display, sockets) is False:
        return (f"no X server answers on DISPLAY={display} (a closed ssh session or a stopped "
                f"Xvfb?): {WHAT_TO_DO}")
    return None


def _x_server_answers(display: str, sockets: Path) -> bool | None:
    """Whether the X server of ``display`` accepts a connection; None if the name is not one
    this check understands (then Qt is left to try)."""
    host, _, number = display.rpartition(":")
    try:
        n = int(number.split(".")[0])
    except ValueError:
        return None
    if host.startswith("/"):  # a socket path (XQuartz style): not checked here
        return None
    if host in ("", "unix"):
        path = str(sockets / f"X{n}")
        return _connects(socket.AF_UNIX, "\0" + path) or _connects(socket.AF_UNIX, path)
    return _connects_tcp(host, X_TCP_PORT + n)


def _connects(family: int, address: str) -> bool:
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(CONNECT_TIMEOUT_S)
        try:
            sock.connect(address)
        except OSError:
            return False
    return True


def _connects_tcp(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S).close()
    except OSError:
        return False
    return True
