"""Encrypted backups of the whole database (and the uploaded files), and their restore into an empty database.

The file: a header (format, scrypt parameters, salt, nonce prefix), then the payload in chunks of up to 1 MiB, each
sealed with AES-256-GCM under a key derived from the passphrase by scrypt. A chunk's nonce holds its number and
whether it is the last one, and every chunk authenticates the header: a changed, reordered, cut or extended file
is refused as damaged, as is a wrong passphrase. The payload is zlib-compressed JSON lines: for each table its
columns, its rows in primary-key order and its row count and SHA-256 checksum; then each uploaded file. The
restore checks every table's count and checksum once the rows are in.

Field-encrypted columns (ID numbers, phones) stay encrypted inside the backup: restoring needs the same
FIELD_ENCRYPTION_KEYS (and BLIND_INDEX_KEY for search) as the database it came from.
"""

import base64
import hashlib
import json
import os
import shutil
import struct
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.duration import duration_string

from tongban.reports import case_areas, child_days, session_days

MAGIC = b"TONGBAN-BACKUP\x00\x01"
CHUNK = 1 << 20
SCRYPT_N, SCRYPT_R, SCRYPT_P = 1 << 15, 8, 1
# Never backed up: sessions would sign people back in on the restored system; the statistics' summaries (service
# sessions, children's files, the cases' areas) are counted afresh from the restored records.
SKIPPED = {"sessions.session", "reports.sessionday", "reports.childday", "reports.childbirthmonth",
           "reports.childcategoryday", "reports.casearea"}
# Filled by the migrations themselves (reference data, content types, permissions): a freshly migrated database
# has rows here and still counts as empty; the backup's rows replace them.
SEEDED_BY_MIGRATIONS = {
    "contenttypes.contenttype", "auth.permission", "children.difficultycategory", "activities.activitytype",
    "activities.brandline",
}


class BackupError(Exception):
    """A backup that cannot be written or restored, with a message for the person at the console."""


# Tables and their checksums ----------------------------------------------------------------------------------

def backed_up_models() -> list[type[models.Model]]:
    found = [m for m in apps.get_models(include_auto_created=True)
             if m._meta.managed and not m._meta.proxy and m._meta.label_lower not in SKIPPED]
    return sorted(found, key=lambda m: m._meta.db_table)


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields]


