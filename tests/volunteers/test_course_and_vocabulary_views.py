"""Course pages and the skill / certificate vocabulary pages."""

from __future__ import annotations

from django.urls import reverse

from ainet.volunteers.models import DementiaCourse, Skill
from tests.conftest import World
from tests.volunteers.url_rules import make_caravan_mate, make_course, skill


def test_planning_a_course_with_a_caravan_mate(world: World) -> None:
    mate = make_caravan_mate(world)
    response = world.client_for("shakyo").post(
        reverse("volunteers:course_create"),
        {
            "title": "講座",
            "date": "2026-05-01",
            "district": world.district_a.pk,
            "trainers": [mate.pk],
        },
    )
    assert response.status_code == 302
    assert DementiaCourse.objects.get().trainers.get() == mate


def test_a_course_without_trainers_is_refused(world: World) -> None:
    response = world.client_for("shakyo").post(
        reverse("volunteers:course_create"),
        {"title": "講座", "date": "2026-05-01", "district": world.district_a.pk},
    )
    assert response.status_code == 400
    assert not DementiaCourse.objects.exists()


def test_attendees_and_graduation_from_the_page(world: World) -> None:
    course = make_course(world)
    client = world.client_for("shakyo")
    client.post(reverse("volunteers:course_attendee_add", args=[course.pk]), {"name": "受講 一郎"})
    attendee = course.attendees.get()
    assert (
        client.post(
            reverse("volunteers:course_attendee_add", args=[course.pk]), {"name": ""}
        ).status_code
        == 400
    )
    client.post(reverse("volunteers:course_graduate", args=[course.pk, attendee.pk]))
    attendee.refresh_from_db()
    assert attendee.graduated_on == course.event.date
    page = client.get(reverse("volunteers:course_list")).content.decode()
    assert course.event.title in page


def test_a_course_of_another_district_is_404(world: World) -> None:
    course = make_course(world)
    response = world.client_for("staff_b").get(
        reverse("volunteers:course_detail", args=[course.pk])
    )
    assert response.status_code == 404


def test_adding_and_editing_a_skill(world: World) -> None:
    skill(world)
    client = world.client_for("shakyo")
    response = client.post(
        reverse("volunteers:vocabulary_list", args=["skills"]),
        {"code": "reading", "name": "朗読", "sort_order": "5", "is_active": "on"},
    )
    assert response.status_code == 302
    item = Skill.objects.get(code="reading")
    response = client.post(
        reverse("volunteers:vocabulary_edit", args=["skills", item.pk]),
        {"code": "shopping", "name": "重複", "sort_order": "5"},
    )
    assert response.status_code == 400  # the code is taken
    item.refresh_from_db()
    assert item.name == "朗読"


def test_readers_cannot_add_terms_and_unknown_kinds_are_404(world: World) -> None:
    client = world.client_for("care_plaza")
    response = client.post(
        reverse("volunteers:vocabulary_list", args=["skills"]), {"code": "x", "name": "x"}
    )
    assert response.status_code == 403
    assert client.get(reverse("volunteers:vocabulary_list", args=["bogus"])).status_code == 404


def test_the_hub_counts(world: World) -> None:
    page = world.client_for("shakyo").get(reverse("volunteers:home"))
    assert page.status_code == 200


def test_the_hub_links_the_public_registration_form_by_name(world: World) -> None:
    page = world.client_for("shakyo").get(reverse("volunteers:home")).content.decode()
    url = reverse("volunteers_public:register")
    assert f'<a href="{url}">公開登録フォームを開く</a>' in page
    assert f">{url}</a>" not in page
    english = world.client_for("shakyo", lang="en").get(reverse("volunteers:home"))
    assert f'<a href="{url}">Open the public registration form</a>' in english.content.decode()
