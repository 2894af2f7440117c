"""``loupe --install-desktop`` / ``--uninstall-desktop``: menu entry, icon and "Open with".

Installs, for the current user only, under ``$XDG_DATA_HOME`` (default ``~/.local/share``):
``applications/loupe.desktop`` (its ``Exec`` points at the Loupe that runs this, so a venv or an
unpacked bundle works without being on ``PATH``), the MIME types of ``loupe-mime.xml``, the
AppStream metainfo and the icon in the hicolor theme. A manifest records every file written
(with its SHA-256) and every folder created; uninstall removes exactly those, leaves files the
user changed since, and refreshes the desktop caches. Imports no Qt.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from gui.resources import resources_dir

DESKTOP_ID = "loupe.desktop"
ICON_NAME = "loupe-lab"
MIME_FILE = "loupe-mime.xml"
METAINFO_FILE = "io.github.loupe_lab.Loupe.metainfo.xml"
MANIFEST = Path("loupe-lab") / "desktop-install.json"
# Characters that force an Exec argument into double quotes (Desktop Entry spec, "Exec key").
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


@dataclass(frozen=True)
class Planned:
    """One file to install: its bytes and where it goes, relative to the data folder."""

    relpath: Path
    content: bytes


def data_home() -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` when it is unset or not absolute (XDG spec)."""
    env = os.environ.get("XDG_DATA_HOME", "")
    return Path(env) if env and os.path.isabs(env) else Path.home() / ".local" / "share"


def desktop_files_dir() -> Path:
    """Folder holding loupe.desktop, the MIME XML and the metainfo (wheel, bundle or source)."""
    here = Path(__file__).resolve().parent
    for candidate in (resources_dir() / "desktop", here.parent / "packaging"):
        if (candidate / DESKTOP_ID).is_file():
            return candidate
    raise FileNotFoundError(
        f"{DESKTOP_ID} not found next to Loupe's resources; reinstall Loupe (the wheel or bundle "
        "is incomplete)"
    )


def launch_command() -> list[str]:
    """The argv that starts this Loupe: the bundle, the ``loupe`` script of this environment,
    or ``python -m gui`` as the last resort."""
    if getattr(sys, "frozen", False):
        return [str(Path(sys.executable).resolve())]
    scripts = Path(sys.executable).parent
    for name in ("loupe", "loupe.exe"):
        if (scripts / name).is_file():
            return [str(scripts / name)]
    return [str(Path(sys.executable)), "-m", "gui"]


def exec_arg(arg: str) -> str:
    """Quote one argument for a desktop file's ``Exec`` key (quoting, then string escaping)."""
    arg = arg.replace("%", "%%")
    if not any(c in _RESERVED for c in arg):
        return arg
    inner = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    return '"' + inner.replace("\\", "\\\\") + '"'


def desktop_entry(template: str, command: list[str]) -> str:
    """The packaged desktop entry with ``Exec``/``TryExec`` pointing at ``command``."""
    lines = []
    for line in template.splitlines():
        if line.startswith("Exec="):
            line = "Exec=" + " ".join(exec_arg(a) for a in command) + " %F"
            lines.append("TryExec=" + _escape(command[0]))
            if command[1:] == ["-m", "gui"]:
                # A source tree that was never installed: ``gui`` imports from its folder only.
                lines.append("Path=" + _escape(str(Path(__file__).resolve().parent.parent)))
        elif line.startswith(("TryExec=", "Path=")):
            continue
        lines.append(line)
    return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    """Desktop entry string escaping (a backslash is written twice)."""
    return value.replace("\\", "\\\\")


def plan(command: list[str] | None = None) -> list[Planned]:
    """Every file ``install`` writes, with its final content."""
    src = desktop_files_dir()
    icons = resources_dir() / "icons"
    template = (src / DESKTOP_ID).read_text(encoding="utf-8")
    entry = desktop_entry(template, command or launch_command())
    files = [
        Planned(Path("applications") / DESKTOP_ID, entry.encode("utf-8")),
        Planned(Path("mime") / "packages" / MIME_FILE, (src / MIME_FILE).read_bytes()),
        Planned(Path("metainfo") / METAINFO_FILE, (src / METAINFO_FILE).read_bytes()),
        Planned(Path("icons/hicolor/scalable/apps") / f"{ICON_NAME}.svg",
                (icons / "loupe.svg").read_bytes()),
    ]
    for png in sorted((icons / "hicolor").glob(f"*/apps/{ICON_NAME}.png")):
        rel = png.relative_to(icons / "hicolor")
        files.append(Planned(Path("icons/hicolor") / rel, png.read_bytes()))
    return files


