import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from tongban.accounts.models import User
from tongban.core.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Fill an empty database with deterministic demo data for Ordos and Urumqi."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--children", type=int, default=500,
                            help="how many children's files to create, with families, categories and consents")
        parser.add_argument("--sessions", type=int, default=None,
                            help="total service sessions wanted; from 10,000 children up 10 per child by default")
        parser.add_argument("--activities", type=int, default=None,
                            help="total group activities wanted; from 10,000 children up one per 5 children by default")
        parser.add_argument("--seed", type=int, default=1, help="random seed; the same seed gives the same data")
        parser.add_argument("--if-empty", action="store_true", help="do nothing if the database already has users")

    def handle(self, *args: Any, children: int, seed: int, if_empty: bool, sessions: int | None,
               activities: int | None, **options: Any) -> None:
        if children < 0:
            raise CommandError("--children cannot be negative")
        if User.objects.exists():
            if if_empty:
                self.stdout.write("The database already has data; demo data not loaded.")
                return
            raise CommandError("The database already has data. seed_demo fills an empty database only.")
        started = time.monotonic()
        report = seed_demo(seed=seed, children=children, sessions=sessions, activities=activities)
        with connection.cursor() as cursor:
            # Fresh statistics after a bulk load, so the query planner picks the right indexes; on PostgreSQL
            # VACUUM too, which marks the new pages all-visible so that covering indexes answer lists alone.
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        self.stdout.write(
            f"Demo data (seed {seed}): {report.regions} regions, {report.organisations} organisations, "
            f"{report.projects} projects, {report.teams} teams, {report.sites} sites, {report.users} users."
        )
        self.stdout.write(f"Demo accounts, all with the password {DEMO_PASSWORD!r}:")
        for username, role in report.accounts:
            self.stdout.write(f"  {username:<18} {role}")
        self.stdout.write(
            f"Children's files: {report.children} children, {report.family_members} family members, "
            f"{report.consents} guardians' consents."
        )
        self.stdout.write(f"Case work: {report.cases} cases in every stage, {report.sessions} service sessions.")
        self.stdout.write(
            f"Community work: {report.volunteers} volunteers, {report.pairings} pairings with {report.visits} "
            f"visits, {report.activities} activities with {report.attendance} invitations, {report.donors} donors, "
            f"{report.donations} donations worth {report.donated_yuan} yuan, {report.allocations} allocations."
        )
        if report.categories:
            self.stdout.write("Children by category:")
            for name, count in report.categories.items():
                self.stdout.write(f"  {count:>7}  {name}")
        self.stdout.write(f"Seeded in {time.monotonic() - started:.0f} s.")
