"""Donation receipts as PDF, with Chinese set in Noto Sans CJK (Debian's fonts-noto-cjk, installed by `make setup`)."""

from decimal import Decimal

from django.template.loader import render_to_string

from tongban.core.pdf import html_to_pdf
from tongban.donations.models import Donation

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ["", "拾", "佰", "仟"]
BIG_UNITS = ["", "万", "亿", "万亿"]


def _four(n: int) -> str:
    """0–9999 in capital numerals, with the zeros a cheque writer puts in (壹仟零伍)."""
    out, zero = "", False
    for pos in range(3, -1, -1):
        d = n // 10**pos % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += DIGITS[d] + SMALL_UNITS[pos]
    return out


def yuan_in_capitals(amount: Decimal) -> str:
    """An amount as written on Chinese receipts: 1234.50 → 壹仟贰佰叁拾肆元伍角."""
    cents = int((amount * 100).quantize(Decimal("1")))
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    groups, text = [], ""
    while yuan:
        groups.append(yuan % 10000)
        yuan //= 10000
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            if text and not text.endswith("零"):
                text += "零"
            continue
        if text and g < 1000 and not text.endswith("零"):
            text += "零"
        text += _four(g) + BIG_UNITS[i]
    text = text.rstrip("零")
    if not text:
        text = "零"
    text += "元"
    if jiao == 0 and fen == 0:
        return text + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif fen:
        text += "零"
    if fen:
        text += DIGITS[fen] + "分"
    return text


def receipt_pdf(donation: Donation) -> bytes:
    html = render_to_string("donations/receipt.html", {
        "donation": donation, "receipt": donation.receipt, "capitals": yuan_in_capitals(donation.value_yuan)})
    return html_to_pdf(html)
