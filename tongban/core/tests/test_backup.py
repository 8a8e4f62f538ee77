"""Encrypted backups of the demo world restore into a new database with every table the same, row for row."""

import io
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from tongban.children.models import Child
from tongban.core import backup as backups

pytestmark = pytest.mark.django_db

PASSPHRASE = "草原上的羊群-backup-2026"


@pytest.fixture
def passphrase_file(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase"
    path.write_text(PASSPHRASE + "\n")
    return path


@pytest.fixture
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    photo = settings.MEDIA_ROOT / "activities" / "2026" / "11" / "生日会.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8\xff a birthday party")
    return photo


def sealed(passphrase: str = PASSPHRASE) -> bytes:
    out = io.BytesIO()
    backups.backup(out, passphrase)
    return out.getvalue()


def opened(data: bytes, passphrase: str = PASSPHRASE) -> list[object]:
    return list(backups._lines(io.BytesIO(data), passphrase))


# Round trip into a new database, on SQLite and on PostgreSQL


class NewDatabase:
    """A database beside the test database, migrated by `manage.py migrate` in a process of its own."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        db = connection.settings_dict
        if connection.vendor == "sqlite":
            self.url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
            self.name = ""
        else:
            self.name = f"{db['NAME']}_restore_{uuid.uuid4().hex[:8]}"
            auth = f"{db['USER']}:{db['PASSWORD']}@" if db.get("PASSWORD") else f"{db['USER']}@"
            self.url = f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{self.name}"
            self._admin(f'CREATE DATABASE "{self.name}"')
        self.env = {**os.environ, "DATABASE_URL": self.url, "TONGBAN_VAR_DIR": str(tmp_path / "restored-var")}

    def _admin(self, sql: str) -> None:
        import psycopg

        db = connection.settings_dict
        with psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                             password=db.get("PASSWORD") or None, dbname="postgres", autocommit=True) as admin:
            admin.execute(sql)

    def manage(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "django", *args], cwd=settings.BASE_DIR, env=self.env,
                              capture_output=True, text=True, timeout=300)

    def drop(self) -> None:
        if self.name:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def new_database(tmp_path):  # type: ignore[no-untyped-def]
    db = NewDatabase(tmp_path)
    yield db
    db.drop()


def test_the_demo_world_restores_into_a_new_database_table_by_table(tmp_path, passphrase_file, media, new_database):
    before = backups.table_checksums()
    out = tmp_path / "tongban.backup"

    call_command("backup", out=str(out), passphrase_file=str(passphrase_file), stdout=io.StringIO())
    migrated = new_database.manage("migrate", "-v0")
    restored = new_database.manage("restore", str(out), "--passphrase-file", str(passphrase_file), "--checksums")

    assert migrated.returncode == 0, migrated.stderr
    assert restored.returncode == 0, restored.stderr
    after = {label: backups.TableSum(int(rows), sha) for label, rows, sha in
             (line.split() for line in restored.stdout.splitlines() if line.count(" ") == 2)}
    assert set(after) == set(before)
    differing = [label for label in before if after[label] != before[label]]
    assert differing == []
    assert before["children.child"].rows == Child.objects.count() > 100
    restored_photo = tmp_path / "restored-var" / "media" / media.relative_to(settings.MEDIA_ROOT)
    assert restored_photo.read_bytes() == media.read_bytes()


# Refusals


def test_restore_refuses_a_database_that_holds_data(tmp_path, passphrase_file, media):
    out = tmp_path / "tongban.backup"
    call_command("backup", out=str(out), passphrase_file=str(passphrase_file), stdout=io.StringIO())
    children = Child.objects.count()

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(out), passphrase_file=str(passphrase_file))
    assert Child.objects.count() == children


def test_backup_refuses_to_overwrite_a_file(tmp_path, passphrase_file):
    out = tmp_path / "tongban.backup"
    out.write_bytes(b"yesterday's backup")

    with pytest.raises(CommandError, match="exists"):
        call_command("backup", out=str(out), passphrase_file=str(passphrase_file))
    assert out.read_bytes() == b"yesterday's backup"


def test_backup_asks_for_a_passphrase_of_twelve_characters_or_more(tmp_path):
    short = tmp_path / "short"
    short.write_text("tongban")

    with pytest.raises(CommandError, match="at least 12"):
        call_command("backup", out=str(tmp_path / "b"), passphrase_file=str(short))
    assert not (tmp_path / "b").exists()


def test_the_passphrase_can_come_from_the_environment(tmp_path, monkeypatch, media):
    monkeypatch.setenv("TONGBAN_BACKUP_PASSPHRASE", PASSPHRASE)

    call_command("backup", out=str(tmp_path / "b"), stdout=io.StringIO())

    assert opened((tmp_path / "b").read_bytes())[-1] == {"done": True, "tables": len(backups.backed_up_models())}


# What the file gives away, and what happens to a damaged one


def test_a_backup_shows_nothing_without_the_passphrase(media):
    data = sealed()
    name = Child.objects.order_by("pk").first().name

    assert name.encode() not in data and "鄂尔多斯".encode() not in data
    assert os.stat(media).st_size and b"birthday" not in data


def test_a_wrong_passphrase_is_refused(media):
    with pytest.raises(backups.BackupError, match="Wrong passphrase"):
        opened(sealed(), "another passphrase")


@pytest.mark.parametrize("damage", ["flip a byte", "cut the end", "add a byte", "change the header"])
def test_a_damaged_backup_is_refused(media, damage):
    data = bytearray(sealed())
    if damage == "flip a byte":
        data[len(data) // 2] ^= 1
    elif damage == "cut the end":
        data = data[:-100]
    elif damage == "add a byte":
        data += b"\x00"
    else:
        data[20] ^= 1

    with pytest.raises(backups.BackupError):
        opened(bytes(data))