def _encode(value: Any) -> Any:
    """A value as JSON, without losing precision (Django's own encoder cuts microseconds)."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return duration_string(value)
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _row_json(values: Iterable[Any]) -> str:
    return json.dumps([_encode(v) for v in values], ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _rows(model: type[models.Model]) -> Iterator[tuple[Any, ...]]:
    names = [f.attname for f in _columns(model)]
    yield from model._base_manager.order_by("pk").values_list(*names).iterator(chunk_size=2000)


@dataclass(frozen=True)
class TableSum:
    rows: int
    sha256: str


def table_checksums() -> dict[str, TableSum]:
    """Rows and a content checksum of every backed-up table, as the database holds them now."""
    sums = {}
    for model in backed_up_models():
        digest, count = hashlib.sha256(), 0
        for row in _rows(model):
            digest.update(_row_json(row).encode())
            digest.update(b"\n")
            count += 1
        sums[model._meta.label_lower] = TableSum(count, digest.hexdigest())
    return sums


# Encryption ---------------------------------------------------------------------------------------------------

def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    if not passphrase:
        raise BackupError("The passphrase is empty.")
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode())


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", number, 1 if last else 0)


class _SealedWriter:
    """Compresses and seals what is written, chunk by chunk."""

    def __init__(self, out: IO[bytes], passphrase: str) -> None:
        salt, self.prefix = os.urandom(16), os.urandom(7)
        self.header = MAGIC + struct.pack(">III", SCRYPT_N, SCRYPT_R, SCRYPT_P) + salt + self.prefix
        self.aead = AESGCM(_key(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P))
        self.out, self.number, self.pending = out, 0, b""
        self.compressor = zlib.compressobj(6)
        out.write(self.header)

    def write(self, data: bytes) -> None:
        self.pending += self.compressor.compress(data)
        while len(self.pending) > CHUNK:
            self._seal(self.pending[:CHUNK], last=False)
            self.pending = self.pending[CHUNK:]

    def close(self) -> None:
        self.pending += self.compressor.flush()
        while len(self.pending) > CHUNK:
            self._seal(self.pending[:CHUNK], last=False)
            self.pending = self.pending[CHUNK:]
        self._seal(self.pending, last=True)

    def _seal(self, plain: bytes, *, last: bool) -> None:
        sealed = self.aead.encrypt(_nonce(self.prefix, self.number, last), plain, self.header)
        self.out.write(struct.pack(">I", len(sealed)) + sealed)
        self.number += 1


def _opened(stream: IO[bytes], passphrase: str) -> Iterator[bytes]:
    """The decompressed payload of a backup, in pieces; BackupError on a wrong passphrase or a damaged file."""
    header = stream.read(len(MAGIC) + 12 + 16 + 7)
    if not header.startswith(MAGIC) or len(header) < len(MAGIC) + 35:
        raise BackupError("This is not a Tongban backup (or not of this format version).")
    n, r, p = struct.unpack(">III", header[len(MAGIC):len(MAGIC) + 12])
    if n > 1 << 20 or r > 32 or p > 16:
        raise BackupError("The backup's key parameters are out of range: the file is damaged.")
    salt, prefix = header[len(MAGIC) + 12:len(MAGIC) + 28], header[len(MAGIC) + 28:]
    aead = AESGCM(_key(passphrase, salt, n, r, p))
    decompressor, number = zlib.decompressobj(), 0
    while True:
        size_bytes = stream.read(4)
        if len(size_bytes) < 4:
            raise BackupError("The backup is cut short: its last part is missing.")
        (size,) = struct.unpack(">I", size_bytes)
        sealed = stream.read(size)
        plain, last = None, False
        for last in (False, True):
            try:
                plain = aead.decrypt(_nonce(prefix, number, last), sealed, header)
                break
            except InvalidTag:
                continue
        if plain is None:
            raise BackupError("Wrong passphrase, or the backup file is damaged.")
        number += 1
        yield decompressor.decompress(plain)
        if last:
            if stream.read(1):
                raise BackupError("The backup has data after its end: the file is damaged.")
            yield decompressor.flush()
            return


def _lines(stream: IO[bytes], passphrase: str) -> Iterator[Any]:
    rest = b""
    for piece in _opened(stream, passphrase):
        rest += piece
        *lines, rest = rest.split(b"\n")
        for line in lines:
            yield json.loads(line)
    if rest.strip():
        yield json.loads(rest)


# Backup -------------------------------------------------------------------------------------------------------

def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def backup(out: IO[bytes], passphrase: str, *, media: bool = True) -> dict[str, TableSum]:
    """Write the whole database (and MEDIA_ROOT) to `out`, sealed with the passphrase. Consistent: one
    repeatable-read snapshot on PostgreSQL, one read transaction on SQLite."""
    writer = _SealedWriter(out, passphrase)

    def line(obj: Any) -> None:
        writer.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")

    sums: dict[str, TableSum] = {}
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        applied = sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())
        line({"format": 1, "vendor": connection.vendor, "migrations": applied})
        for model in backed_up_models():
            fields = _columns(model)
            line({"table": model._meta.label_lower, "columns": [f.attname for f in fields]})
            digest, count = hashlib.sha256(), 0
            for row in _rows(model):
                text = _row_json(row)
                writer.write(text.encode() + b"\n")
                digest.update(text.encode() + b"\n")
                count += 1
            sums[model._meta.label_lower] = TableSum(count, digest.hexdigest())
            line({"end": model._meta.label_lower, "rows": count, "sha256": digest.hexdigest()})
    if media:
        root = Path(settings.MEDIA_ROOT)
        for path in _media_files():
            data = path.read_bytes()
            line({"file": str(path.relative_to(root)), "sha256": hashlib.sha256(data).hexdigest(),
                  "data": base64.b64encode(data).decode("ascii")})
    line({"done": True, "tables": len(sums)})
    writer.close()
    return sums


# Restore ------------------------------------------------------------------------------------------------------

def tables_with_rows() -> dict[str, int]:
    """Backed-up tables that hold rows beyond what the migrations put there."""
    found = {}
    for model in backed_up_models():
        label = model._meta.label_lower
        if label not in SEEDED_BY_MIGRATIONS and model._base_manager.exists():
            found[label] = model._base_manager.count()
    return found


class _NoAutoDates:
    """Rows keep their recorded times: auto_now(_add) would stamp them with the time of the restore."""

    def __enter__(self) -> None:
        self.saved = []
        for model in backed_up_models():
            for f in model._meta.concrete_fields:
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                    self.saved.append((f, f.auto_now, f.auto_now_add))
                    f.auto_now = f.auto_now_add = False

    def __exit__(self, *exc: object) -> None:
        for f, now, now_add in self.saved:
            f.auto_now, f.auto_now_add = now, now_add


def restore(stream: IO[bytes], passphrase: str, *, media: bool = True) -> dict[str, TableSum]:
    """Load a backup into this database, which must be migrated to the same state and otherwise empty."""
    occupied = tables_with_rows()
    if occupied:
        listed = ", ".join(f"{t} ({n})" for t, n in sorted(occupied.items())[:8])
        raise BackupError(f"The database is not empty ({listed}). Restore only into a new, migrated database.")
    models_by_label = {m._meta.label_lower: m for m in backed_up_models()}
    lines = _lines(stream, passphrase)
    head = next(lines, None)
    if not isinstance(head, dict) or head.get("format") != 1:
        raise BackupError("This backup's format is not known to this version of Tongban.")
    applied = sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())
    if head["migrations"] != applied:
        missing = sorted(set(head["migrations"]) - set(applied))
        extra = sorted(set(applied) - set(head["migrations"]))
        raise BackupError("The database schema differs from the backup's: run the Tongban version the backup was "
                          f"made with and `migrate` (missing here: {missing[:5]}; not in the backup: {extra[:5]}).")
    expected: dict[str, TableSum] = {}
    staged = _StagedFiles() if media else None
    with transaction.atomic(), _NoAutoDates():
        for label in SEEDED_BY_MIGRATIONS:
            if label in models_by_label:
                models_by_label[label]._base_manager.all()._raw_delete(connection.alias)
        model, fields, batch = None, [], []
        for item in lines:
            if isinstance(item, list):
                batch.append(model(**{f.attname: _decode(f, v) for f, v in zip(fields, item, strict=True)}))
                if len(batch) >= 1000:
                    model._base_manager.bulk_create(batch)
                    batch = []
            elif "table" in item:
                model = models_by_label.get(item["table"])
                if model is None:
                    raise BackupError(f"The backup holds a table this version does not know: {item['table']}.")
                by_name = {f.attname: f for f in _columns(model)}
                if set(item["columns"]) != set(by_name):
                    raise BackupError(f"The columns of {item['table']} differ from this version's.")
                fields = [by_name[c] for c in item["columns"]]
            elif "end" in item:
                if batch:
                    model._base_manager.bulk_create(batch)
                    batch = []
                expected[item["end"]] = TableSum(item["rows"], item["sha256"])
                model = None
            elif "file" in item and staged is not None:
                staged.add(item["file"], item["sha256"], base64.b64decode(item["data"]))
            elif item.get("done"):
                break
        else:
            raise BackupError("The backup ends before its last table: the file is damaged.")
        _reset_sequences()
        session_days.rebuild(connection)
        child_days.rebuild(connection)
        case_areas.rebuild(connection)
        found = table_checksums()
        wrong = [label for label, want in expected.items() if found.get(label) != want]
        if wrong:
            raise BackupError(f"After loading, these tables differ from the backup: {', '.join(wrong)}. "
                              "Nothing was restored.")
    ContentType.objects.clear_cache()
    if staged is not None:
        staged.move_into_place()
    return found


def _decode(field: models.Field[Any, Any], value: Any) -> Any:
    if value is None or isinstance(field, models.JSONField):
        return value
    return field.to_python(value)


def _reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), backed_up_models())
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


class _StagedFiles:
    """Uploaded files are written beside the media folder first and moved in once the database is restored."""

    def __init__(self) -> None:
        self.root = Path(settings.MEDIA_ROOT).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=self.root))
        self.names: list[str] = []

    def add(self, name: str, sha256: str, data: bytes) -> None:
        if hashlib.sha256(data).hexdigest() != sha256:
            raise BackupError(f"The uploaded file {name} in the backup is damaged.")
        target = (self.root / name).resolve()
        if self.root not in target.parents:
            raise BackupError(f"The backup names a file outside the media folder: {name}.")
        if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() != sha256:
            raise BackupError(f"{target} exists with other content: restore into an empty media folder.")
        staged = self.staging / name
        staged.parent.mkdir(parents=True, exist_ok=True)
        staged.write_bytes(data)
        staged.chmod(0o600)
        self.names.append(name)

    def move_into_place(self) -> None:
        for name in self.names:
            target = self.root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.staging / name, target)
        shutil.rmtree(self.staging, ignore_errors=True)
