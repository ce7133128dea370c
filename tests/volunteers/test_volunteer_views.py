"""The volunteer pages: list with filters, staff entry and edit, detail (audited), the status,
certificate, hours and attendance forms."""

from __future__ import annotations

from django.urls import reverse

from ainet.core.models import AuditEvent
from ainet.volunteers.models import Volunteer
from tests.conftest import World
from tests.volunteers.url_rules import certificate, make_volunteer, skill, town_in


def test_the_list_filters_by_language_slot_and_skill(world: World) -> None:
    make_volunteer(world, name="ペドロ（テスト）", languages="ja,pt", availability="mon-am")
    make_volunteer(world, name="花子（テスト）", languages="ja", availability="tue-pm")
    client = world.client_for("shakyo")
    page = client.get(reverse("volunteers:volunteer_list"), {"language": "pt"}).content.decode()
    assert "ペドロ（テスト）" in page and "花子（テスト）" not in page
    page = client.get(reverse("volunteers:volunteer_list"), {"slot": "tue-pm"}).content.decode()
    assert "花子（テスト）" in page and "ペドロ（テスト）" not in page
    page = client.get(
        reverse("volunteers:volunteer_list"), {"skill": skill(world, "garden").pk}
    ).content.decode()
    assert "花子（テスト）" not in page


def test_the_list_hides_other_districts(world: World) -> None:
    make_volunteer(world, world.district_b, name="市場の人", town=town_in(world.district_b))
    page = world.client_for("staff_a").get(reverse("volunteers:volunteer_list")).content.decode()
    assert "市場の人" not in page


def test_a_bad_filter_answers_400(world: World) -> None:
    response = world.client_for("shakyo").get(reverse("volunteers:volunteer_list"), {"slot": "x"})
    assert response.status_code == 400


def test_staff_register_a_volunteer_from_the_form(world: World) -> None:
    response = world.client_for("shakyo").post(
        reverse("volunteers:volunteer_create"),
        {
            "name": "登録 太郎",
            "town": town_in(world.district_a).pk,
            "skills": [skill(world).pk],
            "languages": ["ja"],
            "availability": ["mon-am", "sat-eve"],
            "contact_consent": "on",
            "capacity": "2",
        },
    )
    volunteer = Volunteer.objects.get(name="登録 太郎")
    assert response.status_code == 302
    assert volunteer.availability == "mon-am,sat-eve"


def test_a_bad_form_answers_400_in_english_and_saves_nothing(world: World) -> None:
    response = world.client_for("shakyo", "en").post(
        reverse("volunteers:volunteer_create"),
        {"name": "", "capacity": "99", "availability": ["mon-night"]},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_a_form_error_from_the_service_comes_back_in_japanese(world: World) -> None:
    response = world.client_for("shakyo").post(
        reverse("volunteers:volunteer_create"), {"name": "地区なし", "capacity": "1"}
    )
    assert response.status_code == 400
    assert "地区または町丁目を選んでください" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_the_detail_read_is_audited_and_404_outside_the_district(world: World) -> None:
    volunteer = make_volunteer(world)
    url = reverse("volunteers:volunteer_detail", args=[volunteer.pk])
    assert world.client_for("care_plaza").get(url).status_code == 200
    assert AuditEvent.objects.filter(action="record.view", object_id=str(volunteer.pk)).count() == 1
    assert world.client_for("staff_b").get(url).status_code == 404


def test_care_plaza_staff_see_no_edit_forms(world: World) -> None:
    volunteer = make_volunteer(world)
    page = world.client_for("care_plaza").get(
        reverse("volunteers:volunteer_detail", args=[volunteer.pk])
    )
    assert reverse("volunteers:volunteer_status", args=[volunteer.pk]) not in page.content.decode()


def test_edit_saves_the_changes(world: World) -> None:
    volunteer = make_volunteer(world)
    response = world.client_for("staff_a").post(
        reverse("volunteers:volunteer_edit", args=[volunteer.pk]),
        {
            "name": "改名",
            "town": town_in(world.district_a, 1).pk,
            "languages": ["ja", "en"],
            "capacity": "3",
        },
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert (volunteer.name, volunteer.languages, volunteer.capacity) == ("改名", "en,ja", 3)


def test_status_certificate_and_hours_forms(world: World) -> None:
    volunteer = make_volunteer(world)
    client = world.client_for("shakyo")
    response = client.post(
        reverse("volunteers:volunteer_certificate", args=[volunteer.pk]),
        {"certificate": certificate(world).pk, "obtained_on": "令和6年4月1日"},
    )
    assert response.status_code == 302
    assert volunteer.certificates.count() == 1
    response = client.post(
        reverse("volunteers:volunteer_hours", args=[volunteer.pk]),
        {"date": "2025-05-01", "hours": "100"},
    )
    assert response.status_code == 400
    assert not volunteer.logs.exists()
    response = client.post(
        reverse("volunteers:volunteer_status", args=[volunteer.pk]),
        {"status": "paused", "on": "2025-05-01"},
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.status == "paused"


def test_confirming_a_pending_registration(world: World) -> None:
    volunteer = make_volunteer(world, status="pending", registered_on=None)
    response = world.client_for("shakyo").post(
        reverse("volunteers:volunteer_confirm", args=[volunteer.pk])
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.status == "active" and volunteer.registered_on is not None
