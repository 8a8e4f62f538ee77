"""Scoped reads of the funder's statistics: figures (tables), KPIs against targets, chart series."""

from tongban.reports.selectors.figures import (
    AGE_BANDS,
    Period,
    Row,
    Statistics,
    Table,
    _years_before,
    may_see_statistics,
    statistics,
)

__all__ = ["AGE_BANDS", "Period", "Row", "Statistics", "Table", "_years_before", "may_see_statistics", "statistics"]
