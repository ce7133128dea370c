"""Supporters: staff of their district edit them and mark them inactive (never delete them);
their open ties can end with them, and the isolation analysis stops counting them."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ainet.care import isolation, services
from ainet.care.models import SupporterKind, SupportTie
from ainet.core import audit
from ainet.core.dates import today_tokyo
from ainet.core.models import AuditEvent
from tests.care.factories import make_person, supporter_for, tie
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _form(supporter: object, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": SupporterKind.NEIGHBOUR,
        "name": "近所 花子",
        "name_kana": "きんじょ はなこ",
        "district": supporter.district_id,  # type: ignore[attr-defined]
        "phone": "045-000-0000",
        "languages": "ja, pt",
        "evacuation_capacity": "2",
    }
    data.update(changes)
    return data


def test_staff_edit_a_supporter_of_their_district(world: World) -> None:
    neighbour = supporter_for(world, None, SupporterKind.NEIGHBOUR)
    url = reverse("care:supporter_edit", kwargs={"pk": neighbour.pk})
    client = world.client_for("staff_a")
    page = client.get(url)
    assert page.status_code == 200 and neighbour.name in page.content.decode()
    response = client.post(url, _form(neighbour))
    assert response.status_code == 302
    neighbour.refresh_from_db()
    assert neighbour.name == "近所 花子" and neighbour.languages == ["ja", "pt"]
    assert neighbour.evacuation_capacity == 2 and neighbour.phone == "045-000-0000"
    event = AuditEvent.objects.filter(
        action=audit.Action.UPDATE, object_type="care.Supporter", object_id=str(neighbour.pk)
    ).latest("pk")
    assert "name" in event.details["fields"] and "近所" not in str(event.details)


def test_editing_keeps_the_map_position_unless_a_town_block_is_chosen(world: World) -> None:
    neighbour = supporter_for(world, None, SupporterKind.NEIGHBOUR)
    before = (neighbour.lat, neighbour.lng)
    services.update_supporter(
        world.users["staff_a"],
        neighbour,
        kind=neighbour.kind,
        name="新しい名前",
        district=world.district_a,
    )
    neighbour.refresh_from_db()
    assert (neighbour.lat, neighbour.lng) == before and neighbour.name == "新しい名前"


def test_bad_input_gives_form_errors_and_changes_nothing(world: World) -> None:
    neighbour = supporter_for(world, None, SupporterKind.NEIGHBOUR)
    url = reverse("care:supporter_edit", kwargs={"pk": neighbour.pk})
    for lang, wording in (("ja", "言語コード"), ("en", "language codes")):
        response = world.client_for("staff_a", lang).post(
            url, _form(neighbour, languages="日本語!", evacuation_capacity="-3", name="")
        )
        assert response.status_code == 400
        assert wording in response.content.decode()
    neighbour.refresh_from_db()
    assert neighbour.name == "支援者（neighbour）" and neighbour.languages == []


def test_a_supporter_cannot_be_moved_to_a_district_the_staff_does_not_see(world: World) -> None:
    neighbour = supporter_for(world, None, SupporterKind.NEIGHBOUR)
    with pytest.raises(PermissionDenied):
        services.update_supporter(
            world.users["staff_a"],
            neighbour,
            kind=neighbour.kind,
            name="x",
            district=world.district_b,
        )
    neighbour.refresh_from_db()
    assert neighbour.district_id == world.district_a.pk


def test_staff_of_other_district_gets_404(world: World) -> None:
    neighbour = supporter_for(world, None, SupporterKind.NEIGHBOUR)
    client = world.client_for("staff_b")
    for name in ("care:supporter_edit", "care:supporter_deactivate", "care:supporter_reactivate"):
        url = reverse(name, kwargs={"pk": neighbour.pk})
        assert client.post(url, _form(neighbour, reason="x", on="2024-07-01")).status_code == 404
    neighbour.refresh_from_db()
    assert neighbour.is_active and neighbour.name == "支援者（neighbour）"


def test_only_managers_edit_or_deactivate(world: World) -> None:
    neighbour = supporter_for(world, None, SupporterKind.NEIGHBOUR)
    for persona in ("minsei", "volunteer", "association"):
        with pytest.raises(PermissionDenied):
            services.deactivate_supporter(
                world.users[persona], neighbour, on=today_tokyo(), reason="x"
            )
    url = reverse("care:supporter_edit", kwargs={"pk": neighbour.pk})
    assert world.client_for("minsei").get(url).status_code == 403


def test_deactivating_ends_open_ties_and_the_analysis_stops_counting_them(world: World) -> None:
    person = make_person(world)
    neighbour = supporter_for(world, None, SupporterKind.NEIGHBOUR)
    made = tie(person, neighbour)
    staff = world.users["staff_a"]
    today = today_tokyo()
    page = world.client_for("staff_a").get(
        reverse("care:supporter_deactivate", kwargs={"pk": neighbour.pk})
    )
    # The page shows who would be left with nobody before anything changes.
    assert page.status_code == 200 and person.name in page.content.decode()
    assert list(isolation.left_with_nobody(staff, today, [neighbour.pk])) == [person]
    response = world.client_for("staff_a").post(
        reverse("care:supporter_deactivate", kwargs={"pk": neighbour.pk}),
        {"on": today.isoformat(), "reason": "転居", "end_ties": "on"},
    )
    assert response.status_code == 302
    neighbour.refresh_from_db()
    made.refresh_from_db()
    assert not neighbour.is_active
    assert made.ended_on == today and made.end_reason == "転居"
    assert SupportTie.objects.filter(pk=made.pk).exists()  # ended, not deleted
    coverage = isolation.with_tie_counts(isolation.people_in_scope(staff, today), today)
    assert coverage.get(pk=person.pk).ties_total == 0  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(object_id=str(made.pk), action=audit.Action.UPDATE).exists()


def test_deactivating_can_keep_the_ties_open_but_they_count_no_more(world: World) -> None:
    person = make_person(world)
    neighbour = supporter_for(world, None, SupporterKind.NEIGHBOUR)
    made = tie(person, neighbour)
    staff = world.users["staff_a"]
    today = today_tokyo()
    ended = services.deactivate_supporter(staff, neighbour, on=today, reason="休止", end_ties=False)
    assert ended == []
    made.refresh_from_db()
    assert made.ended_on is None
    coverage = isolation.with_tie_counts(isolation.people_in_scope(staff, today), today)
    assert coverage.get(pk=person.pk).ties_total == 0  # type: ignore[attr-defined]
    # An inactive supporter is no longer offered for new ties.
    with pytest.raises(ValidationError):
        services.create_tie(staff, make_person(world), neighbour, since=today)


def test_deactivation_needs_a_reason_and_a_date_not_in_the_future(world: World) -> None:
    neighbour = supporter_for(world, None, SupporterKind.NEIGHBOUR)
    made = tie(make_person(world), neighbour)
    url = reverse("care:supporter_deactivate", kwargs={"pk": neighbour.pk})
    future = (today_tokyo() + datetime.timedelta(days=3)).isoformat()
    for data in ({"on": future, "reason": "x", "end_ties": "on"}, {"on": "2024-07-01"}):
        assert world.client_for("staff_a").post(url, data).status_code == 400
    # A date before one of the ties began would end a tie before it started.
    with pytest.raises(ValidationError):
        services.deactivate_supporter(
            world.users["staff_a"], neighbour, on=datetime.date(2000, 1, 1), reason="x"
        )
    neighbour.refresh_from_db()
    made.refresh_from_db()
    assert neighbour.is_active and made.ended_on is None


def test_a_supporter_can_be_made_active_again(world: World) -> None:
    neighbour = supporter_for(world, None, SupporterKind.NEIGHBOUR)
    services.deactivate_supporter(world.users["staff_a"], neighbour, on=today_tokyo(), reason="x")
    url = reverse("care:supporter_reactivate", kwargs={"pk": neighbour.pk})
    assert world.client_for("staff_a").get(url).status_code == 405
    assert world.client_for("staff_a").post(url).status_code == 302
    neighbour.refresh_from_db()
    assert neighbour.is_active
    with pytest.raises(ValidationError):
        services.reactivate_supporter(world.users["staff_a"], neighbour)


def test_the_detail_page_offers_editing_only_to_managers(world: World) -> None:
    neighbour = supporter_for(world, None, SupporterKind.NEIGHBOUR)
    url = reverse("care:supporter_detail", kwargs={"pk": neighbour.pk})
    edit = reverse("care:supporter_edit", kwargs={"pk": neighbour.pk})
    assert edit in world.client_for("staff_a").get(url).content.decode()
    assert edit not in world.client_for("minsei").get(url).content.decode()


def test_a_supporter_without_a_district_is_managed_by_those_who_see_the_whole_ward(
    world: World,
) -> None:
    loose = supporter_for(world, None, SupporterKind.NEIGHBOUR, district=None)
    url = reverse("care:supporter_edit", kwargs={"pk": loose.pk})
    assert world.client_for("staff_a").get(url).status_code == 404  # one district only
    admin = world.client_for("ward_admin")
    assert admin.get(url).status_code == 200
    response = admin.post(url, _form(loose, district=world.district_b.pk))
    assert response.status_code == 302
    loose.refresh_from_db()
    assert loose.district == world.district_b and loose.name == "近所 花子"
