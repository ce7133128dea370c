"""The public pages: home, plan, forum and registration, map, concern guidance, links that
appear only once the other capabilities exist, and texts with their fallbacks."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from ainet.community.models import Registration
from ainet.core.models import AuditEvent
from ainet.public import content, views
from ainet.public.models import PublicText
from tests.conftest import World
from tests.public.url_rules import make_event


def test_the_site_root_is_the_public_home(world: World) -> None:
    page = world.client_for("anonymous").get("/")
    assert page.status_code == 200
    assert "健康で住みやすい福祉のまちに" in page.text
    assert reverse("core:login") in page.text  # staff can still find their way in


def test_home_shows_upcoming_events(world: World) -> None:
    event = make_event(world, days_ahead=3)
    page = world.client_for("anonymous").get("/")
    assert event.title in page.text


def test_links_to_other_capabilities_appear_only_when_they_exist(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = world.client_for("anonymous").get("/")
    links = views.public_links()
    for key in ("grants", "volunteers"):
        if links[key]:
            assert links[key] in page.text
    if links["concern_report"]:
        concern = world.client_for("anonymous").get(reverse("public:concern"))
        assert links["concern_report"] in concern.text
    monkeypatch.setattr(views, "optional_url", lambda name: f"/fake/{name.replace(':', '-')}/")
    page = world.client_for("anonymous").get("/")
    assert "/fake/grants_public-calls/" in page.text
    assert "/fake/volunteers_public-register/" in page.text
    concern = world.client_for("anonymous").get(reverse("public:concern"))
    assert "/fake/care_public-concern_report/" in concern.text


def test_optional_url_is_empty_for_a_url_that_does_not_exist() -> None:
    assert views.optional_url("nothing_here:calls") == ""


def test_concern_page_gives_the_emergency_numbers(world: World) -> None:
    page = world.client_for("anonymous", lang="en").get(reverse("public:concern"))
    assert "call 119" in page.text and "110" in page.text
    assert "鶴見区役所" in page.text


def test_the_plan_in_brief_shows_the_pillars(world: World) -> None:
    from ainet.demo.history import build_plan

    build_plan(world.ward)
    page = world.client_for("anonymous").get(reverse("public:plan"))
    assert page.status_code == 200
    assert "つながりのある地域づくり" in page.text


# --- texts and fallbacks ----------------------------------------------------------


def test_a_missing_translation_falls_back_to_easy_japanese(world: World) -> None:
    PublicText.objects.filter(municipality=world.ward).delete()
    PublicText.objects.create(
        municipality=world.ward, key="home-welcome", language="ja-easy", body="みんなの　まち"
    )
    shown = content.text_for(world.ward, "home-welcome", "ko")
    assert (shown.body, shown.language, shown.is_fallback) == ("みんなの　まち", "ja-easy", True)
    page = world.client_for("anonymous", lang="ko").get("/")
    assert '<div class="public-text" lang="ja"><p>みんなの　まち</p></div>' in page.text


def test_then_to_japanese_then_to_the_built_in_text(world: World) -> None:
    PublicText.objects.filter(municipality=world.ward).delete()
    PublicText.objects.create(
        municipality=world.ward, key="forum-about", language="ja", body="毎年二月"
    )
    assert content.text_for(world.ward, "forum-about", "vi").language == "ja"
    built_in = content.text_for(world.ward, "concern-guidance", "en")
    assert built_in.body.startswith("If you are worried") and not built_in.from_record
    page = world.client_for("anonymous", lang="vi").get(reverse("public:concern"))
    assert "hàng xóm" in page.text  # the built-in text, in the page's language


def test_an_empty_record_never_gives_an_empty_page(world: World) -> None:
    PublicText.objects.filter(municipality=world.ward).delete()
    PublicText.objects.create(
        municipality=world.ward, key="home-welcome", language="en", body="   "
    )
    shown = content.text_for(world.ward, "home-welcome", "en")
    assert shown.body.strip()


def test_furigana_notation_in_a_record_becomes_ruby(world: World) -> None:
    PublicText.objects.update_or_create(
        municipality=world.ward,
        key="home-welcome",
        language="ja-easy",
        defaults={"body": "区役所《くやくしょ》に　<b>電話</b>"},
    )
    page = world.client_for("anonymous", lang="en").get("/", {"lang": "ja-easy"})
    assert "<ruby>区役所<rt>くやくしょ</rt></ruby>に" in page.text
    assert "&lt;b&gt;電話&lt;/b&gt;" in page.text  # staff text is escaped


# --- event registration -----------------------------------------------------------


def test_a_visitor_registers_for_an_upcoming_event(world: World) -> None:
    event = make_event(world)
    client = world.client_for("anonymous", lang="en")
    response = client.post(
        reverse("public:event_detail", args=[event.pk]),
        {"name": " 山田　花子 ", "name_kana": "やまだ"},
    )
    assert response.status_code == 302
    registration = Registration.objects.get(event=event)
    assert registration.name == "山田 花子"
    assert AuditEvent.objects.filter(details__via="public", object_id=str(event.pk)).exists()
    page = client.get(response["Location"])
    assert "you are registered" in page.text
    assert "山田" not in page.text  # names are never shown


def test_registration_needs_a_name_and_changes_nothing_without_one(world: World) -> None:
    event = make_event(world)
    response = world.client_for("anonymous", lang="en").post(
        reverse("public:event_detail", args=[event.pk]), {"name": "  "}
    )
    assert response.status_code == 400
    assert not Registration.objects.filter(event=event).exists()


def test_a_full_or_past_event_refuses_registration(world: World) -> None:
    full = make_event(world, capacity=1)
    Registration.objects.create(event=full, name="先着", registered_on=full.date)
    response = world.client_for("anonymous", lang="en").post(
        reverse("public:event_detail", args=[full.pk]), {"name": "二人目"}
    )
    assert response.status_code == 400
    assert "full" in response.text
    past = make_event(world, days_ahead=-3)
    response = world.client_for("anonymous", lang="en").post(
        reverse("public:event_detail", args=[past.pk]), {"name": "遅刻"}
    )
    assert response.status_code == 400
    assert Registration.objects.filter(event=past).count() == 0


def test_another_wards_event_is_not_found(world: World, other_ward: object) -> None:
    event = make_event(world)
    event.municipality = other_ward  # type: ignore[assignment]
    event.save()
    assert (
        world.client_for("anonymous")
        .get(reverse("public:event_detail", args=[event.pk]))
        .status_code
        == 404
    )


def test_forum_page_lists_forums_open_for_registration(world: World) -> None:
    forum = make_event(world, days_ahead=20)
    page = world.client_for("anonymous").get(reverse("public:forum"))
    assert forum.title in page.text
    assert reverse("public:event_detail", args=[forum.pk]) in page.text


# --- map --------------------------------------------------------------------------


def test_the_public_map_has_areas_facilities_events_and_a_list(world: World) -> None:
    event = make_event(world, district=world.district_a, days_ahead=5)
    page = world.client_for("anonymous", lang="en").get(reverse("public:map"))
    assert page.status_code == 200
    config = page.context["map"]
    levels = [f["properties"]["level"] for f in config["areas"]["features"]]
    assert levels.count("ward") == 1 and levels.count("district") == 18
    assert all(f["properties"]["approximate"] for f in config["areas"]["features"])
    keys = [layer["key"] for layer in config["layers"]]
    assert "facility-aed" in keys and "facility-evacuation_site" in keys and "events" in keys
    events = next(layer for layer in config["layers"] if layer["key"] == "events")
    assert events["items"][0]["name"] == event.title
    assert events["items"][0]["lat"] is not None  # at district A's centre
    assert config["tileUrl"] == ""  # no tiles unless configured
    assert "List of places on the map" in page.text
    assert "vendor/leaflet/leaflet.js" in page.text


def test_the_tile_url_setting_reaches_the_map(world: World, settings: object) -> None:
    settings.AINET_MAP_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"  # type: ignore[attr-defined]
    page = world.client_for("anonymous").get(reverse("public:map"))
    assert page.context["map"]["tileUrl"] == "https://tiles.example/{z}/{x}/{y}.png"


def test_public_pages_work_before_any_ward_exists(db: None) -> None:
    from django.test import Client

    for url in ["/", reverse("public:map"), reverse("public:calendar"), reverse("public:forum")]:
        assert Client().get(url).status_code == 200, url


def test_closed_facilities_are_not_on_the_public_map(world: World) -> None:
    from ainet.facilities.models import Facility

    aed = Facility.objects.filter(municipality=world.ward, kind="aed").first()
    assert aed is not None
    aed.closed_on = datetime.date(2020, 1, 1)
    aed.save()
    page = world.client_for("anonymous").get(reverse("public:map"))
    names = [i["name"] for layer in page.context["map"]["layers"] for i in layer["items"]]
    assert aed.name not in names
