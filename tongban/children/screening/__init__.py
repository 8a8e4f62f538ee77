"""Screening import (摸底排查): the Excel template, reading county ledgers in their own layouts,
checking every row, and writing a whole ledger in one go.

    columns   what headers and words in a ledger mean
    reading   is it an xlsx, where is the header row, formulas and merged cells
    mapping   which column holds which field, remembered per organisation
    checking  every row checked; duplicates inside the file and against the files on record
    services  upload → preview → confirm → commit (in the task worker)
    template  the xlsx template with drop-down lists
"""

from tongban.children.screening.checking import check_sheet
from tongban.children.screening.reading import FileRefused, Sheet, read_ledger
from tongban.children.screening.results import ERROR, SKIP, WARNING, Check, Problem
from tongban.children.screening.template import build_template

__all__ = ["ERROR", "SKIP", "WARNING", "Check", "FileRefused", "Problem", "Sheet", "build_template", "check_sheet",
           "read_ledger"]
