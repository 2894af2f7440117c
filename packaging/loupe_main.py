"""Entry point of the PyInstaller bundle: the same ``loupe`` command as the console script."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen child process must not start a second Loupe
    from gui.cli import main

    sys.exit(main())
