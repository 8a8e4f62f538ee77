"""Where the backup passphrase comes from: a file, the environment, or a prompt — never the command line."""

import getpass
import os
from pathlib import Path

from django.core.management import CommandError

ENV = "TONGBAN_BACKUP_PASSPHRASE"
MIN_LENGTH = 12


def read_passphrase(passphrase_file: str | None, *, confirm: bool) -> str:
    if passphrase_file:
        passphrase = Path(passphrase_file).read_text().rstrip("\r\n")
    elif os.environ.get(ENV):
        passphrase = os.environ[ENV]
    else:
        try:
            passphrase = getpass.getpass("Backup passphrase: ")
            if confirm and getpass.getpass("Again: ") != passphrase:
                raise CommandError("The two passphrases differ.")
        except EOFError:
            raise CommandError(f"No passphrase: give --passphrase-file, set {ENV} or run at a terminal.") from None
    if confirm and len(passphrase) < MIN_LENGTH:
        raise CommandError(f"Use a passphrase of at least {MIN_LENGTH} characters.")
    return passphrase
