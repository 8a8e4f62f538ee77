from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.children.retention import anonymise, due_for_anonymisation, plan


class Command(BaseCommand):
    help = ("Anonymise the files of children closed, moved away or aged out with nothing done on them for more "
            "than --years years (default RETENTION_YEARS): names become pseudonyms, ID numbers, phones, addresses, "
            "family names and attachments are removed. Run with --dry-run first to see what would change.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--years", type=int, default=None, help="the retention period in years")
        parser.add_argument("--dry-run", action="store_true", help="show what would change and change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        years = options["years"] if options["years"] is not None else settings.RETENTION_YEARS
        if years < 1:
            raise CommandError("--years must be at least 1.")
        dry_run = options["dry_run"]
        count = 0
        for child in due_for_anonymisation(years):
            planned = plan(child) if dry_run else anonymise(child=child)
            self.stdout.write(("would anonymise " if dry_run else "anonymised ") + planned.summary())
            count += 1
        verb = "would be anonymised (dry run: nothing changed)" if dry_run else "anonymised"
        self.stdout.write(f"{count} files ended more than {years} years ago {verb}.")
