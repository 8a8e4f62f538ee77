from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from tongban.accounts.models import User
from tongban.children.screening import FileRefused, build_template
from tongban.children.screening.columns import BY_KEY, IGNORE
from tongban.children.screening.services import screening_import_now, writable_projects
from tongban.regions.models import Region


class Command(BaseCommand):
    help = ("Import a screening ledger (xlsx) for one region, as one user: every row, or nothing when any row is "
            "refused. Or write the empty template with --template.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="the ledger, an Excel workbook (.xlsx)")
        parser.add_argument("--batch-region", help="division code of the screened region, e.g. 150621")
        parser.add_argument("--user", help="username of the person importing; their access rights apply")
        parser.add_argument("--project", type=int, help="project id (needed when the user works for several)")
        parser.add_argument("--map", dest="mappings", action="append", default=[], metavar="HEADER=FIELD",
                            help="what an unknown column holds, e.g. 儿童名=name or 身高=ignore; may be repeated")
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")
        parser.add_argument("--template", metavar="OUT.xlsx", help="write the empty template to this file")

    def handle(self, *args: Any, **options: Any) -> None:
        # Messages are for Chinese social workers: speak the site's language, not the shell's.
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(**options)

    def _handle(self, *, file: str | None, batch_region: str | None, user: str | None, project: int | None,
                mappings: list[str], dry_run: bool, template: str | None, **_options: Any) -> None:
        if template:
            Path(template).write_bytes(build_template())
            self.stdout.write(f"Template written to {template}")
            return
        if not (file and batch_region and user):
            raise CommandError("Give FILE, --batch-region and --user (or --template OUT.xlsx).")
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {user!r}.")
        region = Region.objects.filter(code=batch_region).first()
        if region is None:
            raise CommandError(f"No region with the code {batch_region!r}.")
        chosen = self._mapping(mappings)
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        try:
            check, batch = screening_import_now(actor=actor, project=self._project(actor, region, project),
                                                region=region, file_name=file, data=data, chosen_headers=chosen,
                                                dry_run=dry_run)
        except FileRefused as exc:
            raise CommandError(str(exc)) from None
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)])) or "Not allowed.") from None
        for problem in check.problems:
            self.stdout.write(f"{problem.level}\trow {problem.row or '-'}\t{problem.column or '-'}\t{problem.message}")
        summary = check.summary()
        if check.blocking:
            raise CommandError(f"Refused: {summary['errors']} problem(s) in {summary['error_rows']} row(s). "
                               "Nothing was imported.")
        if batch is None:
            self.stdout.write(f"Dry run: {summary['to_create']} file(s) would be opened, {summary['skipped']} row(s) "
                              f"already on file, {summary['warnings']} flag(s). Nothing was written.")
            return
        if batch.state != batch.State.DONE:
            for problem in batch.problems:
                self.stdout.write(f"error\trow {problem.get('row') or '-'}\t{problem.get('column') or '-'}\t"
                                  f"{problem.get('message')}")
            raise CommandError("Refused: nothing was imported.")
        self.stdout.write(f"Imported screening batch {batch.pk}: {batch.created_count} file(s) opened, "
                          f"{batch.summary.get('skipped', 0)} row(s) already on file, "
                          f"{batch.summary.get('warnings', 0)} flag(s).")

    def _mapping(self, pairs: list[str]) -> dict[str, str]:
        by_header = {c.header: c.key for c in BY_KEY.values()}
        chosen = {}
        for pair in pairs:
            header, _sep, field = pair.partition("=")
            field = by_header.get(field.strip(), field.strip())
            if not header or (field not in BY_KEY and field != IGNORE):
                raise CommandError(f"--map {pair!r}: write HEADER=FIELD, FIELD one of {', '.join(BY_KEY)} or "
                                   f"{IGNORE}.")
            chosen[header.strip()] = field
        return chosen

    def _project(self, actor: User, region: Region, project_id: int | None) -> Any:
        projects = [p for p in writable_projects(actor).prefetch_related("regions")
                    if any(region.path.startswith(r.path) for r in p.regions.all())]
        if project_id is not None:
            projects = [p for p in projects if p.pk == project_id]
        if len(projects) != 1:
            raise CommandError("Give --project: the user works for several projects in this region."
                               if len(projects) > 1 else
                               "The user cannot import for a project covering this region.")
        return projects[0]
