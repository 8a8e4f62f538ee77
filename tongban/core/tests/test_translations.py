"""The Simplified Chinese catalog is complete, clean, and shipped compiled."""

import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LC_MESSAGES = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"\s*$')
_CONTINUATION = re.compile(r'^"(.*)"\s*$')
_PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|\{\{.*?\}\}")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def translations(self) -> dict[str, str]:
        return {k: v for k, v in self.fields.items() if k.startswith("msgstr")}

    def __str__(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text)


def parse_po(path: Path) -> list[Entry]:
    """Read the entries of a .po file: flags, msgctxt, msgid, msgid_plural, msgstr and msgstr[n].

    Strings may run over several quoted lines; obsolete (#~) entries are left out.
    """
    entries: list[Entry] = []
    current: Entry | None = None
    key: str | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            current, key = None, None
            continue
        if line.startswith("#~"):
            continue
        if current is None:
            current = Entry(line=number)
            entries.append(current)
        if line.startswith("#,"):
            current.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
        elif line.startswith("#"):
            continue
        elif match := _KEYWORD.match(line):
            key = match.group(1)
            current.fields[key] = _unescape(match.group(2))
        elif (match := _CONTINUATION.match(line)) and key is not None:
            current.fields[key] += _unescape(match.group(1))
        else:
            raise AssertionError(f"{path.name} line {number} is not valid .po syntax: {raw!r}")
    return [e for e in entries if "msgid" in e.fields]


def _messages() -> list[Entry]:
    return [e for e in parse_po(PO_FILE) if e.msgid != ""]


def _header() -> dict[str, str]:
    header = next(e for e in parse_po(PO_FILE) if e.msgid == "")
    pairs = (line.partition(":") for line in header.fields["msgstr"].splitlines() if line)
    return {k.strip(): v.strip() for k, _, v in pairs}


def test_the_po_file_parser_reads_multi_line_and_plural_entries(tmp_path):
    po = tmp_path / "sample.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n\n'
        '#, python-format\nmsgid ""\n"Line %(line)d: a "\n"long one."\nmsgstr "第 %(line)d 行：\\"长\\""\n\n'
        '#, fuzzy\nmsgid "one child"\nmsgid_plural "%(n)d children"\nmsgstr[0] ""\n\n'
        '#~ msgid "gone"\n#~ msgstr "已删除"\n',
        encoding="utf-8",
    )
    header, long_one, plural = parse_po(po)
    assert header.fields["msgstr"] == "Language: zh_Hans\n"
    assert long_one.msgid == "Line %(line)d: a long one."
    assert long_one.fields["msgstr"] == '第 %(line)d 行："长"'
    assert long_one.flags == {"python-format"}
    assert plural.fields["msgid_plural"] == "%(n)d children"
    assert plural.translations == {"msgstr[0]": ""}
    assert "fuzzy" in plural.flags


def test_the_catalog_header_declares_simplified_chinese_with_one_plural_form():
    header = _header()
    assert header["Language"] == "zh_Hans"
    assert header["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert "charset=UTF-8" in header["Content-Type"]


def test_every_entry_of_the_chinese_catalog_has_a_translation():
    untranslated = [str(e) for e in _messages() if not e.translations or not all(e.translations.values())]
    assert untranslated == [], "entries without a translation (run `make messages` and fill them in)"


def test_no_entry_of_the_chinese_catalog_is_marked_fuzzy():
    fuzzy = [str(e) for e in parse_po(PO_FILE) if "fuzzy" in e.flags]
    assert fuzzy == [], "fuzzy entries are not shipped by msgfmt: check the translation, then drop the flag"


def test_plural_entries_have_exactly_the_one_chinese_form():
    plural = [e for e in _messages() if "msgid_plural" in e.fields]
    wrong = [str(e) for e in plural if set(e.translations) != {"msgstr[0]"}]
    assert wrong == []


def test_every_translation_keeps_the_placeholders_of_its_source_string():
    wrong = []
    for entry in _messages():
        source_names = set(_PLACEHOLDER.findall(entry.msgid + entry.fields.get("msgid_plural", "")))
        for key, text in entry.translations.items():
            if set(_PLACEHOLDER.findall(text)) != source_names:
                wrong.append(f"{entry} [{key}] {text!r}")
    assert wrong == []


def test_the_shipped_mo_file_holds_the_same_messages_as_the_po_file(tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (GNU gettext) is not installed, so the .po cannot be compiled for comparison")
    assert MO_FILE.exists(), "locale/zh_Hans/LC_MESSAGES/django.mo is missing: run `make messages`"
    fresh = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check-format", "-o", str(fresh), str(PO_FILE)], check=True)
    with MO_FILE.open("rb") as shipped_file, fresh.open("rb") as fresh_file:
        shipped = gettext.GNUTranslations(shipped_file)
        expected = gettext.GNUTranslations(fresh_file)
    # The header ("") carries dates that change on every makemessages run; compare the messages.
    shipped_messages = {k: v for k, v in shipped._catalog.items() if k != ""}  # type: ignore[attr-defined]
    expected_messages = {k: v for k, v in expected._catalog.items() if k != ""}  # type: ignore[attr-defined]
    stale = sorted(str(k) for k in shipped_messages.keys() ^ expected_messages.keys())
    stale += sorted(str(k) for k in shipped_messages.keys() & expected_messages.keys()
                    if shipped_messages[k] != expected_messages[k])
    assert stale == [], "the shipped django.mo is older than django.po: run `make messages`"
    assert shipped.info().get("plural-forms") == expected.info().get("plural-forms")


@pytest.mark.django_db
def test_the_sign_in_page_speaks_chinese_by_default(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert "登录" in page
    assert "童伴" in page
    assert "Sign in" not in page


@pytest.mark.django_db
def test_the_sign_in_page_is_english_when_the_browser_asks_for_it(client):
    response = client.get(reverse("accounts:login"), headers={"accept-language": "en"})
    page = response.content.decode()
    assert "Sign in" in page
    assert "登录" not in page
