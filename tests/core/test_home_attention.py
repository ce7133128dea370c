"""The staff home page's "Needs attention" panel (要対応): per role, only the work the user holds
the capability for, each count equal to what the linked list shows, another district's
records left out, a calm line when nothing waits, and a bounded number of queries."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ainet.care import concerns
from ainet.care.models import ConcernReport, Urgency
from ainet.core import access
from ainet.core.dashboard import Item, needs_attention
from ainet.core.models import District
from tests.care.concern_factories import town_in
from tests.care.factories import make_person
from tests.conftest import World
from tests.disaster.safety_people import declare_disaster, make_campaign
from tests.volunteers.url_rules import make_request, make_volunteer

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")


def _file_concern(world: World, district: District | None, *, hours_ago: int = 0) -> ConcernReport:
    """A report filed `hours_ago` hours ago; "soon" reports are due for acknowledging within
    hours, so a day-old one is overdue."""
    return concerns.file_concern(
        None,
        world.ward,
        concerns.ConcernInput(
            noticed="郵便物がたまっている",
            where="アパート1階",
            urgency=Urgency.SOON,
            town=town_in(district) if district else None,
        ),
        now=timezone.now() - datetime.timedelta(hours=hours_ago),
    ).report


def _attention(client: Client) -> dict[str, Item]:
    response = client.get(HOME)
    assert response.status_code == 200
    attention = response.context["attention"]
    return {item.key: item for item in attention.items}


def _listed(client: Client, item: Item) -> int:
    """How many records the linked page lists, read the way each page counts them."""
    context: Any = client.get(item.url).context
    if item.key == "concerns_overdue":  # the queue lists every open report, overdue first
        return sum(1 for report in context["reports"] if report.is_overdue)
    if "total" in context:  # the concern queue
        return int(context["total"])
    if "open_campaigns" in context:  # the safety campaign list
        return len(context["open_campaigns"])
    if "rows" in context and "rounds" in context:  # the reviewer's list: rows not scored yet
        return sum(1 for _application, scored in context["rows"] if not scored)
    return int(context["page"].paginator.count)


def _elsewhere(world: World) -> District:
    """A district none of the district personas works in (the care plaza serves A and B)."""
    district = (
        District.objects.filter(municipality=world.ward)
        .exclude(pk__in=[world.district_a.pk, world.district_b.pk])
        .first()
    )
    assert district is not None
    return district


def _some_of_everything(world: World, district: District) -> None:
    """In `district`: an overdue concern report, a fresh one, two people due for a contact,
    a pending volunteer registration and two requests waiting for a volunteer."""
    _file_concern(world, district, hours_ago=48)
    _file_concern(world, district)
    make_person(world, "未接触 一郎", district, last_contact_at=None)
    make_person(world, "未接触 二郎", district, last_contact_at=None)
    make_volunteer(world, district, name="登録待ち 花子", status="pending", registered_on=None)
    make_request(world, district, title="受付のままの依頼")
    make_request(world, district, title="調整中の依頼", state="coordinating")


def test_the_ward_administrator_sees_every_kind_of_work_with_the_lists_counts(
    world: World,
) -> None:
    _some_of_everything(world, world.district_a)
    _file_concern(world, None, hours_ago=1)  # no town block: not routed to a district
    make_campaign(world)
    client = world.client_for("ward_admin")
    items = _attention(client)

    expected = {
        "concerns_overdue": 1,
        "concerns_open": 3,
        "concerns_escalated": 1,
        "concerns_unrouted": 1,
        "safety_campaigns": 1,
        "worklist": 2,
        "grants_submitted": 1,  # the demo ward's submitted application from 矢向
        "volunteer_registrations": 1,
        "volunteer_requests_received": 1,
        "volunteer_requests_coordinating": 1,
    }
    assert {key: item.count for key, item in items.items()} == expected
    for key, item in items.items():
        assert _listed(client, item) == item.count, key
    assert items["concerns_escalated"].url == reverse("care_concerns:queue") + "?team=escalated"
    assert items["grants_submitted"].url.endswith("?status=submitted")


def test_the_counts_and_links_are_written_out_in_words(world: World) -> None:
    _file_concern(world, world.district_a, hours_ago=48)
    make_campaign(world)
    page = world.client_for("ward_admin").get(HOME).content.decode()
    assert '<h2 id="attention-heading">要対応</h2>' in page
    queue = reverse("care_concerns:queue")
    assert f'<a href="{queue}">期限を過ぎた見守り通報が1件あります。</a>' in page
    assert "実施中の安否確認が1件あります。" in page
    assert "至急" in page  # a word, not only a colour
    english = world.client_for("ward_admin", "en").get(HOME).content.decode()
    assert '<h2 id="attention-heading">Needs attention</h2>' in english
    assert f'<a href="{queue}">1 concern report is past its deadline.</a>' in english
    assert "1 safety confirmation campaign is open." in english


def test_care_plaza_staff_see_their_districts_work_and_nothing_they_cannot_do(
    world: World,
) -> None:
    _some_of_everything(world, world.district_a)
    _some_of_everything(world, _elsewhere(world))
    client = world.client_for("care_plaza")
    items = _attention(client)

    assert {key: item.count for key, item in items.items()} == {
        "concerns_overdue": 1,
        "concerns_open": 2,
        "worklist": 2,
    }
    for key in ("concerns_open", "worklist"):
        assert _listed(client, items[key]) == items[key].count, key
    # No ward administrators' lists, no grant decisions, no volunteer centre work.
    assert reverse("grants:application_list") not in client.get(HOME).content.decode()


def test_the_volunteer_centre_coordinator_sees_requests_and_the_scores_asked_of_them(
    world: World,
) -> None:
    _some_of_everything(world, world.district_a)
    client = world.client_for("shakyo")
    items = _attention(client)

    assert items["volunteer_requests_received"].count == 1
    assert items["volunteer_requests_coordinating"].count == 1
    assert items["volunteer_registrations"].count == 1
    assert items["grants_to_score"].count == 1  # the demo round names them as a reviewer
    for item in items.values():
        assert _listed(client, item) == item.count, item.key


def test_a_welfare_commissioner_sees_the_worklist_and_campaigns_but_no_concern_queue(
    world: World,
) -> None:
    make_person(world, "未接触 三郎", world.district_a, last_contact_at=None)
    _file_concern(world, world.district_a, hours_ago=48)
    make_campaign(world)
    client = world.client_for("minsei")
    items = _attention(client)

    assert "concerns_open" not in items and "concerns_overdue" not in items
    assert set(items) <= {"worklist", "safety_campaigns"}
    assert items["safety_campaigns"].count == 1
    for item in items.values():
        assert _listed(client, item) == item.count, item.key


def test_another_districts_records_are_not_counted(world: World) -> None:
    _some_of_everything(world, world.district_a)
    items = _attention(world.client_for("staff_b"))
    # District B's staff: district A's reports, people, registrations and requests are not theirs.
    assert items == {}
    page = world.client_for("staff_b").get(HOME).content.decode()
    assert "いま対応が必要なものはありません。" in page


def test_nothing_waiting_reads_as_a_calm_line(world: World) -> None:
    page = world.client_for("care_plaza").get(HOME).content.decode()
    assert '<p id="attention-none">いま対応が必要なものはありません。</p>' in page
    assert "badge--alert" not in page
    english = world.client_for("care_plaza", "en").get(HOME).content.decode()
    assert "Nothing needs your attention right now." in english


def test_roles_with_no_such_work_get_no_panel(world: World) -> None:
    for persona in ("auditor", "partner"):
        page = world.client_for(persona).get(HOME).content.decode()
        assert 'id="attention-heading"' not in page, persona


def test_disaster_mode_is_flagged_where_it_is_declared(world: World) -> None:
    declare_disaster(world, [world.district_a])
    admin = world.client_for("ward_admin").get(HOME).content.decode()
    link = reverse("disaster:declaration_list")
    assert f'<a href="{link}">災害モードが発令中です（1件）。</a>' in admin
    minsei = world.client_for("minsei").get(HOME).content.decode()
    assert f'<a href="{link}">災害モードが発令中です（1件）。</a>' in minsei
    staff_b = world.client_for("staff_b").get(HOME).content.decode()
    assert "災害モードが発令中です" not in staff_b


def test_the_panel_costs_the_same_few_queries_however_much_waits(world: World) -> None:
    client = world.client_for("ward_admin")

    def page_queries() -> int:
        client.get(HOME)  # warm the per-worker compiled SQL
        with CaptureQueriesContext(connection) as captured:
            assert client.get(HOME).status_code == 200
        return len(captured)

    _some_of_everything(world, world.district_a)
    few = page_queries()
    for _round in range(5):
        _some_of_everything(world, world.district_a)
        _some_of_everything(world, world.district_b)
        make_campaign(world)
    assert page_queries() == few


def test_the_panel_itself_is_a_handful_of_counts(world: World) -> None:
    _some_of_everything(world, world.district_a)
    make_campaign(world)
    user = world.users["ward_admin"]
    assert access.can(user, "care.view")  # the access scope is read once per request anyway
    with CaptureQueriesContext(connection) as captured:
        attention = needs_attention(user, timezone.now())
    assert len(attention.items) == 9
    # Concern reports 1 (+2 reads of the administered wards), campaigns 1, worklist 1,
    # grants 2, volunteers 2 (+1 read of the administered wards).
    assert len(captured) <= 10
