import datetime
import json

import pytest
from django.core.management import call_command

from ainet.core.models import District, Organisation, OrganisationKind, Town, User
from ainet.demo import builder

CONFIRMED = {"矢向", "市場", "豊岡", "潮田西部", "潮田東部", "寺尾", "生麦", "駒岡", "下末吉"}


def test_every_real_town_block_goes_to_exactly_one_district() -> None:
    towns = builder.load_towns()
    assignment = builder.assign_towns(towns)
    assert len(towns) == 130
    assert set(assignment) == {t["town"] for t in towns}
    assert set(assignment.values()) == {d.code for d in builder.DISTRICTS}


@pytest.mark.django_db
def test_demo_builds_tsurumi_with_18_districts_and_the_real_town_blocks(capsys: object) -> None:
    call_command("demo")
    districts = District.objects.filter(municipality__code="141011")
    assert districts.count() == 18
    assert {d.name for d in districts if not d.is_demo_name} == CONFIRMED
    assert all(d.is_demo_name for d in districts if d.name not in CONFIRMED)
    assert Town.objects.count() == 130
    assert not Town.objects.filter(district__isnull=True).exists()


@pytest.mark.django_db
def test_demo_has_nine_care_plazas_seven_of_them_open_in_april_2010() -> None:
    call_command("demo")
    plazas = Organisation.objects.filter(kind=OrganisationKind.CARE_PLAZA)
    assert plazas.count() == 9
    assert sum(p.is_open_on(datetime.date(2010, 4, 1)) for p in plazas) == 7
    assert sum(p.is_open_on(datetime.date(2015, 4, 1)) for p in plazas) == 9
    assert plazas.get(name="生麦地域ケアプラザ").opened_on == datetime.date(2012, 1, 1)
    assert plazas.get(name="馬場地域ケアプラザ").opened_on == datetime.date(2015, 2, 1)


@pytest.mark.django_db
def test_running_demo_twice_changes_nothing() -> None:
    call_command("demo")
    counts = (District.objects.count(), User.objects.count(), Organisation.objects.count())
    call_command("demo")
    assert counts == (District.objects.count(), User.objects.count(), Organisation.objects.count())


@pytest.mark.django_db
def test_demo_lists_its_accounts_as_json_with_one_account_per_role(
    capsys: pytest.CaptureFixture[str], settings: object
) -> None:
    from ainet.core.roles import Role

    call_command("demo", list_accounts=True, format="json")
    accounts = json.loads(capsys.readouterr().out)
    assert {a["role"] for a in accounts} == {r.value for r in Role}
    assert all(set(a) == {"username", "role", "districts"} for a in accounts)
    assert not District.objects.exists()  # --list-accounts builds nothing


@pytest.mark.django_db
def test_demo_accounts_use_the_demo_password_from_the_environment(settings: object) -> None:
    settings.AINET_DEMO_PASSWORD = "another-demo-pass"  # type: ignore[attr-defined]
    call_command("demo", format="json")
    assert User.objects.get(username="staff-yako").check_password("another-demo-pass")
