"""Finding places and categories by the names ledgers use, each loaded once per ledger."""


from django.utils.translation import gettext as _

from tongban.children.models import DifficultyCategory
from tongban.children.screening.columns import (
    CATEGORY_WORDS,
    norm_header,
    place_key,
)
from tongban.children.screening.results import Bad
from tongban.regions.models import Region

_TOWNSHIP_SUFFIXES = ("街道办事处", "办事处", "街道", "苏木", "镇", "乡")


class PlaceIndex:
    """The villages and townships of the batch region, loaded in one query, found by name."""

    def __init__(self, region: Region) -> None:
        self.region = region
        rows = list(Region.objects.filter(path__startswith=region.path, level__gte=Region.Level.TOWNSHIP)
                    .values_list("pk", "name", "level", "parent_id", "code"))
        self.names = {pk: name for pk, name, _level, _parent, _code in rows}
        self.by_code = {code: pk for pk, _name, _level, _parent, code in rows}
        self.parent = {pk: parent for pk, _name, _level, parent, _code in rows}
        self.villages: dict[str, list[int]] = {}
        for pk, name, level, _parent, _code in rows:
            if level == Region.Level.VILLAGE:
                for key in {name, place_key(name)}:
                    self.villages.setdefault(key, []).append(pk)
        self.cache: dict[tuple[str, str], int | Bad] = {}

    def find(self, township: str, village: str) -> int:
        key = (township, village)
        if key not in self.cache:
            try:
                self.cache[key] = self._find(township, village)
            except Bad as exc:
                self.cache[key] = exc
        found = self.cache[key]
        if isinstance(found, Bad):
            raise found
        return found

    def _find(self, township: str, village: str) -> int:
        village = "".join(village.split())
        if not village:
            if self.region.level == Region.Level.VILLAGE:
                return self.region.pk
            raise Bad("region", _("The village or community is empty."))
        if village.isdigit() and village in self.by_code:
            return self.by_code[village]
        candidates = self.villages.get(village) or self.villages.get(place_key(village)) or []
        if not candidates:
            raise Bad("region", _("There is no village or community called “%(village)s” in %(region)s. "
                                   "Check the spelling against the official name.")
                       % {"village": village, "region": self.region.name})
        if township:
            wanted = _township_key(township)
            matching = [pk for pk in candidates if _township_key(self.names.get(self.parent[pk] or 0, "")) == wanted]
            if len(matching) == 1:
                return matching[0]
            if not matching:
                places = "、".join(sorted({self.names.get(self.parent[pk] or 0, "") for pk in candidates}))
                raise Bad("region", _("“%(village)s” is not in %(township)s; Tongban knows it in %(places)s.")
                           % {"village": village, "township": township, "places": places})
        if len(candidates) > 1:
            places = "、".join(sorted({self.names.get(self.parent[pk] or 0, "") for pk in candidates}))
            raise Bad("region", _("There are several places called “%(village)s” in %(region)s (in %(places)s). "
                                   "Fill in the township (乡镇/街道) so Tongban knows which one.")
                       % {"village": village, "region": self.region.name, "places": places})
        return candidates[0]


def _township_key(name: str) -> str:
    key = "".join(name.split())
    for suffix in _TOWNSHIP_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


class CategoryIndex:
    """Difficulty categories by the words ledgers use and by their names (local sub-types included)."""

    def __init__(self) -> None:
        categories = list(DifficultyCategory.objects.filter(active=True))
        by_code = {c.code: c for c in categories}
        self.words: dict[str, DifficultyCategory] = {}
        for word, code in CATEGORY_WORDS.items():
            if code in by_code:
                self.words[word] = by_code[code]
        for category in categories:
            self.words[norm_header(category.name)] = category

    def find(self, word: str) -> DifficultyCategory | None:
        return self.words.get(norm_header(word))
