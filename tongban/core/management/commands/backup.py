from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.audit.services import audit_record
from tongban.core.backup import BackupError, backup
from tongban.core.management.commands._passphrase import ENV, read_passphrase


class Command(BaseCommand):
    help = (f"Write an encrypted backup of the whole database and the uploaded files. The passphrase comes from "
            f"--passphrase-file, the {ENV} environment variable or a prompt; keep it apart from the backups.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="the backup file to write (refused if it exists)")
        parser.add_argument("--passphrase-file", help="a file whose first line is the passphrase")
        parser.add_argument("--no-media", action="store_true", help="leave the uploaded files out")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        if out.exists():
            raise CommandError(f"{out} exists: choose a new file name.")
        passphrase = read_passphrase(options["passphrase_file"], confirm=True)
        partial = out.with_name(out.name + ".partial")
        try:
            with open(partial, "xb") as stream:
                partial.chmod(0o600)
                sums = backup(stream, passphrase, media=not options["no_media"])
            partial.rename(out)
        except BackupError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(str(exc)) from exc
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        rows = sum(s.rows for s in sums.values())
        audit_record(actor=None, actor_label="manage.py backup", action="export",
                     changes={"what": "backup", "tables": len(sums), "rows": rows, "file": out.name})
        self.stdout.write(f"Backed up {len(sums)} tables, {rows} rows to {out} ({out.stat().st_size} bytes).")
