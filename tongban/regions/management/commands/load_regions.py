from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.regions.services import regions_load, regions_parse_csv


class Command(BaseCommand):
    help = "Load official division codes from a CSV file (code,name,level,parent_code,version). All or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--code-table", dest="code_version", default="",
                            help="Code-table version for rows that do not name one, e.g. NBS-2023.")

    def handle(self, *args: Any, file: Path, code_version: str, **options: Any) -> None:
        if not file.exists():
            raise CommandError(f"No such file: {file}")
        try:
            with file.open(encoding="utf-8-sig", newline="") as stream:
                rows = regions_parse_csv(stream)
            result = regions_load(rows=rows, default_version=code_version)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from None
        self.stdout.write(f"Regions: {result.created} created, {result.updated} updated.")
