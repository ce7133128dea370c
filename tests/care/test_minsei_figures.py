"""民生委員 monthly activity figures in the national report's categories, with CSV in UTF-8
with BOM and CP932."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse

from ainet.care.models import ContactCategory, SupporterKind
from ainet.care.selectors import minsei_figures
from ainet.core.dates import TOKYO
from tests.care.factories import contact, make_person, supporter_for
from tests.conftest import World

pytestmark = pytest.mark.django_db


def at(day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2024, 5, day, hour, tzinfo=TOKYO)


@pytest.fixture
def logged(world: World) -> None:
    person = make_person(world)
    a = supporter_for(world, None, SupporterKind.MINSEI_IIN, name="民生 甲")
    b = supporter_for(world, None, SupporterKind.MINSEI_IIN, name="民生 乙")
    neighbour = supporter_for(world, None, SupporterKind.NEIGHBOUR, name="隣人")
    contact(person, supporter=a, at=at(1, 9), category=ContactCategory.VISIT_CONTACT)
    contact(person, supporter=a, at=at(1, 15), category=ContactCategory.CONSULTATION)
    contact(person, supporter=a, at=at(3), category=ContactCategory.LIAISON)
    contact(person, supporter=b, at=at(31, 23), category=ContactCategory.OTHER_ACTIVITY)
    # Not counted: another month (1 June 00:30 Tokyo is still 31 May in UTC), a neighbour.
    contact(person, supporter=b, at=datetime.datetime(2024, 6, 1, 0, 30, tzinfo=TOKYO))
    contact(person, supporter=neighbour, at=at(2))


def test_figures_per_commissioner_and_district_by_category_with_days_active(
    world: World, logged: None
) -> None:
    figures = minsei_figures(world.users["staff_a"], datetime.date(2024, 5, 1))
    rows = {r.label: (r.cells(), r.days_active) for r in figures.commissioners}
    assert rows == {"民生 甲": ([1, 1, 1, 0], 2), "民生 乙": ([0, 0, 0, 1], 1)}
    [district] = figures.districts
    assert (district.label, district.cells(), district.total, district.days_active) == (
        "矢向",
        [1, 1, 1, 1],
        4,
        3,
    )


def test_figures_count_only_contacts_about_people_the_user_may_see(
    world: World, logged: None
) -> None:
    figures = minsei_figures(world.users["staff_b"], datetime.date(2024, 5, 1))
    assert figures.commissioners == []


def test_the_page_and_csv_in_utf8_with_bom_and_cp932(world: World, logged: None) -> None:
    client = world.client_for("minsei")
    assert client.get(reverse("care:minsei_figures"), {"month": "2024-05"}).status_code == 200
    url = reverse("care:minsei_figures_csv")
    utf8 = client.get(url, {"month": "2024-05", "encoding": "utf-8"}).content
    assert utf8.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(utf8.decode("utf-8-sig"))))
    assert rows[0][0] == "民生委員"
    assert ["民生 甲", "矢向", "1", "1", "1", "0", "3", "2"] in rows
    cp932 = client.get(url, {"month": "2024-05", "encoding": "cp932"}).content
    assert list(csv.reader(io.StringIO(cp932.decode("cp932")))) == rows


def test_an_impossible_month_answers_400(world: World) -> None:
    response = world.client_for("minsei").get(reverse("care:minsei_figures"), {"month": "2024-13"})
    assert response.status_code == 400
