import csv
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext as _

from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.regions.models import Region

CSV_COLUMNS = ["code", "name", "level", "parent_code", "version"]
LEVEL_WORDS = {
    "province": Region.Level.PROVINCE,
    "city": Region.Level.CITY,
    "county": Region.Level.COUNTY,
    "township": Region.Level.TOWNSHIP,
    "village": Region.Level.VILLAGE,
}


@dataclass(frozen=True)
class RegionRow:
    line: int
    code: str
    name: str
    level: int
    parent_code: str
    version: str


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int


def regions_parse_csv(stream: IO[str]) -> list[RegionRow]:
    """Read a region file (columns: code, name, level, parent_code, version).

    Raises ValidationError listing every bad line; nothing is loaded then.
    """
    reader = csv.DictReader(stream)
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(_("The region file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)})
    rows: list[RegionRow] = []
    errors: list[str] = []
    seen: set[str] = set()
    for line, raw in enumerate(reader, start=2):
        code = (raw["code"] or "").strip()
        name = (raw["name"] or "").strip()
        level_word = (raw["level"] or "").strip().lower()
        level = LEVEL_WORDS.get(level_word)
        if level is None and level_word.isdigit() and int(level_word) in Region.Level.values:
            level = Region.Level(int(level_word))
        if not code.isdigit() or len(code) > 12:
            errors.append(_("Line %(line)d: the code %(code)r is not a division code.") % {"line": line, "code": code})
            continue
        if not name:
            errors.append(_("Line %(line)d: the region %(code)s has no name.") % {"line": line, "code": code})
            continue
        if level is None:
            errors.append(_("Line %(line)d: unknown level %(level)r (use province, city, county, township or village).")
                          % {"line": line, "level": raw["level"]})
            continue
        if code in seen:
            errors.append(_("Line %(line)d: the code %(code)s appears twice.") % {"line": line, "code": code})
            continue
        seen.add(code)
        rows.append(RegionRow(line, code, name, int(level), (raw["parent_code"] or "").strip(),
                              (raw["version"] or "").strip()))
    if errors:
        raise ValidationError(errors)
    return rows


def regions_load(*, rows: Iterable[RegionRow], actor: Any = None, default_version: str = "") -> LoadResult:
    """Create or update regions from parsed rows, all or nothing.

    Parents may be earlier in the file, later in it, or already in the database.
    Unknown parents, levels that do not descend and cycles are refused.
    """
    rows = list(rows)
    existing = {r.code: r for r in Region.objects.all()}
    # Parent codes come from this map, not from `region.parent`, which would query once per region.
    code_by_pk = {r.pk: r.code for r in existing.values()}
    by_code = {row.code: row for row in rows}
    errors: list[str] = []

    # Resolve each code's parent code and level, file first, then database.
    def parent_of(code: str) -> str:
        if code in by_code:
            return by_code[code].parent_code
        parent_id = existing[code].parent_id
        return code_by_pk[parent_id] if parent_id else ""

    def level_of(code: str) -> int:
        return by_code[code].level if code in by_code else existing[code].level

    paths: dict[str, str] = {}

    def path_of(code: str) -> str | None:
        chain: list[str] = []
        current = code
        while current:
            if current in paths:
                break
            if current in chain:
                return None
            if current not in by_code and current not in existing:
                return None
            chain.append(current)
            current = parent_of(current)
        prefix = paths[current] if current else "/"
        for c in reversed(chain):
            prefix = f"{prefix}{c}/"
            paths[c] = prefix
        return paths[code]

    for row in rows:
        if row.parent_code and row.parent_code not in by_code and row.parent_code not in existing:
            errors.append(_("Line %(line)d: the parent code %(parent)s of %(code)s is unknown.")
                          % {"line": row.line, "parent": row.parent_code, "code": row.code})
            continue
        if row.parent_code and level_of(row.parent_code) >= row.level:
            errors.append(_("Line %(line)d: %(code)s cannot lie under %(parent)s, which is not of a higher level.")
                          % {"line": row.line, "code": row.code, "parent": row.parent_code})
            continue
        if row.parent_code == row.code or path_of(row.code) is None:
            errors.append(_("Line %(line)d: the parents of %(code)s go round in a circle.")
                          % {"line": row.line, "code": row.code})
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        created: list[Region] = []
        updated: list[Region] = []
        for row in rows:
            region = existing.get(row.code)
            version = row.version or default_version
            if region is None:
                region = Region(code=row.code, name=row.name, level=row.level, version=version,
                                path=paths[row.code])
                created.append(region)
                existing[row.code] = region
            else:
                region.name, region.level, region.version = row.name, row.level, version or region.version
                updated.append(region)
        Region.objects.bulk_create(created, batch_size=1000)
        # Parents can only be linked once every row has a primary key.
        changed_paths: list[Region] = []
        for code, region in existing.items():
            parent_code = parent_of(code)
            region.parent_id = existing[parent_code].pk if parent_code else None
            new_path = path_of(code) or region.path
            if region.path != new_path or code in by_code:
                region.path = new_path
                changed_paths.append(region)
        Region.objects.bulk_update(changed_paths, ["name", "level", "version", "parent", "path"], batch_size=1000)
        audit_record(actor=actor, action=AuditEvent.Action.UPDATE, actor_label="" if actor else "load_regions",
                     changes={"regions_created": len(created), "regions_updated": len(updated)})
    return LoadResult(created=len(created), updated=len(updated))


def region_save(*, region: Region, actor: Any, changed: list[str] | None = None) -> Region:
    """Create or change one region; moving it carries its whole subtree along."""
    region.full_clean(exclude=["path"])
    with transaction.atomic():
        old_path = region.path
        is_new = region.pk is None
        region.path = region.build_path()
        region.save()
        if old_path and old_path != region.path:
            Region.objects.filter(path__startswith=old_path).exclude(pk=region.pk).update(
                path=Concat(Value(region.path), Substr("path", len(old_path) + 1, Length("path")))
            )
        audit_record(actor=actor, action=AuditEvent.Action.CREATE if is_new else AuditEvent.Action.UPDATE,
                     target=region, changes={name: getattr(region, name) for name in (changed or [])})
    return region
