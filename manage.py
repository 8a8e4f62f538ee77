#!/usr/bin/env python
import os
import sys
from pathlib import Path


def _load_local_env() -> None:
    """On a machine set up by `make setup`, commands find its generated keys without sourcing var/local.env.

    Variables already in the environment win, so deployments configure everything as before.
    """
    local = Path(__file__).resolve().parent / "var" / "local.env"
    if not local.exists():
        return
    for line in local.read_text(encoding="utf-8").splitlines():
        name, sep, value = line.partition("=")
        if sep and not name.startswith("#"):
            os.environ.setdefault(name.strip(), value.strip())


if __name__ == "__main__":
    _load_local_env()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
