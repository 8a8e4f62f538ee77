"""Resident ID numbers (GB 11643-1999): normalising, checking, masking.

6-digit address code + 8-digit birth date + 3-digit sequence (odd = male)
+ check digit (ISO 7064 MOD 11-2). The address code is where the person was
first registered, never their current region.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_DIGITS = "10X98765432"
# Full-width digits and letters as typed on Chinese keyboards, and the spaces people put in.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789XX")


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: date
    sex: str  # "M" or "F"

    @property
    def masked(self) -> str:
        return mask(self.number)


def normalise(raw: str) -> str:
    return "".join(str(raw).translate(_FULL_WIDTH).split()).upper()


def check_digit(body17: str) -> str:
    return CHECK_DIGITS[sum(int(d) * w for d, w in zip(body17, WEIGHTS, strict=True)) % 11]


def parse(raw: str, *, today: date | None = None) -> ResidentId:
    """Check an ID number and read birth date and sex from it, or raise ValidationError."""
    number = normalise(raw)
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            _("An ID number has 18 characters: 17 digits and a last digit or X."), code="id_format")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("The birth date inside the ID number (%(digits)s) is not a real date.") % {"digits": number[6:14]},
            code="id_date") from None
    if birth > (today or date.today()) or birth.year < 1900:
        raise ValidationError(_("The birth date inside the ID number (%(date)s) is impossible.")
                              % {"date": birth.isoformat()}, code="id_date")
    if check_digit(number[:17]) != number[17]:
        raise ValidationError(
            _("The ID number's check digit is wrong: one of its digits was probably mistyped."), code="id_checksum")
    return ResidentId(number=number, birth_date=birth, sex="M" if int(number[16]) % 2 else "F")


def mask(number: str) -> str:
    """150602********1234: the address code and the last four digits stay readable."""
    return f"{number[:6]}********{number[-4:]}" if len(number) == 18 else "*" * len(number)


def tails(number: str) -> tuple[str, str, str]:
    """The last 4, 5 and 6 characters, which people search by."""
    return number[-4:], number[-5:], number[-6:]
