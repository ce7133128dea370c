"""The worklist's CSV: exactly the rows the page shows for the same filter, UTF-8 with BOM or
CP932, formula cells neutralised, every export audited with the people in it."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ainet.care.models import Basis, DisasterDeclaration, WatchLevel
from ainet.core.models import AuditEvent
from tests.care.factories import contact, make_person
from tests.conftest import World

pytestmark = pytest.mark.django_db

URL = reverse("care:worklist_csv")
PAGE = reverse("care:worklist")


def ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def read(content: bytes, encoding: str = "utf-8-sig") -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode(encoding))))


def some_people(world: World) -> None:
    make_person(world, "低未接触", watch_level=WatchLevel.LOW, last_contact_at=None)
    make_person(world, "中40日", watch_level=WatchLevel.MEDIUM, last_contact_at=ago(40))
    make_person(world, "高20日", watch_level=WatchLevel.HIGH, last_contact_at=ago(20))
    make_person(world, "高未接触", watch_level=WatchLevel.HIGH, last_contact_at=None)
    kept = make_person(world, "高要対応", watch_level=WatchLevel.HIGH, last_contact_at=ago(2))
    contact(kept, at=ago(2), follow_up_needed=True)
    make_person(world, "市場の人", district=world.district_b, last_contact_at=None)


def test_the_csv_holds_the_rows_the_page_shows_for_the_same_filter(world: World) -> None:
    some_people(world)
    client = world.client_for("minsei")
    for query in ({}, {"watch_level": "high"}, {"q": "未接触"}):
        page = client.get(PAGE, query)
        response = client.get(URL, query)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        body = read(response.content)[1:]
        assert [r[3] for r in body] == [r["name"] for r in page.context["rows"]], query


def test_the_csv_has_japanese_headers_and_the_town_block_and_address(world: World) -> None:
    person = make_person(world, "矢向太郎", last_contact_at=None, address_detail="コーポ101")
    response = world.client_for("care_plaza").get(URL)
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM for Excel
    header, row = read(response.content)
    assert header == [
        "地区",
        "町丁目",
        "住所",
        "氏名",
        "ふりがな",
        "電話番号",
        "見守りの頻度",
        "最終の訪問・連絡",
        "超過日数",
        "未対応あり",
    ]
    assert row == [
        "矢向",
        str(person.town),
        f"{person.address} コーポ101",
        "矢向太郎",
        "しけん はなこ",
        "045-000-0000",
        "中（毎月の連絡）",
        "なし",
        "未接触",
        "いいえ",
    ]


def test_cp932_on_request(world: World) -> None:
    make_person(world, "髙橋 はな", last_contact_at=None)
    response = world.client_for("minsei").get(URL, {"encoding": "cp932"})
    assert response["Content-Type"] == "text/csv; charset=shift_jis"
    assert not response.content.startswith(b"\xef\xbb\xbf")
    assert read(response.content, "cp932")[1][3] == "髙橋 はな"


def test_formula_cells_are_neutralised(world: World) -> None:
    make_person(world, '=HYPERLINK("http://example.com")', last_contact_at=None)
    [_header, row] = read(world.client_for("minsei").get(URL).content)
    assert row[3] == '\'=HYPERLINK("http://example.com")'


def test_every_export_is_audited_with_its_people_and_filter(world: World) -> None:
    high = make_person(world, "高", watch_level=WatchLevel.HIGH, last_contact_at=None)
    make_person(world, "低", watch_level=WatchLevel.LOW, last_contact_at=None)
    world.client_for("minsei").get(URL, {"watch_level": "high", "encoding": "cp932"})
    event = AuditEvent.objects.get(action="export")
    assert event.actor == world.users["minsei"]
    assert event.municipality == world.ward
    assert event.details == {
        "report": "worklist_csv",
        "filter": {"watch_level": "high"},
        "people": [high.pk],
    }


def test_another_districts_people_are_not_exported(world: World) -> None:
    some_people(world)
    names = [r[3] for r in read(world.client_for("staff_b").get(URL).content)[1:]]
    assert names == ["市場の人"]
    names = [r[3] for r in read(world.client_for("minsei").get(URL).content)[1:]]
    assert "市場の人" not in names


def test_an_invalid_filter_exports_nobody(world: World) -> None:
    some_people(world)
    response = world.client_for("minsei").get(URL, {"district": "999999"})
    assert read(response.content)[1:] == []


@pytest.mark.parametrize("persona", ["committee", "auditor", "partner"])
def test_roles_without_the_worklist_may_not_export(world: World, persona: str) -> None:
    some_people(world)
    assert world.client_for(persona).get(URL).status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_export_query_count_does_not_grow(world: World) -> None:
    def count() -> int:
        client = world.client_for("minsei")
        client.get(URL)
        with CaptureQueriesContext(connection) as queries:
            client.get(URL)
        return len(queries)

    make_person(world, "一", last_contact_at=None)
    few = count()
    for i in range(30):
        contact(make_person(world, f"人{i}", last_contact_at=ago(100)), follow_up_needed=True)
    assert count() == few


def test_people_only_disaster_mode_shows_are_audited_as_unlocks(world: World) -> None:
    person = make_person(world, "区のみ", basis=Basis.WARD_ONLY, last_contact_at=None)
    declaration = DisasterDeclaration.objects.create(
        municipality=world.ward,
        reason="test",
        declared_by=world.users["ward_admin"],
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    declaration.districts.set([world.district_a])
    client = world.client_for("minsei")
    for url, page in (
        (PAGE, "worklist"),
        (URL, "worklist_csv"),
        (reverse("care:worklist_print"), "worklist_print"),
    ):
        client.get(url)
        event = AuditEvent.objects.filter(action="record.view").latest("pk")
        assert event.details == {"disaster_mode": True, "page": page, "people": [person.pk]}
