from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.audit.services import audit_record
from tongban.core.backup import BackupError, restore
from tongban.core.management.commands._passphrase import ENV, read_passphrase


class Command(BaseCommand):
    help = ("Restore a backup written by `backup` into a new database: migrate it first, then restore. A database "
            f"that already holds data is refused. The passphrase: --passphrase-file, {ENV} or a prompt.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the backup file")
        parser.add_argument("--passphrase-file", help="a file whose first line is the passphrase")
        parser.add_argument("--no-media", action="store_true", help="restore the database only, not the files")
        parser.add_argument("--checksums", action="store_true", help="print each table's rows and checksum")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        passphrase = read_passphrase(options["passphrase_file"], confirm=False)
        try:
            with open(path, "rb") as stream:
                sums = restore(stream, passphrase, media=not options["no_media"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(s.rows for s in sums.values())
        audit_record(actor=None, actor_label="manage.py restore", action="create",
                     changes={"what": "restore", "tables": len(sums), "rows": rows, "file": path.name})
        if options["checksums"]:
            for label, s in sorted(sums.items()):
                self.stdout.write(f"{label} {s.rows} {s.sha256}")
        self.stdout.write(f"Restored {len(sums)} tables, {rows} rows from {path}; every table matches the backup.")
