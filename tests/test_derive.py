"""Derived values: month arithmetic, warranty end, end of life, audits, book
value, and the one date a run is judged as of."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from itam import yamlsafe
from itam.dates import add_months, default_as_of, months_between, parse_date
from itam.derive import book_value, end_of_life, last_audit, warranty_end
from itam.entities import Catalog, Entity
from itam.errors import ConfigError
from itam.policy.context import Context
from itam.policy.model import AuditInterval, Depreciation, Policy, Selector
from tests.conftest import run_itam

D = dt.date


def entity(text: str, file: str = "registry/x.yaml") -> Entity:
    doc = yamlsafe.load(text.encode("utf-8"), file)
    assert doc.data is not None, doc.findings
    return Entity(doc, doc.data)


MODEL = entity(
    "id: m-36\nkind: model\nname: A model\nend_of_life: 2029-06-30\nwarranty_months: 36\n",
    "registry/models/m-36.yaml",
)
BARE_MODEL = entity("id: m-bare\nkind: model\nname: A model without defaults\n")


# -- dates.add_months ----------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2024, 1, 15), 0, D(2024, 1, 15)),
        (D(2024, 1, 15), 1, D(2024, 2, 15)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year: clamped to Feb 29
        (D(2023, 1, 31), 1, D(2023, 2, 28)),  # not a leap year: Feb 28
        (D(2100, 1, 31), 1, D(2100, 2, 28)),  # 2100 is not a leap year
        (D(2000, 1, 31), 1, D(2000, 2, 29)),  # 2000 is
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # leap day + a year
        (D(2024, 2, 29), 48, D(2028, 2, 29)),  # leap day + four years
        (D(2024, 3, 31), 1, D(2024, 4, 30)),  # 31st into a 30-day month
        (D(2023, 5, 31), 1, D(2023, 6, 30)),
        (D(2024, 12, 31), 2, D(2025, 2, 28)),  # across the year end
        (D(2024, 11, 30), 1, D(2024, 12, 30)),
        (D(2024, 12, 15), 1, D(2025, 1, 15)),
        (D(2021, 1, 31), 37, D(2024, 2, 29)),
        (D(2024, 1, 15), 120, D(2034, 1, 15)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),  # negative months clamp too
        (D(2023, 3, 31), -1, D(2023, 2, 28)),
        (D(2024, 1, 15), -1, D(2023, 12, 15)),
        (D(2024, 1, 15), -13, D(2022, 12, 15)),
        (D(2024, 2, 29), -12, D(2023, 2, 28)),
        (D(2025, 2, 28), -12, D(2024, 2, 28)),  # not back to the 29th
    ],
)
def test_add_months(start: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(start, months) == expected


def test_add_months_does_not_drift_when_chained() -> None:
    # Each step starts from the original date: Jan 31 + 2 is Mar 31, not Mar 29.
    assert add_months(D(2024, 1, 31), 2) == D(2024, 3, 31)
    assert add_months(add_months(D(2024, 1, 31), 1), 1) == D(2024, 3, 29)


# -- dates.months_between -------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2024, 1, 15), D(2024, 1, 15), 0),
        (D(2024, 1, 15), D(2024, 2, 14), 0),
        (D(2024, 1, 15), D(2024, 2, 15), 1),
        (D(2024, 1, 31), D(2024, 2, 28), 0),
        (D(2024, 1, 31), D(2024, 2, 29), 1),  # the month end counts as a whole month
        (D(2023, 1, 31), D(2023, 2, 28), 1),
        (D(2024, 2, 29), D(2025, 2, 27), 11),
        (D(2024, 2, 29), D(2025, 2, 28), 12),
        (D(2024, 2, 29), D(2028, 2, 29), 48),
        (D(2024, 3, 31), D(2024, 4, 30), 1),
        (D(2023, 1, 15), D(2026, 1, 14), 35),
        (D(2023, 1, 15), D(2026, 1, 15), 36),
        (D(2024, 12, 31), D(2025, 1, 30), 0),
        (D(2024, 12, 31), D(2025, 1, 31), 1),
        (D(2024, 5, 1), D(2024, 4, 30), 0),  # end before start: 0, never negative
        (D(2024, 5, 1), D(2020, 1, 1), 0),
    ],
)
def test_months_between(start: dt.date, end: dt.date, expected: int) -> None:
    assert months_between(start, end) == expected


@pytest.mark.parametrize("start", [D(2024, 1, 31), D(2024, 2, 29), D(2023, 8, 31), D(2024, 6, 15)])
@pytest.mark.parametrize("months", [0, 1, 2, 11, 12, 13, 37, 60])
def test_months_between_inverts_add_months(start: dt.date, months: int) -> None:
    end = add_months(start, months)
    assert months_between(start, end) == months
    assert months_between(start, end - dt.timedelta(days=1)) == max(months - 1, 0)


# -- dates.parse_date ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-02-29", D(2024, 2, 29)),
        ("2023-02-29", None),
        ("2027-02-30", None),
        ("2024-13-01", None),
        ("2024-1-01", None),
        (" 2024-01-01", None),
        ("2024-01-01T00:00:00", None),
        ("", None),
        (None, None),
        (20240101, None),
    ],
)
def test_parse_date(text: object, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


# -- derive.warranty_end ----------------------------------------------------------
def test_warranty_explicit_end_wins_over_start_and_months() -> None:
    asset = entity(
        "id: A\nkind: laptop\npurchase: {date: 2020-01-01}\n"
        "warranty: {start: 2024-01-01, months: 12, end: 2027-06-30}\n"
    )
    assert warranty_end(asset, MODEL) == (D(2027, 6, 30), "warranty.end")


def test_warranty_start_plus_months_wins_over_model_default() -> None:
    asset = entity(
        "id: A\nkind: laptop\npurchase: {date: 2023-01-01}\n"
        "warranty: {start: 2024-01-31, months: 1}\n"
    )
    assert warranty_end(asset, MODEL) == (D(2024, 2, 29), "warranty.start + warranty.months")


def test_warranty_months_count_from_purchase_without_start() -> None:
    asset = entity("id: A\nkind: laptop\npurchase: {date: 2023-01-31}\nwarranty: {months: 1}\n")
    assert warranty_end(asset, MODEL) == (D(2023, 2, 28), "warranty.start + warranty.months")


def test_warranty_model_default_from_purchase_date() -> None:
    asset = entity("id: A\nkind: laptop\npurchase: {date: 2024-02-29}\n")
    end, source = warranty_end(asset, MODEL)
    assert end == D(2027, 2, 28)
    assert source is not None
    assert "m-36" in source
    assert "36" in source


def test_warranty_model_default_from_warranty_start() -> None:
    asset = entity(
        "id: A\nkind: laptop\npurchase: {date: 2020-01-01}\nwarranty: {start: 2024-01-31}\n"
    )
    assert warranty_end(asset, MODEL)[0] == D(2027, 1, 31)


def test_warranty_unreadable_end_falls_back_to_start_and_months() -> None:
    asset = entity(
        "id: A\nkind: laptop\nwarranty: {start: 2024-01-31, months: 1, end: 2027-02-30}\n"
    )
    assert warranty_end(asset, MODEL) == (D(2024, 2, 29), "warranty.start + warranty.months")


@pytest.mark.parametrize(
    "text",
    [
        "id: A\nkind: laptop\n",  # nothing at all
        "id: A\nkind: laptop\nwarranty: {months: 36}\n",  # months, but from when?
        "id: A\nkind: laptop\nwarranty: {start: 2024-01-01, months: '36'}\n",  # text
        "id: A\nkind: laptop\nwarranty: {start: 2024-01-01, months: true}\n",  # a boolean
        "id: A\nkind: laptop\nwarranty: not a mapping\npurchase: {date: 2024-01-01}\n",
    ],
)
def test_warranty_unknown(text: str) -> None:
    assert warranty_end(entity(text), BARE_MODEL) == (None, None)
    assert warranty_end(entity(text), None) == (None, None)


def test_warranty_without_model_and_months_is_unknown() -> None:
    asset = entity("id: A\nkind: laptop\npurchase: {date: 2024-01-01}\n")
    assert warranty_end(asset, None) == (None, None)
    assert warranty_end(asset, BARE_MODEL) == (None, None)


# -- derive.end_of_life ---------------------------------------------------------------
def test_end_of_life_asset_wins_over_model() -> None:
    later = entity("id: A\nkind: laptop\nend_of_life: 2031-01-31\n")
    earlier = entity("id: A\nkind: laptop\nend_of_life: 2025-01-31\n")
    assert end_of_life(later, MODEL) == D(2031, 1, 31)
    assert end_of_life(earlier, MODEL) == D(2025, 1, 31)


def test_end_of_life_from_model() -> None:
    assert end_of_life(entity("id: A\nkind: laptop\n"), MODEL) == D(2029, 6, 30)


def test_end_of_life_unknown() -> None:
    assert end_of_life(entity("id: A\nkind: laptop\n"), None) is None
    assert end_of_life(entity("id: A\nkind: laptop\n"), BARE_MODEL) is None


def test_end_of_life_impossible_own_date_falls_back_to_model() -> None:
    assert end_of_life(entity("id: A\nkind: laptop\nend_of_life: 2030-02-30\n"), MODEL) == D(
        2029, 6, 30
    )


# -- derive.last_audit ------------------------------------------------------------------
def test_last_audit_is_the_latest_in_any_order() -> None:
    asset = entity(
        "id: A\nkind: laptop\naudits:\n"
        "  - {date: 2024-01-10}\n  - {date: 2026-06-01}\n  - {date: 2025-01-10}\n"
    )
    assert last_audit(asset) == D(2026, 6, 1)


def test_last_audit_ignores_unreadable_records() -> None:
    asset = entity(
        "id: A\nkind: laptop\naudits:\n"
        "  - {date: 2024-01-10}\n  - {date: 2026-02-30}\n  - {by: EMP-1001}\n  - just text\n"
    )
    assert last_audit(asset) == D(2024, 1, 10)


@pytest.mark.parametrize(
    "text",
    [
        "id: A\nkind: laptop\n",
        "id: A\nkind: laptop\naudits: []\n",
        "id: A\nkind: laptop\naudits: {date: 2024-01-10}\n",
        "id: A\nkind: laptop\naudits:\n  - {date: 2023-02-29}\n",
    ],
)
def test_last_audit_unknown(text: str) -> None:
    assert last_audit(entity(text)) is None


# -- derive.book_value -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cost", "purchased", "as_of", "months", "salvage", "expected"),
    [
        # On the purchase day nothing has depreciated.
        ("1000", D(2024, 1, 15), D(2024, 1, 15), 36, 0, "1000.00"),
        # Before the purchase (a back-dated report): the full cost.
        ("1000", D(2024, 1, 15), D(2023, 6, 1), 36, 0, "1000.00"),
        # Whole months only: a day short of a month is still 0 months.
        ("1000", D(2024, 1, 15), D(2024, 2, 14), 36, 0, "1000.00"),
        ("1200", D(2024, 1, 15), D(2024, 2, 15), 12, 0, "1100.00"),
        # 12 of 36 months: 1000 - 333.333... rounds to cents.
        ("1000", D(2024, 1, 15), D(2025, 1, 15), 36, 0, "666.67"),
        ("1000", D(2024, 1, 15), D(2025, 1, 14), 36, 0, "694.44"),
        # Half-way with 10 % salvage: 12900 - (12900 - 1290) / 2.
        ("12900", D(2022, 1, 10), D(2024, 7, 10), 60, 10, "7095.00"),
        # At the end of its life and long after: the salvage value, never below.
        ("12900", D(2022, 1, 10), D(2027, 1, 10), 60, 10, "1290.00"),
        ("12900", D(2022, 1, 10), D(2040, 1, 1), 60, 10, "1290.00"),
        ("1000", D(2022, 1, 10), D(2030, 1, 1), 36, 0, "0.00"),
        # Fractional salvage percentages and cents.
        ("1289.00", D(2023, 9, 12), D(2024, 9, 12), 36, 12.5, "913.04"),
        ("1289.00", D(2023, 9, 12), D(2026, 11, 22), 36, 12.5, "161.13"),
        # Half a cent rounds up (ROUND_HALF_UP, not banker's rounding).
        ("100.01", D(2024, 1, 1), D(2024, 2, 1), 2, 0, "50.01"),
        ("0.05", D(2024, 1, 1), D(2024, 2, 1), 2, 0, "0.03"),
        # Month-end purchase: Jan 31 + 1 month is Feb 29 in 2024.
        ("1200", D(2024, 1, 31), D(2024, 2, 29), 12, 0, "1100.00"),
        ("1200", D(2024, 1, 31), D(2024, 2, 28), 12, 0, "1200.00"),
    ],
)
def test_book_value(
    cost: str,
    purchased: dt.date,
    as_of: dt.date,
    months: int,
    salvage: float,
    expected: str,
) -> None:
    value = book_value(Decimal(cost), purchased, as_of, months, salvage)
    assert isinstance(value, Decimal)
    assert str(value) == expected


def test_book_value_is_exact_decimal_not_float() -> None:
    # 0.1 + 0.2 style float drift must not leak into money.
    value = book_value(Decimal("0.30"), D(2024, 1, 1), D(2024, 2, 1), 3, 0)
    assert value == Decimal("0.20")
    assert value.as_tuple().exponent == -2


# -- derive.derive through a Context ---------------------------------------------------------
AS_OF_DATE = D(2026, 11, 22)


def _context(*entities: Entity, as_of: dt.date = AS_OF_DATE) -> Context:
    policy = Policy(
        audit_intervals=[
            AuditInterval(Selector(criticality=frozenset({"critical"})), 180),
            AuditInterval(Selector(), 365),
        ],
        audit_grace_days=30,
        depreciation=[
            Depreciation(Selector(kinds=frozenset({"server"})), 60, 10.0),
            Depreciation(Selector(kinds=frozenset({"laptop"})), 36, 0.0),
        ],
    )
    return Context(Catalog([MODEL, *entities]), policy, as_of)


def test_derive_all_values() -> None:
    asset = entity(
        "id: A\nkind: laptop\nmodel: m-36\n"
        "purchase: {date: 2024-01-31, cost: {amount: 1200.00, currency: EUR}}\n"
        "audits:\n  - {date: 2026-03-01}\n"
    )
    derived = _context(asset).derived(asset)
    assert derived.warranty_end == D(2027, 1, 31)
    assert derived.end_of_life == D(2029, 6, 30)
    assert derived.last_audit == D(2026, 3, 1)
    assert derived.audit_interval_days == 365
    assert derived.audit_due == D(2027, 3, 1)
    assert derived.purchased == D(2024, 1, 31)
    assert derived.age_days == (D(2026, 11, 22) - D(2024, 1, 31)).days
    # 33 whole months of 36 (2024-01-31 + 33 months = 2026-10-31 <= 2026-11-22).
    assert derived.book_value == Decimal("100.00")
    assert derived.currency == "EUR"


def test_derive_audit_due_from_purchase_and_by_criticality() -> None:
    asset = entity("id: A\nkind: laptop\ncriticality: critical\npurchase: {date: 2026-01-01}\n")
    derived = _context(asset).derived(asset)
    assert derived.last_audit is None
    assert derived.audit_interval_days == 180
    assert derived.audit_due == D(2026, 1, 1) + dt.timedelta(days=180)


def test_derive_without_facts() -> None:
    asset = entity("id: A\nkind: laptop\nmodel: nowhere\n")
    derived = _context(asset).derived(asset)
    assert derived.warranty_end is None
    assert derived.end_of_life is None
    assert derived.audit_due is None
    assert derived.age_days is None
    assert derived.book_value is None


def test_derive_ignores_a_model_reference_to_another_kind() -> None:
    person = entity("id: m-person\nkind: person\nname: Not a model\nwarranty_months: 12\n")
    asset = entity("id: A\nkind: laptop\nmodel: m-person\npurchase: {date: 2024-01-01}\n")
    derived = _context(person, asset).derived(asset)
    assert derived.warranty_end is None
    assert derived.end_of_life is None


def test_derive_book_value_uses_the_first_matching_plan() -> None:
    server = entity(
        "id: S\nkind: server\npurchase: {date: 2022-01-10, cost: {amount: 12900, currency: GBP}}\n"
    )
    derived = _context(server, as_of=D(2024, 7, 10)).derived(server)
    assert derived.book_value == Decimal("7095.00")
    assert derived.currency == "GBP"


def test_derive_no_book_value_without_a_plan_or_a_number() -> None:
    desk = entity("id: P\nkind: desktop\npurchase: {date: 2024-01-01, cost: {amount: 500}}\n")
    boolean = entity("id: B\nkind: laptop\npurchase: {date: 2024-01-01, cost: {amount: true}}\n")
    ctx = _context(desk, boolean)
    assert ctx.derived(desk).book_value is None
    assert ctx.derived(boolean).book_value is None


# -- SOURCE_DATE_EPOCH and the date of a run -----------------------------------------------------
EPOCH_2026_11_22 = int(dt.datetime(2026, 11, 22, tzinfo=dt.UTC).timestamp())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (str(EPOCH_2026_11_22), D(2026, 11, 22)),
        (str(EPOCH_2026_11_22 + 86399), D(2026, 11, 22)),  # UTC, whatever the local zone
        (str(EPOCH_2026_11_22 + 86400), D(2026, 11, 23)),
        (f"  {EPOCH_2026_11_22}\n", D(2026, 11, 22)),
        ("0", D(1970, 1, 1)),
    ],
)
def test_source_date_epoch_pins_the_date(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: dt.date
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert default_as_of() == expected


@pytest.mark.parametrize("value", ["", "   "])
def test_no_source_date_epoch_means_today(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    before = dt.date.today()
    assert default_as_of() in {before, dt.date.today()}
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert default_as_of() in {before, dt.date.today()}


@pytest.mark.parametrize("value", ["yesterday", "1.5", "2026-11-22", "1e9", "99999999999999999999"])
def test_bad_source_date_epoch_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(ConfigError, match="SOURCE_DATE_EPOCH"):
        default_as_of()


def test_validate_honours_source_date_epoch(registry: Path) -> None:
    env = {"SOURCE_DATE_EPOCH": str(EPOCH_2026_11_22)}
    result = run_itam("validate", "--root", registry, "--format", "json", env=env)
    assert result.exit_code == 0, str(result)
    assert result.json()["as_of"] == "2026-11-22"


def test_as_of_option_wins_over_source_date_epoch(registry: Path) -> None:
    env = {"SOURCE_DATE_EPOCH": str(EPOCH_2026_11_22)}
    result = run_itam(
        "validate", "--root", registry, "--format", "json", "--as-of", "2031-06-30", env=env
    )
    assert result.exit_code == 1, str(result)
    assert result.json()["as_of"] == "2031-06-30"


def test_validate_rejects_a_bad_source_date_epoch(registry: Path) -> None:
    result = run_itam("validate", "--root", registry, env={"SOURCE_DATE_EPOCH": "tomorrow"})
    assert result.exit_code == 2, str(result)
    assert "SOURCE_DATE_EPOCH" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1
