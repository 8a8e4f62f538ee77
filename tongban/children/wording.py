"""The children list's lines, written in Python instead of a template block per child.

Fifty children a page, each with a {% url %}, three labels, a translated age and its categories: the lines cost
more than the rest of the list. Same HTML as the template had (tests/test_wording.py compares the two).
"""

from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from tongban.core.html import esc as _e


def child_line(child: Any, url: str, categories: list[str]) -> SafeString:
    """One child of the list: name linking to the file, sex, age, place, its `categories` (names), risk, status,
    masked ID."""
    region = child.region
    county = _e(region.parent.name) if region.parent is not None else ""
    age = gettext("%(age)s years") % {"age": _e(child.age)}
    tags = "".join(f'<span class="tag">{_e(name)}</span>' for name in categories)
    masked = f'<span class="mono muted">{_e(child.id_masked)}</span>' if child.id_masked else ""
    return mark_safe(  # noqa: S308 - every value is escaped
        f'\n  <li class="record">\n    <a href="{_e(url)}" class="record-title">{_e(child.name)}</a>'
        f'\n    <span class="muted">{_e(child.get_sex_display())} · {age} · {county} {_e(region.name)}</span>'
        f'\n    <span class="tags">{tags}'
        f'\n      <span class="tag risk-{_e(child.risk)}">{_e(child.get_risk_display())}</span>'
        f'\n      <span class="tag status">{_e(child.get_status_display())}</span></span>'
        f"\n    {masked}\n  </li>\n")
