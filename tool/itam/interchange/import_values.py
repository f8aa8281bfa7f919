"""Cell text into registry values, exactly, or a reason why not.

Each reader takes the trimmed text of one cell and returns the value the
registry stores, or raises ``Unreadable`` with a sentence saying what the
cell holds and why it is not used. Nothing is guessed:

* codes (serials, tags, order and part numbers) stay the text written, but a
  number a spreadsheet rewrote in scientific notation (``6.37702E+15``) has
  lost its digits and is refused, never expanded into digits it never had;
* amounts are exact decimals (``$1,234.56`` is ``1234.56``); a currency comes
  from a code in the cell, the map's currency column or ``--currency``, never
  from ``$``, which a dozen currencies share;
* dates come out as ``YYYY-MM-DD``; which of ``4/5/16``'s numbers is the month
  is decided per column by ``DateColumn`` (see there), and said when nothing
  in the column tells.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from itam.limits import quote

ORDERS = ("mdy", "dmy", "ymd")
"""Orders of the three numbers of a date such as 4/5/16."""

_ORDER_WORDS = {"mdy": "month/day/year", "dmy": "day/month/year", "ymd": "year/month/day"}


class Unreadable(ValueError):
    """A cell whose text cannot become the value asked for; the message says why."""


_SCIENTIFIC = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]+")


def read_code(text: str) -> str:
    """A code exactly as written, unless a spreadsheet has mangled it."""
    if _SCIENTIFIC.fullmatch(text):
        raise Unreadable(
            f"{quote(text)} is a number in scientific notation, as a spreadsheet writes a long "
            "number it has rounded; the real value is lost, so it is left out (export the column "
            "as text to keep it)"
        )
    return text


def read_text(text: str) -> str:
    """Free text as written."""
    return text


_INTEGER = re.compile(r"[+-]?[0-9]{1,18}|[+-]?[0-9]{1,3}(?:,[0-9]{3}){1,5}")


def read_integer(text: str) -> int:
    """A whole number (``1,000`` is 1000); refused if it has a fraction or a unit."""
    if not _INTEGER.fullmatch(text):
        raise Unreadable(f"{quote(text)} is not a whole number")
    return int(text.replace(",", ""))


_US_AMOUNT = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?|\.[0-9]+")
_EU_AMOUNT = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?|[0-9]+(?:,[0-9]+)?|,[0-9]+")


def read_decimal(text: str, decimal_mark: str = ".") -> Decimal:
    """A non-negative decimal, exact: ``1,234.56`` (or ``1.234,56`` with the
    decimal mark ``,``) is Decimal('1234.56')."""
    pattern = _US_AMOUNT if decimal_mark == "." else _EU_AMOUNT
    if text.startswith("-") or (text.startswith("(") and text.endswith(")")):
        raise Unreadable(f"{quote(text)} is negative; an amount the registry keeps is not")
    if not pattern.fullmatch(text):
        raise Unreadable(
            f"{quote(text)} is not an amount written with {decimal_mark!r} as the decimal mark"
        )
    if decimal_mark == ".":
        digits = text.replace(",", "")
    else:
        digits = text.replace(".", "").replace(",", ".")
    if digits.startswith("."):
        digits = "0" + digits
    return Decimal(digits)


# Symbols that name one currency in practice; "$" (USD, CAD, AUD, ...) does not.
_SYMBOLS = {"€": "EUR", "£": "GBP"}
_AMBIGUOUS_SYMBOLS = frozenset("$¥₩kr")
_CODE = re.compile(r"[A-Za-z]{3}")


@dataclass(frozen=True, slots=True)
class Money:
    """An amount and its ISO 4217 currency."""

    amount: Decimal
    currency: str


def read_money(text: str, currency: str | None, decimal_mark: str = ".") -> Money:
    """``$1,234.56``, ``1234.56 EUR``, ``€12`` as an exact amount in a currency.

    ``currency`` is the currency the map or the user gives (from a column or
    ``--currency``); a code or an unambiguous symbol in the cell must agree
    with it, and ``$`` alone never names one.
    """
    rest = text.replace("\u00a0", " ").strip()
    written: str | None = None
    head, _, tail = rest.partition(" ")
    if _CODE.fullmatch(head) and tail:
        written, rest = head.upper(), tail.strip()
    elif " " in rest and _CODE.fullmatch(rest.rpartition(" ")[2]):
        rest, _, code = rest.rpartition(" ")
        written, rest = code.upper(), rest.strip()
    for symbol, code in _SYMBOLS.items():
        if symbol in rest:
            rest = rest.replace(symbol, "").strip()
            written = written or code
    for symbol in _AMBIGUOUS_SYMBOLS:
        if rest.startswith(symbol) or rest.endswith(symbol):
            rest = rest.strip(symbol).strip()
    amount = read_decimal(rest, decimal_mark)
    if written and currency and written != currency:
        raise Unreadable(f"{quote(text)} is in {written}, not in {currency} as given")
    chosen = written or currency
    if chosen is None:
        raise Unreadable(
            f"{quote(text)} names no currency and none is given; it is left out "
            "(pass --currency, e.g. --currency USD)"
        )
    return Money(amount, chosen)


_TRUE = frozenset(("true", "yes", "y", "1", "on"))
_FALSE = frozenset(("false", "no", "n", "0", "off"))


def read_boolean(text: str) -> bool:
    """``true/false``, ``yes/no``, ``y/n``, ``1/0``, ``on/off``, in any case."""
    folded = text.casefold()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise Unreadable(f"{quote(text)} is neither yes nor no")


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, limit: int = 64) -> str:
    """Lower-case ASCII words joined by '-': ``Poznań Office`` is ``poznan-office``.

    Accents are dropped, anything else that is not a letter or digit becomes a
    separator, so no path, quote or control character survives; "" when
    nothing is left.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    return words[:limit].rstrip("-")


