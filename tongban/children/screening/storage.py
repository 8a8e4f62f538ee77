"""Where a screening batch keeps its files: the uploaded ledger, the preview's reading of it, the progress.

Everything lives under MEDIA_ROOT/screening, which no URL serves, encrypted with the field keys: a
ledger holds the ID numbers and phones of thousands of children.
"""

import base64
import hashlib
import json
import uuid
import zlib
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tongban.children import rules
from tongban.children.models import ScreeningBatch
from tongban.children.screening.results import Check, ParsedRow, Problem
from tongban.core import crypto


def stored_path(batch: ScreeningBatch) -> Path:
    return Path(settings.MEDIA_ROOT) / batch.stored_file


def stored_bytes(batch: ScreeningBatch) -> bytes:
    return _open_sealed(stored_path(batch).read_text())


def store(data: bytes) -> str:
    """Uploads are kept encrypted (a ledger holds thousands of ID numbers), outside anything served by URL."""
    folder = Path(settings.MEDIA_ROOT) / "screening"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"screening/{uuid.uuid4().hex}.xlsx.enc"
    path = Path(settings.MEDIA_ROOT) / name
    path.write_text(_seal(data))
    path.chmod(0o600)
    return name


def _seal(data: bytes) -> str:
    """Bytes encrypted with the field keys (so key rotation covers them too)."""
    return crypto.encrypt(base64.b64encode(zlib.compress(data, 1)).decode("ascii"))


def _open_sealed(token: str) -> bytes:
    return zlib.decompress(base64.b64decode(crypto.decrypt(token.strip())))


# The preview's reading of the file is kept, encrypted, next to the upload, so the worker does not read
# and check every row a second time: for a large ledger that is half of the import's time. The worker
# uses it only for the same file, mapping and day, and still checks again the files on record.
CHECKED_FORMAT = 1


def checked_path(batch: ScreeningBatch) -> Path:
    return stored_path(batch).with_suffix(".checked")


def _fingerprint(batch: ScreeningBatch, data: bytes, today: date) -> str:
    mapping_text = json.dumps([batch.mapping, batch.project_id, batch.region_id, today.isoformat(), CHECKED_FORMAT],
                              sort_keys=True)
    return hashlib.sha256(data + mapping_text.encode()).hexdigest()


def save_checked(batch: ScreeningBatch, data: bytes, check: Check) -> None:
    rows = [[r.row, r.child, r.family, r.recorded, r.claimed, r.id_number, r.phone,
             [[f.rule, f.reason] for f in r.findings]] for r in check.rows]
    content = {"fingerprint": _fingerprint(batch, data, check.today), "labels": check.labels,
               "rows_total": check.rows_total, "rows": rows, "problems": [p.as_dict() for p in check.problems]}
    path = checked_path(batch)
    path.write_text(_seal(json.dumps(content, ensure_ascii=False, separators=(",", ":"), default=str).encode()))
    path.chmod(0o600)


def load_checked(batch: ScreeningBatch, data: bytes, today: date) -> Check | None:
    try:
        content = json.loads(_open_sealed(checked_path(batch).read_text()))
    except (OSError, ValueError, zlib.error, ImproperlyConfigured):
        return None
    if content.get("fingerprint") != _fingerprint(batch, data, today):
        return None
    check = Check(plans=[], labels=content["labels"], today=today, rows_total=content["rows_total"],
                  problems=[Problem(**p) for p in content["problems"]])
    findings: dict[tuple[str, str], rules.Finding] = {}
    for row, child, family, recorded, claimed, id_number, phone, found in content["rows"]:
        child["birth_date"] = date.fromisoformat(child["birth_date"])
        check.rows.append(ParsedRow(row, child, family, recorded, claimed, id_number, phone,
                                    [findings.setdefault((rule, reason), rules.Finding(rule, reason))
                                     for rule, reason in found]))
    return check


# Inside the import's transaction no other connection sees the batch's progress (and on SQLite none may
# write), so the progress of saving goes to a small file next to the upload, for the progress page.
def progress_path(batch: ScreeningBatch) -> Path:
    return stored_path(batch).with_suffix(".progress")


def saving(batch: ScreeningBatch, done: int, total: int) -> None:
    progress_path(batch).write_text(f"{done} {total}")


def saving_progress(batch: ScreeningBatch) -> tuple[int, int] | None:
    """Rows saved so far and rows to save, while a batch is being written."""
    try:
        done, total = progress_path(batch).read_text().split()
        return int(done), int(total)
    except (OSError, ValueError):
        return None
