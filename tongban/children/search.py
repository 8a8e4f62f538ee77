"""Search keys for Chinese names: full pinyin and initials, computed once when the name is saved."""

from functools import lru_cache

from django.db.models import Q
from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT

# Separators people type inside minority names (祖拜旦·麦麦提吐尔什): all become the official "·".
NAME_DOTS = str.maketrans({"•": "·", "・": "·", "．": "·", "‧": "·", "∙": "·", ".": "·", "-": "·", "－": "·"})


def normalise_name(raw: str) -> str:
    name = "".join(str(raw).split()).translate(NAME_DOTS)
    return name.strip("·")


def _lower_letters(text: str) -> list[str]:
    return list(text.lower())


@lru_cache(maxsize=20_000)
def _char_pinyin(char: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(char, style=Style.NORMAL, errors=_lower_letters))


def _has_phrase(text: str) -> bool:
    return any(text[i:j] in PHRASES_DICT for i in range(len(text)) for j in range(i + 2, len(text) + 1))


def pinyin_keys(name: str) -> tuple[str, str]:
    """("ziqi", "zq") for 子琪; letters of non-Chinese names are kept as they are."""
    text = "".join(c for c in name if c != "·")
    # pypinyin reads a text phrase by phrase and each remaining character alone. Most names hold no phrase of
    # its dictionary: their characters, read alone once and remembered, give the same keys some 20 times
    # faster, which an import of 50,000 rows needs.
    if _has_phrase(text):
        syllables = lazy_pinyin(text, style=Style.NORMAL, errors=_lower_letters)
    else:
        syllables = [s for c in text for s in _char_pinyin(c)]
    full = "".join(syllables).lower()
    initials = "".join(s[0] for s in syllables if s).lower()
    return full, initials


SEARCH_KEYS = ["name_pinyin", "name_initials", "name_pinyin_rev", "name_initials_rev"]


def name_keys(name: str) -> dict[str, str]:
    """The search keys a child's file keeps for its name: pinyin and initials, and both read backwards, so that
    the end of a name ("zq" of 王子琪's "wzq") is a prefix too, which an index finds."""
    full, initials = pinyin_keys(name)
    return {"name_pinyin": full, "name_initials": initials,
            "name_pinyin_rev": full[::-1], "name_initials_rev": initials[::-1]}


def prefix_q(field_name: str, prefix: str) -> Q:
    """Keys beginning with `prefix` (lower-case letters), said as a range an index serves on both databases
    (PostgreSQL's LIKE uses a B-tree only under the C collation) and checked with LIKE as well."""
    q = Q(**{f"{field_name}__gte": prefix, f"{field_name}__startswith": prefix})
    stem = prefix.rstrip("z")
    if stem:  # "zq" ends before "zr", "az" before "b"; "zz" runs to the end
        q &= Q(**{f"{field_name}__lt": stem[:-1] + chr(ord(stem[-1]) + 1)})
    return q
