"""The safety-confirmation pages: campaigns, the phone page's form post, the board and its
live fragment, history, the audited CSV and print view, and 404s outside the user's scope."""

from __future__ import annotations

import re

from django.urls import reverse

from ainet.care.models import Basis
from ainet.core.models import AuditEvent
from ainet.disaster.models import SafetyCampaign, SafetyLatest, SafetyStatus, SafetyUpdate
from tests.conftest import World
from tests.disaster.safety_people import declare_disaster, make_campaign, make_person


def form_key(page: str, person_id: int) -> str:
    block = page.split(f'id="person-{person_id}"', 1)[1]
    found = re.search(r'name="key" value="([^"]+)"', block)
    assert found
    return found.group(1)


def test_the_ward_admin_opens_and_closes_a_campaign(world: World) -> None:
    client = world.client_for("ward_admin", "en")
    page = client.get(reverse("safety:campaign_list"))
    assert "Open a campaign" in page.content.decode()
    response = client.post(
        reverse("safety:campaign_open"), {"title": "地震", "districts": [world.district_a.pk]}
    )
    campaign = SafetyCampaign.objects.get()
    assert response.status_code == 302
    assert list(campaign.districts.all()) == [world.district_a]
    client.post(reverse("safety:campaign_close", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.closed_at is not None


def test_opening_without_a_title_is_a_400_and_opens_nothing(world: World) -> None:
    client = world.client_for("ward_admin", "en")
    response = client.post(reverse("safety:campaign_open"), {"title": ""})
    assert response.status_code == 400
    assert not SafetyCampaign.objects.exists()


def test_a_commissioner_sees_no_open_form(world: World) -> None:
    page = world.client_for("minsei", "en").get(reverse("safety:campaign_list"))
    assert "Open a campaign" not in page.content.decode()


def test_the_nav_shows_safety_confirmation_to_its_users_only(world: World) -> None:
    url = reverse("safety:campaign_list")
    assert url in world.client_for("minsei").get(reverse("core:home")).content.decode()
    assert url in world.client_for("volunteer").get(reverse("core:home")).content.decode()
    assert url not in world.client_for("partner").get(reverse("core:home")).content.decode()


def test_the_campaign_page_counts_people_by_district(world: World) -> None:
    campaign = make_campaign(world)
    make_person(world)
    make_person(world)
    page = world.client_for("minsei", "en").get(
        reverse("safety:campaign_detail", args=[campaign.pk])
    )
    assert "0 of 2 people confirmed." in page.content.decode()


def test_the_phone_page_records_once_even_when_the_form_is_sent_twice(world: World) -> None:
    campaign, person = make_campaign(world), make_person(world)
    client = world.client_for("minsei", "en")
    page_url = reverse("safety:record_page", args=[campaign.pk])
    page = client.get(page_url, {"district": world.district_a.pk}).content.decode()
    assert 'name="viewport"' in page or "<html" in page
    data = {
        "person": person.pk,
        "key": form_key(page, person.pk),
        "status": "evacuated",
        "evacuated_to": "矢向小学校",
    }
    post_url = reverse("safety:record_post", args=[campaign.pk])
    first = client.post(f"{post_url}?district={world.district_a.pk}", data)
    assert first.status_code == 302
    # Evacuated people leave the list of those to confirm: back to its top and the message.
    assert first["Location"].endswith(f"?district={world.district_a.pk}#main")
    second = client.post(post_url, data, follow=True)
    assert "already recorded" in second.content.decode()
    assert SafetyUpdate.objects.count() == 1
    assert SafetyLatest.objects.get().evacuated_to == "矢向小学校"


def test_a_bad_status_re_renders_the_page_with_the_reason(world: World) -> None:
    campaign, person = make_campaign(world), make_person(world)
    client = world.client_for("minsei", "en")
    response = client.post(
        reverse("safety:record_post", args=[campaign.pk]),
        {"person": person.pk, "key": "k" * 32, "status": "fine"},
    )
    assert response.status_code == 400
    assert "Unknown status" in response.content.decode()
    assert not SafetyUpdate.objects.exists()


def test_posting_for_a_person_of_another_district_is_404(world: World) -> None:
    campaign = make_campaign(world)
    elsewhere = make_person(world, world.district_b)
    response = world.client_for("minsei").post(
        reverse("safety:record_post", args=[campaign.pk]),
        {"person": elsewhere.pk, "key": "k" * 32, "status": "safe"},
    )
    assert response.status_code == 404
    junk = world.client_for("minsei").post(
        reverse("safety:record_post", args=[campaign.pk]), {"person": "x", "status": "safe"}
    )
    assert junk.status_code == 404


def test_a_district_outside_the_users_scope_is_404(world: World) -> None:
    campaign = make_campaign(world)
    client = world.client_for("minsei")
    for name in ("safety:record_page", "safety:board", "safety:board_live"):
        url = reverse(name, args=[campaign.pk])
        assert client.get(url, {"district": world.district_b.pk}).status_code == 404
        assert client.get(url, {"district": "x"}).status_code == 404


def test_the_board_shows_latest_statuses_and_counts_and_polls(world: World) -> None:
    campaign = make_campaign(world)
    hurt = make_person(world, name="要救助 一郎（架空）")
    make_person(world, name="未確認 二郎（架空）")
    client = world.client_for("minsei", "en")
    page = client.get(reverse("safety:record_page", args=[campaign.pk])).content.decode()
    client.post(
        reverse("safety:record_post", args=[campaign.pk]),
        {"person": hurt.pk, "key": form_key(page, hurt.pk), "status": "needs_help"},
    )
    board = client.get(reverse("safety:board", args=[campaign.pk])).content.decode()
    assert 'hx-trigger="every 5s"' in board
    live = client.get(reverse("safety:board_live", args=[campaign.pk])).content.decode()
    assert "<html" not in live
    assert "要救助 一郎（架空）" in live
    assert re.search(r"<strong>1</strong> Needs help", live)
    assert re.search(r"<strong>1</strong> Not yet confirmed", live)
    only_pending = client.get(
        reverse("safety:board_live", args=[campaign.pk]), {"status": "pending"}
    ).content.decode()
    assert "未確認 二郎（架空）" in only_pending and "要救助 一郎（架空）" not in only_pending


def test_history_shows_every_update(world: World) -> None:
    campaign, person = make_campaign(world), make_person(world)
    client = world.client_for("minsei", "en")
    for status in ("not_home", "safe"):
        page = client.get(reverse("safety:record_page", args=[campaign.pk])).content.decode()
        client.post(
            reverse("safety:record_post", args=[campaign.pk]),
            {"person": person.pk, "key": form_key(page, person.pk), "status": status},
        )
    history = client.get(
        reverse("safety:person_history", args=[campaign.pk, person.pk])
    ).content.decode()
    assert "2 updates, newest first" in history
    assert history.index("Safe") < history.index("Not at home")


def test_staff_of_another_district_get_404_for_a_persons_history(world: World) -> None:
    campaign, person = make_campaign(world), make_person(world)
    url = reverse("safety:person_history", args=[campaign.pk, person.pk])
    assert world.client_for("staff_b").get(url).status_code == 404
    assert world.client_for("staff_a").get(url).status_code == 200


def test_the_csv_export_is_audited_and_holds_the_latest_status(world: World) -> None:
    campaign, person = make_campaign(world), make_person(world, name="出力 花子（架空）")
    SafetyLatest.objects.create(
        campaign=campaign,
        person=person,
        update=SafetyUpdate.objects.create(
            campaign=campaign,
            person=person,
            idempotency_key="k" * 20,
            status=SafetyStatus.SAFE,
            observed_at=campaign.opened_at,
            recorded_by=world.users["minsei"],
        ),
        status=SafetyStatus.SAFE,
        observed_at=campaign.opened_at,
    )
    response = world.client_for("staff_a").get(reverse("safety:export_csv", args=[campaign.pk]))
    text = response.content.decode("utf-8-sig")
    assert "出力 花子（架空）" in text and "無事" in text
    event = AuditEvent.objects.get(action="export")
    assert event.details["rows"] == 1


def test_the_print_view_is_audited(world: World) -> None:
    campaign = make_campaign(world)
    make_person(world)
    response = world.client_for("ward_admin").get(
        reverse("safety:print", args=[campaign.pk]), {"district": world.district_a.pk}
    )
    assert response.status_code == 200
    assert AuditEvent.objects.get(action="print").details["district"] == "yako"


def test_disaster_mode_board_reads_are_audited_once_per_change(world: World) -> None:
    campaign = make_campaign(world)
    hidden = make_person(world, basis=Basis.WARD_ONLY, name="非同意 三郎（架空）")
    client = world.client_for("minsei")
    live = reverse("safety:board_live", args=[campaign.pk])
    assert "非同意 三郎（架空）" not in client.get(live).content.decode()
    declare_disaster(world, [world.district_a])
    assert "非同意 三郎（架空）" in client.get(live).content.decode()
    client.get(live)  # the next poll shows the same people: no new event
    events = AuditEvent.objects.filter(details__disaster_mode=True)
    assert events.count() == 1
    assert events.get().details["people"] == [hidden.pk]
