"""Cell text into registry values, and import maps loaded and checked."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from itam.errors import ConfigError
from itam.interchange.import_values import (
    DateColumn,
    Money,
    Unreadable,
    read_code,
    read_decimal,
    read_integer,
    read_money,
    read_tags,
    slug,
)
from itam.interchange.mapped import builtin_map, builtin_names, parse_map

FIXTURES = Path(__file__).parent / "fixtures" / "import"


@pytest.mark.parametrize("text", ["1.23457E+11", "6.37702E+15", "5.02E+18", "3e5"])
def test_serials_a_spreadsheet_put_in_scientific_notation_are_refused(text: str) -> None:
    with pytest.raises(Unreadable, match="scientific notation"):
        read_code(text)


@pytest.mark.parametrize("text", ["0012345", "27aa8378-b0f4", "E12345", "1E5X"])
def test_codes_stay_as_written(text: str) -> None:
    assert read_code(text) == text


def test_amounts_are_exact() -> None:
    assert read_money("$1,234.56", "USD") == Money(Decimal("1234.56"), "USD")
    assert read_money("1234.50 EUR", None) == Money(Decimal("1234.50"), "EUR")
    assert read_money("€12", None) == Money(Decimal("12"), "EUR")
    assert read_decimal("0.10") == Decimal("0.10")
    assert read_decimal("1.234,56", ",") == Decimal("1234.56")
    assert str(read_money("$12.58", "CAD").amount) == "12.58"


def test_a_dollar_sign_names_no_currency() -> None:
    with pytest.raises(Unreadable, match="--currency"):
        read_money("$12.58", None)


@pytest.mark.parametrize(
    ("text", "why"),
    [("USD 5", "not in EUR"), ("-5.00", "negative"), ("12,50", "decimal mark"), ("lots", "amount")],
)
def test_amounts_that_do_not_read(text: str, why: str) -> None:
    with pytest.raises(Unreadable, match=why):
        read_money(text, "EUR")


def test_whole_numbers_and_tags() -> None:
    assert read_integer("1,000") == 1000
    with pytest.raises(Unreadable):
        read_integer("12 months")
    assert read_tags("High priority;  small , High priority") == ["high-priority", "small"]


def test_slugs_hold_no_path_or_control_character() -> None:
    assert slug("Poznań Office") == "poznan-office"
    assert slug("../../etc/passwd") == "etc-passwd"
    assert slug("a\nb\x00c") == "a-b-c"
    assert slug("!!!") == ""
    assert len(slug("x" * 300)) == 64


def learned(*values: str, given: str | None = None) -> DateColumn:
    column = DateColumn(given=given, default="mdy")
    column.learn(enumerate(values, 2), "Purchase Date")
    return column


def test_a_column_that_shows_its_order_reads_by_it_silently() -> None:
    column = learned("3/14/25", "4/5/16")
    assert column.note is None
    assert column.read("4/5/16") == "2016-04-05"
    day_first = learned("25/12/22", "4/5/16")
    assert day_first.read("4/5/16") == "2016-05-04"


def test_an_undecided_column_reads_the_default_and_says_so() -> None:
    column = learned("4/5/16", "1/2/16")
    assert column.note is not None
    assert "line 2" in column.note
    assert "--date-order dmy" in column.note
    assert column.read("4/5/16") == "2016-04-05"
    assert learned("4/5/16", given="dmy").note is None
    assert learned("4/5/16", given="dmy").read("4/5/16") == "2016-05-04"


def test_a_column_holding_both_orders_refuses_the_dates_that_do_not_tell() -> None:
    column = learned("3/14/25", "25/3/25", "4/5/16")
    assert column.note is not None
    assert "month-first dates (line 2)" in column.note
    assert "day-first ones (line 3)" in column.note
    assert column.read("3/14/25") == "2025-03-14"
    assert column.read("25/3/25") == "2025-03-25"
    with pytest.raises(Unreadable, match="month first or day first"):
        column.read("4/5/16")


def test_dates_in_other_shapes() -> None:
    column = learned()
    assert column.read("2016-11-17 16:07:12") == "2016-11-17"
    assert column.read("12/27/1981") == "1981-12-27"
    assert column.read("10/27/68") == "2068-10-27"
    assert column.read("10/27/69") == "1969-10-27"
    with pytest.raises(Unreadable, match="not a day on the calendar"):
        column.read("2/30/23")
    with pytest.raises(Unreadable, match="not a date"):
        column.read("soon")
    formats = DateColumn(formats=("%d.%m.%Y",))
    assert formats.read("04.05.2016") == "2016-05-04"


def test_every_shipped_map_loads() -> None:
    names = builtin_names()
    assert {"shelf", "snipeit-assets", "snipeit-licenses", "snipeit-users"} <= set(names)
    for name in names:
        assert builtin_map(name).key


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("map: 2\nkey: a\nkind: laptop\nfields: {a: A}\n", 1, "map: 1"),
        (
            "map: 1\nkey: a\nkind: laptop\nfields:\n  a: A\n  b: {colum: B}\n",
            6,
            "did you mean 'column'",
        ),
        (
            "map: 1\nkey: a\nkind: laptop\nfields:\n  a: {column: A, as: money2}\n",
            5,
            "as is one of",
        ),
        ("map: 1\nkey: zz\nkind: laptop\nfields:\n  a: A\n", 2, "not one of the fields"),
        ("map: 1\nkey: a\nkind: Laptop!\nfields: {a: A}\n", 3, "not a kind name"),
        ("map: 1\nkey: a\nkind: laptop\nfields:\n  Bad.Path: A\n", 5, "not a field path"),
        ("map: 1\nkey: a\nkind: laptop\nfields:\n  a: {column: A, constant: 1}\n", 5, "either"),
        ("map: 1\nmap: 1\n", 2, "appears twice"),
        ("- a\n", 1, "mapping"),
        ("map: 1\nkey: a\nkind: laptop\nfields:\n  a: !!python/object:os.system A\n", 5, "tag"),
    ],
)
def test_a_bad_map_is_refused_with_its_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_map(text.encode(), "m.yaml")
    assert caught.value.line == line, str(caught.value)
    assert message in str(caught.value)


def test_the_fixture_map_with_a_typo_names_its_line() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_map((FIXTURES / "bad-map.yaml").read_bytes(), "bad-map.yaml")
    assert caught.value.line == 6
    assert "did you mean 'fields'" in str(caught.value)
