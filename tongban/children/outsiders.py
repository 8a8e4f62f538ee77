"""What leaves Tongban "for outsiders" (对外): the funder's files, publications, reports.

A child appears under the pseudonym, never the real name; ID numbers keep only the address code of first
registration (150621************), phones only the first three digits; addresses stop at the county (banner,
district), so no township, village, street or school is named. Free text written by workers (reasons, needs,
summaries) may name the child or the family: those names are replaced by the pseudonym or the relation.
The law behind it: PIPL treats a child's information as sensitive (see DOMAIN.md, "Rules that come from law").
"""

import re
from collections.abc import Iterable
from typing import Any

from tongban.regions.models import Region

ID_STARS = "*" * 12


def outsider_id(masked: str) -> str:
    """150621************ from 150621********0021: not even the last digits people search by."""
    return f"{masked[:6]}{ID_STARS}" if len(masked) == 18 else ("*" * len(masked))


def outsider_phone(masked: str) -> str:
    return f"{masked[:3]}{'*' * max(len(masked) - 3, 0)}" if masked else ""


def county_of(region: Region | None) -> Region | None:
    """The county (banner, district) a region lies in; the region itself at county level or above.

    Walks loaded parents: callers select_related the region's parents so this costs no query.
    """
    while region is not None and region.level > Region.Level.COUNTY:
        region = region.parent
    return region


def county_label(region: Region | None) -> str:
    """"鄂尔多斯市 达拉特旗": the county with its city, never the township or village."""
    county = county_of(region)
    if county is None:
        return ""
    city = county.parent if county.level == Region.Level.COUNTY else None
    return f"{city.name} {county.name}" if city is not None else county.name


class Scrubber:
    """Replaces the names of a child and their family in free text.

    The full name first, then its given name (王子琪 → 子琪) and, for minority names, each part around the "·",
    so "子琪今天很开心" reads "小琪今天很开心" for outsiders. Family members become their relation (祖母).
    """

    def __init__(self, *, name: str, pseudonym: str, family: Iterable[tuple[str, str]] = ()) -> None:
        pairs: list[tuple[str, str]] = []
        for full, label in [(name, pseudonym), *family]:
            full = (full or "").strip()
            if not full:
                continue
            pairs.append((full, label))
            parts = [p for p in re.split(r"[·•・.]", full) if p] if "·" in full or "•" in full else []
            pairs += [(p, label) for p in parts if len(p) >= 2]
            # Han names: the surname is one character (two for a few compound surnames we cannot tell apart);
            # people call a child by the given name.
            if not parts and len(full) >= 3:
                pairs.append((full[1:], label))
        # Longest first, so 王子琪 is replaced before 子琪.
        pairs.sort(key=lambda p: len(p[0]), reverse=True)
        self._pairs = [(n, label) for n, label in pairs if n != label]
        self._pattern = re.compile("|".join(re.escape(n) for n, _label in self._pairs)) if self._pairs else None
        self._labels = dict(self._pairs)

    def __call__(self, text: Any) -> str:
        text = "" if text is None else str(text)
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(lambda m: self._labels[m.group(0)], text)

    @property
    def names(self) -> list[str]:
        """Every name it replaces, for tests and checks."""
        return [n for n, _label in self._pairs]
