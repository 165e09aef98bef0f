"""metrics.compute: the contract's benefit metrics, exactly, in Decimal — money with 2 decimals,
ratios with 4, half up (away from zero) at the .5 boundary, `None` where a divisor is 0."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from campaigndesk.evaluation.metrics import compute, median_of

D = Decimal
TARGETS = {"attendance": 1000, "leads": 200, "sales": D("90000.00")}


def metrics(
    *,
    costs: list[str] = (),  # type: ignore[assignment]
    budget: str = "0.00",
    sales: str = "0.00",
    attendance: int = 0,
    leads: int = 0,
    targets: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return compute(
        costs=[D(c) for c in costs],
        budget_total=D(budget),
        sales=D(sales),
        attendance=attendance,
        leads=leads,
        targets=TARGETS if targets is None else targets,
    )


def test_the_contract_formulas_on_a_realistic_activity() -> None:
    result = metrics(
        costs=["12000.00", "18800.00", "9600.50"],
        budget="38000.00",
        sales="93800.00",
        attendance=1130,
        leads=216,
    )
    assert result == {
        "cost_total": "40400.50",  # Σ costs
        "budget_total": "38000.00",
        "budget_variance": "2400.50",  # over budget: positive
        "roi": "1.3218",  # (93800.00 − 40400.50) / 40400.50 = 1.32175…
        "cost_per_attendee": "35.75",  # 40400.50 / 1130 = 35.7526…
        "attainment": {"attendance": "1.1300", "leads": "1.0800", "sales": "1.0422"},
    }


def test_values_are_strings_never_floats() -> None:
    result = metrics(costs=["100.00"], budget="100.00", sales="150.00", attendance=4, leads=2)
    for value in (
        *[v for k, v in result.items() if k != "attainment"],
        *result["attainment"].values(),
    ):
        assert isinstance(value, str)


def test_money_has_two_decimals_and_ratios_four_even_when_whole() -> None:
    result = metrics(costs=["12000"], budget="12000", sales="24000", attendance=12, leads=200)
    assert result["cost_total"] == "12000.00"
    assert result["budget_total"] == "12000.00"
    assert result["budget_variance"] == "0.00"
    assert result["cost_per_attendee"] == "1000.00"
    assert result["roi"] == "1.0000"
    assert result["attainment"]["leads"] == "1.0000"


@pytest.mark.parametrize(
    ("cost", "sales", "roi"),
    [
        ("3.00", "4.00", "0.3333"),  # 1/3
        ("3.00", "5.00", "0.6667"),  # 2/3 rounds up
        ("3.00", "2.00", "-0.3333"),
        ("3.00", "1.00", "-0.6667"),
        ("20000.00", "20001.00", "0.0001"),  # 0.00005 exactly: half up, not to even (0.0000)
        ("20000.00", "20005.00", "0.0003"),  # 0.00025 exactly: half up, not to even (0.0002)
        ("20000.00", "19999.00", "-0.0001"),  # −0.00005: away from zero
        ("20000.00", "20000.99", "0.0000"),  # 0.0000495: below the half
        ("100.00", "0.00", "-1.0000"),  # nothing sold: the whole cost lost
    ],
)
def test_roi_rounds_half_up_to_four_decimals(cost: str, sales: str, roi: str) -> None:
    assert metrics(costs=[cost], sales=sales)["roi"] == roi


@pytest.mark.parametrize(
    ("cost", "attendance", "per_attendee"),
    [
        ("10.00", 3, "3.33"),  # 3.333…
        ("20.00", 3, "6.67"),  # 6.666…
        ("0.01", 2, "0.01"),  # 0.005 exactly: half up, not to even (0.00)
        ("0.05", 2, "0.03"),  # 0.025 exactly: half up, not to even (0.02)
        ("0.03", 2, "0.02"),  # 0.015
        ("100.09", 2, "50.05"),  # 50.045
        ("0.00", 10, "0.00"),
    ],
)
def test_cost_per_attendee_rounds_half_up_to_cents(
    cost: str, attendance: int, per_attendee: str
) -> None:
    assert metrics(costs=[cost], attendance=attendance)["cost_per_attendee"] == per_attendee


def test_attainment_rounds_half_up_at_the_boundary() -> None:
    result = metrics(
        sales="2.50",
        attendance=1,
        leads=1,
        targets={"attendance": 20000, "leads": 3, "sales": D("10000.00")},
    )
    assert result["attainment"] == {
        "attendance": "0.0001",  # 0.00005
        "leads": "0.3333",
        "sales": "0.0003",  # 0.00025
    }


def test_budget_variance_is_negative_under_budget() -> None:
    result = metrics(costs=["9000.00", "499.99"], budget="10000.00")
    assert result["cost_total"] == "9499.99"
    assert result["budget_variance"] == "-500.01"


def test_many_cost_lines_sum_exactly() -> None:
    # 0.10 + 0.20 as floats is 0.30000000000000004; in Decimal it is exact.
    result = metrics(costs=["0.10", "0.20"] * 5000, budget="1500.00")
    assert result["cost_total"] == "1500.00"
    assert result["budget_variance"] == "0.00"


def test_no_cost_gives_no_roi() -> None:
    assert metrics(costs=[], sales="5000.00", attendance=10)["roi"] is None
    assert metrics(costs=["0.00", "0.00"], sales="5000.00", attendance=10)["roi"] is None
    result = metrics(costs=[], attendance=10)
    assert result["cost_total"] == "0.00"
    assert result["cost_per_attendee"] == "0.00"


def test_no_attendance_gives_no_cost_per_attendee() -> None:
    result = metrics(costs=["1000.00"], attendance=0)
    assert result["cost_per_attendee"] is None
    assert result["attainment"]["attendance"] == "0.0000"  # 0 of a target of 1000


@pytest.mark.parametrize("missing", [0, None, D("0"), D("0.00")])
def test_a_zero_or_unset_target_gives_no_attainment(missing: Any) -> None:
    result = metrics(
        sales="100.00",
        attendance=10,
        leads=5,
        targets={"attendance": missing, "leads": 10, "sales": missing},
    )
    assert result["attainment"] == {"attendance": None, "leads": "0.5000", "sales": None}


def test_targets_not_given_at_all_give_no_attainment() -> None:
    result = metrics(costs=["1.00"], sales="1.00", attendance=1, leads=1, targets={})
    assert result["attainment"] == {"attendance": None, "leads": None, "sales": None}


def test_largest_amounts_keep_full_precision() -> None:
    result = metrics(
        costs=["999999999999.99"], budget="0.01", sales="999999999999.99", attendance=3
    )
    assert result["cost_total"] == "999999999999.99"
    assert result["budget_variance"] == "999999999999.98"
    assert result["roi"] == "0.0000"
    assert result["cost_per_attendee"] == "333333333333.33"


# --- median_of ----------------------------------------------------------------------------------


def test_median_of_an_odd_count_is_the_middle_value() -> None:
    assert median_of(["1.3218", "0.2500", "-0.1000"]) == "0.2500"


def test_median_of_an_even_count_is_the_mean_of_the_middle_two() -> None:
    assert median_of(["1.0000", "2.0000", "4.0000", "3.0000"]) == "2.5000"
    assert median_of(["35.75", "10.25"]) == "23.00"


def test_median_of_skips_missing_values() -> None:
    assert median_of([None, "0.5000", None, "1.5000", "1.0000"]) == "1.0000"


@pytest.mark.parametrize("values", [[], [None], [None, None]])
def test_median_of_nothing_is_none(values: list[str | None]) -> None:
    assert median_of(values) is None


def test_median_of_keeps_the_values_decimal_places_rounding_half_up() -> None:
    # The page shows the all-market median beside this activity's ratio: both with 4 places.
    assert median_of(["0.3333", "0.3334"]) == "0.3334"  # 0.33335
    assert median_of(["-0.3333", "-0.3334"]) == "-0.3334"  # away from zero
    assert median_of(["1.01", "1.02"]) == "1.02"  # money: 1.015
    assert median_of(["1.01", "1.04"]) == "1.03"  # 1.025: half up, not to even (1.02)
