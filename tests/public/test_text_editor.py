"""Staff edit the public texts per language; every change audited."""

from __future__ import annotations

from django.urls import reverse

from ainet.core.models import AuditEvent
from ainet.public.models import PublicText
from tests.conftest import World


def _url(key: str = "forum-about", language: str = "ko") -> str:
    return reverse("public_staff:text_edit", args=[key, language])


def test_the_list_shows_every_text_and_language(world: World) -> None:
    page = world.client_for("ward_admin", lang="en").get(reverse("public_staff:text_list"))
    assert page.status_code == 200
    assert "Easy Japanese" in page.text and "Vietnamese" in page.text
    assert _url() in page.text


def test_a_ward_administrator_writes_a_text_and_the_public_page_shows_it(world: World) -> None:
    response = world.client_for("ward_admin").post(_url(), {"body": "매년 2월 포럼"})
    assert response.status_code == 302
    text = PublicText.objects.get(municipality=world.ward, key="forum-about", language="ko")
    assert text.updated_by == world.users["ward_admin"]
    assert AuditEvent.objects.filter(details__public_text="forum-about").exists()
    page = world.client_for("anonymous", lang="ko").get(reverse("public:forum"))
    assert "매년 2월 포럼" in page.text


def test_an_empty_text_removes_the_translation(world: World) -> None:
    client = world.client_for("ward_admin")
    client.post(_url(), {"body": "x"})
    client.post(_url(), {"body": ""})
    assert not PublicText.objects.filter(key="forum-about", language="ko").exists()


def test_unknown_keys_and_languages_are_not_found(world: World) -> None:
    client = world.client_for("ward_admin")
    assert client.get(_url("no-such-text")).status_code == 404
    assert client.get(_url(language="xx")).status_code == 404


def test_a_text_that_is_too_long_is_refused(world: World) -> None:
    response = world.client_for("ward_admin").post(_url(), {"body": "あ" * 10_001})
    assert response.status_code == 400
    assert not PublicText.objects.filter(key="forum-about", language="ko").exists()


def test_other_staff_cannot_edit(world: World) -> None:
    assert world.client_for("staff_a").post(_url(), {"body": "x"}).status_code == 403
