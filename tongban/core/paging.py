"""Paging for lists that can hold a whole city.

An exact count of a large filtered list costs a pass over every matching row, and a deep page an OFFSET past all
the rows before it. Lists count at most `cap` rows and page through those only: the page says honestly that there
are more than `cap` and asks to narrow the search. Both costs then stay bounded whatever the size of the city.
"""

from typing import Any

from django.core.paginator import Paginator
from django.utils.functional import cached_property

LIST_CAP = 5000


class CappedPaginator(Paginator):
    def __init__(self, object_list: Any, per_page: int, cap: int | None = None, known_count: int | None = None) -> None:
        """`known_count`: the number of rows when the page has counted them already (say, by stage)."""
        super().__init__(object_list, per_page)
        self.cap = LIST_CAP if cap is None else cap
        self.known_count = known_count

    @cached_property
    def _counted(self) -> int:
        if self.known_count is not None:
            return self.known_count
        # COUNT over a LIMIT: the database stops after cap + 1 matching rows.
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        """More rows match than are counted and listed."""
        return self._counted > self.cap

    def page(self, number: Any) -> Any:
        """One page, read in two steps: the page's keys from the list's index (no row is read to skip the
        rows before it), then those rows with everything the list shows."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        keys = list(self.object_list.prefetch_related(None).values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=keys)}
        return self._get_page([rows[k] for k in keys if k in rows], number, self)
