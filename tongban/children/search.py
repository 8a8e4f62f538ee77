"""Search keys for Chinese names: full pinyin and initials, computed once when the name is saved."""

from pypinyin import Style, lazy_pinyin

# Separators people type inside minority names (祖拜旦·麦麦提吐尔什): all become the official "·".
NAME_DOTS = str.maketrans({"•": "·", "・": "·", "．": "·", "‧": "·", "∙": "·", ".": "·", "-": "·", "－": "·"})


def normalise_name(raw: str) -> str:
    name = "".join(str(raw).split()).translate(NAME_DOTS)
    return name.strip("·")


def pinyin_keys(name: str) -> tuple[str, str]:
    """("ziqi", "zq") for 子琪; letters of non-Chinese names are kept as they are."""
    letters = [c for c in name if c != "·"]
    syllables = lazy_pinyin("".join(letters), style=Style.NORMAL, errors=lambda s: list(s.lower()))
    full = "".join(syllables).lower()
    initials = "".join(s[0] for s in syllables if s).lower()
    return full, initials
