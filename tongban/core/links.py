"""Links to many records of one kind on a page, without reversing the URL pattern once per row."""

from collections.abc import Callable
from typing import Any

from django.urls import reverse

# A primary key no record has: where it lands in the reversed URL, each row's key goes.
_MARK = 918273645


def link_maker(viewname: str, *args: Any) -> Callable[[Any], str]:
    """reverse(viewname, args=[*args, pk]) for any integer pk, reversing only once (the last argument must be an
    <int:...> of the pattern)."""
    head, mark, tail = reverse(viewname, args=[*args, _MARK]).rpartition(str(_MARK))
    if not mark:
        raise ValueError(f"{viewname} does not end in an integer argument")
    return lambda pk: f"{head}{int(pk)}{tail}"
