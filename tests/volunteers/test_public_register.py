"""The public registration form: no log-in, clear consent, a pending registration."""

from __future__ import annotations

from django.urls import reverse

from ainet.core.models import AuditEvent
from ainet.volunteers.models import Volunteer, VolunteerStatus
from tests.conftest import World
from tests.volunteers.url_rules import skill, town_in


def _post(world: World, lang: str = "ja", **extra: str) -> object:
    data = {
        "name": "応募 花子",
        "town": str(town_in(world.district_a).pk),
        "phone": "045-000-0000",
        "skills": [str(skill(world).pk)],
        "languages": ["ja"],
        "availability": ["sat-am"],
        "contact_consent": "on",
        **extra,
    }
    return world.client_for("anonymous", lang).post(reverse("volunteers_public:register"), data)


def test_the_url_name_is_kept_for_the_public_home_page() -> None:
    assert reverse("volunteers_public:register") == "/volunteer/register/"


def test_anyone_can_open_the_form_in_japanese_and_english(world: World) -> None:
    skill(world)
    ja = world.client_for("anonymous").get(reverse("volunteers_public:register"))
    en = world.client_for("anonymous", "en").get(reverse("volunteers_public:register"))
    assert ja.status_code == en.status_code == 200
    assert "ボランティア登録" in ja.content.decode()
    assert "Register as a volunteer" in en.content.decode()


def test_a_registration_is_pending_and_audited(world: World) -> None:
    response = _post(world)
    assert response.status_code == 302  # type: ignore[attr-defined]
    volunteer = Volunteer.objects.get(name="応募 花子")
    assert volunteer.status == VolunteerStatus.PENDING
    assert volunteer.district == world.district_a
    assert AuditEvent.objects.filter(
        object_id=str(volunteer.pk), actor_username="public registration form"
    ).exists()


def test_without_consent_nothing_is_saved_and_the_reason_is_shown(world: World) -> None:
    response = _post(world, "en", contact_consent="")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "Please agree" in response.content.decode()  # type: ignore[attr-defined]
    response = _post(world, "ja", contact_consent="")
    assert "同意" in response.content.decode()  # type: ignore[attr-defined]
    assert not Volunteer.objects.exists()


def test_a_contact_is_required(world: World) -> None:
    response = _post(world, phone="")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert not Volunteer.objects.exists()


def test_garbage_input_answers_400_not_500(world: World) -> None:
    response = _post(world, town="99999999", availability="mon-never")
    assert response.status_code == 400  # type: ignore[attr-defined]


def test_the_thank_you_page(world: World) -> None:
    assert world.client_for("anonymous").get(reverse("volunteers_public:thanks")).status_code == 200