def install_files(root: Path | None = None, command: list[str] | None = None) -> list[Path]:
    """Install for this user (replacing an earlier install); return the files written."""
    root = root or data_home()
    if (root / MANIFEST).exists():
        uninstall_files(root, refresh=False)
    files = plan(command)
    root.mkdir(parents=True, exist_ok=True)  # the XDG data folder itself is not ours to remove
    created: list[str] = []
    written: dict[str, str] = {}
    for item in files:
        created += _make_parents(root, item.relpath)
        (root / item.relpath).write_bytes(item.content)
        written[item.relpath.as_posix()] = hashlib.sha256(item.content).hexdigest()
    created += _make_parents(root, MANIFEST)
    manifest = {"version": 1, "files": written, "created_dirs": created,
                "command": command or launch_command()}
    (root / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    _refresh_caches(root)
    return [root / p for p in written]


def uninstall_files(
    root: Path | None = None, refresh: bool = True
) -> tuple[list[Path], list[Path]]:
    """Remove what the manifest lists; return (removed, kept because the user changed them)."""
    root = root or data_home()
    manifest_path = root / MANIFEST
    if not manifest_path.exists():
        return [], []
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    removed, kept = [], []
    for rel, digest in manifest.get("files", {}).items():
        path = root / rel
        if not path.exists():
            continue
        if hashlib.sha256(path.read_bytes()).hexdigest() == digest:
            path.unlink()
            removed.append(path)
        else:
            kept.append(path)
    manifest_path.unlink()
    created = set(manifest.get("created_dirs", []))
    _drop_generated_caches(root, created)
    for rel in sorted(created, key=lambda p: p.count("/"), reverse=True):
        _rmdir_if_empty(root / rel)
    if refresh:
        _refresh_caches(root)
    return removed, kept


def main(install: bool) -> int:
    """Entry point used by ``loupe --install-desktop`` and ``--uninstall-desktop``."""
    if sys.platform in ("win32", "darwin"):
        print("loupe: desktop integration is for Linux desktops (freedesktop.org); on this system "
              "pin the Loupe bundle to the start menu or dock instead", file=sys.stderr)
        return 2
    root = data_home()
    try:
        if install:
            written = install_files(root)
            print(f"loupe: installed {len(written)} files under {root} "
                  f"(menu entry {root / 'applications' / DESKTOP_ID}); "
                  "undo with: loupe --uninstall-desktop")
            return 0
        removed, kept = uninstall_files(root)
    except OSError as exc:
        print(f"loupe: desktop integration failed: {exc}", file=sys.stderr)
        return 1
    if not removed and not kept:
        print(f"loupe: nothing to remove (no install record in {root / MANIFEST})")
    else:
        print(f"loupe: removed {len(removed)} files from {root}")
    for path in kept:
        print(f"loupe: kept {path}: it changed since it was installed", file=sys.stderr)
    return 0


def _make_parents(root: Path, relpath: Path) -> list[str]:
    """Create the missing parent folders of ``root/relpath``; return those created."""
    missing = []
    parent = relpath.parent
    while parent != Path(".") and not (root / parent).exists():
        missing.append(parent)
        parent = parent.parent
    for folder in reversed(missing):
        (root / folder).mkdir()
    return [folder.as_posix() for folder in missing]


def _rmdir_if_empty(path: Path) -> None:
    try:
        path.rmdir()
    except OSError:  # not empty (the user keeps files there) or already gone
        pass


def _drop_generated_caches(root: Path, created: set[str]) -> None:
    """When the install created ``mime/`` or ``applications/`` and nothing else lives there,
    the caches update-*-database generated for our files are ours to remove too."""
    packages = root / "mime" / "packages"
    if "mime" in created and (root / "mime").is_dir() and not any(packages.glob("*")):
        shutil.rmtree(root / "mime", ignore_errors=True)
    apps = root / "applications"
    if "applications" in created and apps.is_dir():
        leftovers = {p.name for p in apps.iterdir()}
        if leftovers <= {"mimeinfo.cache"}:
            shutil.rmtree(apps, ignore_errors=True)


def _refresh_caches(root: Path) -> None:
    """Run the cache tools the desktop reads, when present; a missing tool is not an error."""
    jobs = [
        ("update-mime-database", [str(root / "mime")], (root / "mime" / "packages").is_dir()),
        ("update-desktop-database", ["-q", str(root / "applications")],
         (root / "applications").is_dir()),
        ("gtk-update-icon-cache", ["-q", "-t", "-f", str(root / "icons" / "hicolor")],
         (root / "icons" / "hicolor" / "icon-theme.cache").exists()),
    ]
    for tool, args, wanted in jobs:
        exe = shutil.which(tool)
        if not (wanted and exe):
            continue
        try:
            done = subprocess.run([exe, *args], capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as exc:
            print(f"loupe: {tool} failed: {exc}", file=sys.stderr)
            continue
        if done.returncode != 0:
            print(f"loupe: {tool} failed: {done.stderr.strip()}", file=sys.stderr)
