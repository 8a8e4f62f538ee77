from typing import Any

from django.core.management.base import BaseCommand

from tongban.children.services import children_age_out


class Command(BaseCommand):
    help = "Mark children who turned 18 as aged out (orphans still at school stay). Run daily, e.g. from cron."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = children_age_out()
        self.stdout.write(f"{changed} children aged out.")
