"""The plan's outcome table comes out of ainet's own records and equals the plan review's."""

import json

import pytest
from django.core.management import call_command

from ainet.core.indicators import Span, discover, value
from ainet.core.models import District
from ainet.demo.plan_content import SEED_TABLE
from ainet.plan.models import PlanPeriod
from ainet.plan.outcome import compute, fiscal_year_columns, outcome_table


def run_indicators(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    call_command("indicators", *args)
    return capsys.readouterr().out


def test_demo_history_reproduces_every_figure_of_the_review(
    history_ward: object, db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_indicators(capsys, "--municipality", "141011", "--periods", "1,2", "--format", "json")
    data = json.loads(out)
    assert data["municipality"] == "141011"
    assert [(p["number"], p["start_fy"], p["end_fy"]) for p in data["periods"]] == [
        (1, 2005, 2009),
        (2, 2010, 2014),
    ]
    computed = {row["key"]: tuple(row["values"]) for row in data["rows"]}
    assert computed == SEED_TABLE


def test_every_registered_indicator_has_a_label_and_source() -> None:
    indicators = discover()
    assert set(indicators) == set(SEED_TABLE)
    assert all(str(i.label) and str(i.source) for i in indicators.values())


def test_period_labels_carry_wareki_and_western_years(
    history_ward: object, db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_indicators(capsys, "--municipality", "141011", "--periods", "2", "--format", "json")
    assert json.loads(out)["periods"][0]["label"].endswith("平成22〜26年度（2010〜2014年度）")
    out = run_indicators(
        capsys, "--municipality", "141011", "--periods", "2", "--format", "json", "--lang", "en"
    )
    assert "FY2010–2014" in json.loads(out)["periods"][0]["label"]


def test_table_and_csv_formats_show_the_same_figures(
    history_ward: object, db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    table = run_indicators(capsys, "--municipality", "141011", "--periods", "1,2")
    assert "1939" in table and "1993" in table and "131" in table
    csv_text = run_indicators(
        capsys, "--municipality", "141011", "--periods", "1,2", "--format", "csv"
    )
    assert "forum_participants,推進フォーラム参加者数,1939,1993" in csv_text or (
        "forum_participants," in csv_text and ",1939,1993" in csv_text
    )


def test_per_district_counts_add_up_to_the_ward_for_counted_records(
    history_ward: object, db: None
) -> None:
    periods = list(PlanPeriod.objects.filter(municipality=history_ward, number__in=[1, 2]))
    table = outcome_table(history_ward, periods, by_district=True)  # type: ignore[arg-type]
    for row in table.rows:
        if row.key in {"committee_meetings"}:
            assert all(v is None for vs in row.by_district.values() for v in vs)
            continue
        for i, ward_value in enumerate(row.values):
            assert sum(vs[i] or 0 for vs in row.by_district.values()) == ward_value, row.key


def test_one_district_and_one_fiscal_year(history_ward: object, db: None) -> None:
    yako = District.objects.get(code="yako")
    fy2014 = Span(2014, 2014, 2014)
    assert value("forum_participants", history_ward, fy2014) == 400
    assert value("active_support_team_districts", history_ward, fy2014, yako.pk) == 1
    table = compute(history_ward, fiscal_year_columns(2010, 2014), keys=["grant_funded_projects"])  # type: ignore[arg-type]
    assert table.rows[0].values == [17, 19, 21, 36, 38]


def test_a_later_period_without_records_counts_zero_and_keeps_stocks(
    history_ward: object, db: None
) -> None:
    period3 = PlanPeriod.objects.get(municipality=history_ward, number=3)
    values = {r.key: r.values[0] for r in outcome_table(history_ward, [period3]).rows}  # type: ignore[arg-type]
    assert values["committee_meetings"] == 0  # the committee exists, no meetings recorded
    assert values["forum_participants"] == 0
    assert values["care_plazas"] == 9


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--municipality", "141012", "--periods", "1"], "141012"),
        (["--municipality", "141011", "--periods", "4"], "Period 4 does not exist"),
        (["--municipality", "141011", "--periods", "x"], "period numbers"),
        (["--municipality", "141011", "--periods", "1", "--district", "atlantis"], "atlantis"),
    ],
)
def test_bad_input_is_a_clear_message_and_exit_code_2(
    history_ward: object, db: None, args: list[str], message: str
) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as caught:
        call_command("indicators", *args)
    assert caught.value.returncode == 2
    assert message in str(caught.value)


def test_a_district_of_another_municipality_is_refused(
    history_ward: object, db: None, other_ward: object
) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command(
            "indicators", "--municipality", "141011", "--periods", "1", "--district", "kanagawa-a"
        )