def read_tags(text: str, separators: str = ",;") -> list[str]:
    """Tags from one cell, split at any of ``separators``, each made a slug,
    duplicates dropped: ``High priority; small`` is ``[high-priority, small]``."""
    parts = re.split("|".join(map(re.escape, separators)), text) if separators else [text]
    tags: list[str] = []
    for part in parts:
        tag = slug(part)
        if tag and tag not in tags:
            tags.append(tag)
    return tags


# Dates -----------------------------------------------------------------------

_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[T ][0-9:.]+(?:Z|[+-][0-9:]+)?)?")
_NUMERIC = re.compile(
    r"([0-9]{1,4})([/.-])([0-9]{1,2})\2([0-9]{1,4})(?: [0-9:]+(?: ?[AP]M)?)?", re.I
)


def _year(text: str) -> int:
    number = int(text)
    if len(text) <= 2:
        # Two-digit years as POSIX strptime reads them: 69-99 are 19xx, 00-68 20xx.
        return number + (1900 if number >= 69 else 2000)
    return number


def _iso(year: int, month: int, day: int, text: str) -> str:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        raise Unreadable(f"{quote(text)} is not a day on the calendar") from None


@dataclass(slots=True)
class DateColumn:
    """How to read the dates of one column, decided from all of its values.

    ``4/5/16`` is April 5th in the US and 4 May elsewhere. A value whose first
    number is over 12 (``25/12/22``) shows the column is day first, one whose
    second is (``12/25/22``) that it is month first. The column's order is:
    ``given`` (``--date-order``) when the user names one; else what its values
    show; else ``default`` (the map's), and then ``note`` says so, since
    nothing in the file told. A column whose values show both orders reads
    each value that shows its own and refuses the rest.
    """

    given: str | None = None
    default: str = "mdy"
    formats: tuple[str, ...] = ()
    month_first: int | None = None
    day_first: int | None = None
    note: str | None = field(default=None, init=False)

    def learn(self, texts: Iterable[tuple[int, str]], column: str) -> None:
        """Look at every (line, text) of the column before reading any."""
        if self.formats or self.given is not None:
            return
        undecided: int | None = None
        for line, text in texts:
            match = _NUMERIC.fullmatch(text)
            if match is None or len(match.group(1)) == 4:
                continue
            first, second = int(match.group(1)), int(match.group(3))
            if first > 12 >= second and self.day_first is None:
                self.day_first = line
            elif second > 12 >= first and self.month_first is None:
                self.month_first = line
            elif first <= 12 and second <= 12 and undecided is None:
                undecided = line
        if self.month_first is None and self.day_first is None and undecided is not None:
            other = "dmy" if self.default == "mdy" else "mdy"
            self.note = (
                f"column {quote(column)}: no date in it tells the month from the day (such as "
                f"line {undecided}), so they are read as {_ORDER_WORDS[self.default]}, the map's "
                f"default; pass --date-order {other} if they are not"
            )
        elif self.month_first is not None and self.day_first is not None:
            self.note = (
                f"column {quote(column)} holds month-first dates (line {self.month_first}) and "
                f"day-first ones (line {self.day_first}); a date that does not show which it is "
                "is left out"
            )

    @property
    def order(self) -> str | None:
        """The column's order, or None when its values disagree."""
        if self.given is not None:
            return self.given
        if self.month_first is not None and self.day_first is not None:
            return None
        if self.month_first is not None:
            return "mdy"
        if self.day_first is not None:
            return "dmy"
        return self.default

    def read(self, text: str) -> str:
        """The cell's date as ``YYYY-MM-DD``."""
        if self.formats:
            return self._read_formats(text)
        iso = _ISO.fullmatch(text)
        if iso is not None:
            return _iso(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)), text)
        match = _NUMERIC.fullmatch(text)
        if match is None:
            raise Unreadable(f"{quote(text)} is not a date")
        a, b, c = match.group(1), match.group(3), match.group(4)
        if len(a) == 4:
            return _iso(int(a), int(b), int(c), text)
        first, second = int(a), int(b)
        order = self.order
        if order is None:
            if first > 12 >= second:
                order = "dmy"
            elif second > 12 >= first:
                order = "mdy"
            else:
                raise Unreadable(
                    f"{quote(text)} could be month first or day first, and this column "
                    "holds both; it is left out"
                )
        if order == "ymd":
            return _iso(_year(a), second, int(c), text)
        month, day = (first, second) if order == "mdy" else (second, first)
        return _iso(_year(c), month, day, text)

    def _read_formats(self, text: str) -> str:
        for pattern in self.formats:
            try:
                return dt.datetime.strptime(text, pattern).date().isoformat()
            except ValueError:
                continue
        raise Unreadable(f"{quote(text)} is not a date written as {' or '.join(self.formats)}")
