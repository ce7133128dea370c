"""The person list: search by name or furigana in any kana, filters, field levels per row,
pagination and a query count that does not grow with the data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ainet.care.models import Basis, ListKind, WatchLevel
from tests.care.factories import make_person, need, supporter_for, tie
from tests.conftest import World

pytestmark = pytest.mark.django_db

URL = reverse("care:person_list")


def names(world: World, persona: str = "staff_a", **query: str) -> list[str]:
    response = world.client_for(persona).get(URL, query)
    assert response.status_code == 200
    return [p["name"] for p in response.context["page"]]


def test_search_finds_people_by_furigana_in_any_kana_script(world: World) -> None:
    make_person(world, "鈴木 一郎", name_kana="すずき いちろう")
    make_person(world, "田中 次郎", name_kana="たなか じろう")
    assert names(world, q="スズキ") == ["鈴木 一郎"]
    assert names(world, q="ｽｽﾞｷ") == ["鈴木 一郎"]
    assert names(world, q="すずき") == ["鈴木 一郎"]
    assert names(world, q="田中") == ["田中 次郎"]


def test_filters_by_list_basis_need_and_watch_level(world: World) -> None:
    a = make_person(world, "甲", watch_level=WatchLevel.HIGH)
    make_person(world, "乙", list_kind=ListKind.WATCH, basis=Basis.WATCH_PROGRAMME)
    a.needs.add(need(world))
    assert names(world, list_kind="watch") == ["乙"]
    assert names(world, basis="consent") == ["甲"]
    assert names(world, need=str(need(world).pk)) == ["甲"]
    assert names(world, watch_level="high") == ["甲"]
    make_person(world, "丙", district=world.district_b)
    assert set(names(world, "care_plaza", district=str(world.district_a.pk))) == {"甲", "乙"}
    assert names(world, "care_plaza", district=str(world.district_b.pk)) == ["丙"]


def test_a_bad_filter_answers_400_with_nobody_listed(world: World) -> None:
    make_person(world)
    response = world.client_for("staff_a").get(URL, {"basis": "bogus"})
    assert response.status_code == 400
    assert list(response.context["page"]) == []


def test_volunteer_rows_hide_everything_beyond_the_minimal_fields(world: World) -> None:
    person = make_person(world, birth_date=None)
    tie(person, supporter_for(world, "volunteer"))
    html = world.client_for("volunteer").get(URL).content.decode()
    table = html.split("<tbody>")[1].split("</tbody>")[0]
    assert person.name in table
    assert "同意" not in table  # the legal basis column is blank for a volunteer
    html = world.client_for("staff_a").get(URL).content.decode()
    assert "同意" in html.split("<tbody>")[1]


def test_the_query_count_does_not_grow_with_the_number_of_people(world: World) -> None:
    def count() -> int:
        client = world.client_for("minsei")
        client.get(URL)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    make_person(world, "一")
    few = count()
    for i in range(60):
        make_person(world, f"人{i}").needs.add(need(world))
    assert count() == few


def test_pages_of_fifty(world: World) -> None:
    for i in range(55):
        make_person(world, f"人{i:02d}", name_kana=f"ひと{i:02d}")
    assert len(names(world)) == 50
    assert len(names(world, page="2")) == 5


@pytest.mark.parametrize("data", [{}, {"q": "す<ず", "district": "no-such", "watch_level": "x"}])
def test_filter_fields_render_as_djangos_field_groups(world: World, data: dict[str, str]) -> None:
    from ainet.care.forms import PersonFilterForm

    form = PersonFilterForm(data, user=world.users["staff_a"])
    form.is_valid()
    expected = "".join(f'<div class="form-field">{f.as_field_group()}</div>' for f in form)
    assert str(form.field_groups()) == expected
