"""The phone page where supporters record safety statuses, as used in the street: the people
not yet confirmed first (by default only them), counts, a search, each form folded until
opened, and back to the same list after each record. Plus the campaign page's links column."""

from __future__ import annotations

import decimal
import re
from itertools import count
from typing import Any

from django.test import Client
from django.urls import reverse

from ainet.care.models import Basis, Person
from ainet.core.models import AuditEvent, Town
from ainet.disaster import safety
from ainet.disaster.models import SafetyCampaign, SafetyLatest, SafetyStatus, SafetyUpdate
from tests.conftest import World
from tests.disaster.safety_people import declare_disaster, make_campaign, make_person
from tests.disaster.test_safety_pages import form_key

_keys = count(1)


def person(world: World, name: str, kana: str, **fields: Any) -> Person:
    made = make_person(world, name=name, **fields)
    made.name_kana = kana
    made.save(update_fields=["name_kana"])
    return made


def record(world: World, campaign: SafetyCampaign, who: Person, status: str) -> None:
    safety.record_update(
        world.users["minsei"],
        campaign,
        person_id=who.pk,
        key=f"record-page-test-{next(_keys):08d}",
        status=status,
    )


def names_in_order(page: str, people: list[Person]) -> list[str]:
    found = [(page.index(f'id="person-{p.pk}"'), p.name) for p in people if p.name in page]
    return [name for _, name in sorted(found)]


def page_for(client: Client, campaign: SafetyCampaign, **params: str | int) -> str:
    response = client.get(reverse("safety:record_page", args=[campaign.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def street(world: World) -> tuple[SafetyCampaign, dict[str, Person]]:
    """Five people of 矢向 in kana order あ…お: two never recorded, one not at home, one safe,
    one needing help."""
    campaign = make_campaign(world)
    people = {
        "safe": person(world, "安全 あき（架空）", "あ"),
        "pending_late": person(world, "未記録 おと（架空）", "お"),
        "not_home": person(world, "不在 いね（架空）", "い"),
        "needs_help": person(world, "救助 うた（架空）", "う"),
        "pending_early": person(world, "未記録 えみ（架空）", "え"),
    }
    record(world, campaign, people["safe"], SafetyStatus.SAFE)
    record(world, campaign, people["not_home"], SafetyStatus.NOT_HOME)
    record(world, campaign, people["needs_help"], SafetyStatus.NEEDS_HELP)
    return campaign, people


def test_by_default_only_people_not_yet_confirmed_are_shown_never_recorded_first(
    world: World,
) -> None:
    campaign, people = street(world)
    page = page_for(world.client_for("minsei", "en"), campaign, district=world.district_a.pk)
    assert names_in_order(page, list(people.values())) == [
        people["pending_early"].name,
        people["pending_late"].name,
        people["not_home"].name,
    ]
    assert re.search(r'aria-current="true"><strong>3</strong> Not yet confirmed', page)
    assert re.search(r"<strong>5</strong> Everyone", page)
    assert "“Not at home” or “Unknown”" in page  # the page says what it counts


def test_everyone_lists_the_people_not_yet_confirmed_first(world: World) -> None:
    campaign, people = street(world)
    page = page_for(
        world.client_for("minsei", "en"), campaign, district=world.district_a.pk, show="all"
    )
    assert names_in_order(page, list(people.values())) == [
        people["pending_early"].name,
        people["pending_late"].name,
        people["not_home"].name,
        people["safe"].name,
        people["needs_help"].name,
    ]
    assert re.search(r'aria-current="true"><strong>5</strong> Everyone', page)


def test_counts_read_in_japanese(world: World) -> None:
    campaign, _ = street(world)
    page = page_for(world.client_for("minsei"), campaign)
    assert "<strong>3</strong> 未確認" in page and "<strong>5</strong> 全員" in page


def test_each_status_form_is_folded_until_its_person_is_opened(world: World) -> None:
    campaign, people = street(world)
    page = page_for(world.client_for("minsei", "en"), campaign)
    assert page.count('<details class="safety-record">') == 3
    assert '<details class="safety-record" open' not in page
    card = page.split(f'id="person-{people["not_home"].pk}"', 1)[1].split("</li>", 1)[0]
    assert card.index("Not at home") < card.index("<details")  # the status shows folded
    assert people["not_home"].name_kana in card
    assert 'Record <span class="visually-hidden">the status of 不在 いね（架空）</span>' in card


def test_recording_returns_to_the_same_list_and_the_person_leaves_it(world: World) -> None:
    campaign, people = street(world)
    client = world.client_for("minsei", "en")
    query = {"district": world.district_a.pk}
    page = page_for(client, campaign, **query)
    who = people["pending_early"]
    post_url = reverse("safety:record_post", args=[campaign.pk])
    response = client.post(
        f"{post_url}?district={world.district_a.pk}",
        {"person": who.pk, "key": form_key(page, who.pk), "status": "safe"},
    )
    assert response.status_code == 302
    page_url = reverse("safety:record_page", args=[campaign.pk])
    assert response["Location"] == f"{page_url}?district={world.district_a.pk}#main"
    after = client.get(response["Location"]).content.decode()
    assert f"Recorded for {who.name}: Safe." in after
    assert f'id="person-{who.pk}"' not in after
    assert re.search(r"<strong>2</strong> Not yet confirmed", after)


def test_recording_keeps_everyone_and_the_search_and_scrolls_to_the_person(
    world: World,
) -> None:
    campaign, people = street(world)
    client = world.client_for("minsei", "en")
    page = page_for(client, campaign, district=world.district_a.pk, show="all", q="未記録")
    who = people["pending_late"]
    action = re.search(r'action="([^"]*record/post/[^"]*)"', page)
    assert action
    assert action.group(1).endswith(
        f"?district={world.district_a.pk}&amp;show=all&amp;q=%E6%9C%AA%E8%A8%98%E9%8C%B2"
    )
    response = client.post(
        action.group(1).replace("&amp;", "&"),
        {"person": who.pk, "key": form_key(page, who.pk), "status": "safe"},
    )
    page_url = reverse("safety:record_page", args=[campaign.pk])
    assert response["Location"] == (
        f"{page_url}?district={world.district_a.pk}&show=all"
        f"&q=%E6%9C%AA%E8%A8%98%E9%8C%B2#person-{who.pk}"
    )


def test_a_person_recorded_as_not_at_home_stays_on_the_list_to_visit_again(
    world: World,
) -> None:
    campaign, people = street(world)
    client = world.client_for("minsei", "en")
    page = page_for(client, campaign)
    who = people["pending_late"]
    response = client.post(
        reverse("safety:record_post", args=[campaign.pk]),
        {"person": who.pk, "key": form_key(page, who.pk), "status": "not_home"},
        follow=True,
    )
    after = response.content.decode()
    assert f'id="person-{who.pk}"' in after
    assert response.redirect_chain[-1][0].endswith(f"#person-{who.pk}")


def test_a_resent_post_is_stored_once_and_says_so_by_name(world: World) -> None:
    campaign, people = street(world)
    client = world.client_for("minsei", "en")
    page = page_for(client, campaign)
    who = people["pending_early"]
    data = {"person": who.pk, "key": form_key(page, who.pk), "status": "safe"}
    url = reverse("safety:record_post", args=[campaign.pk])
    client.post(url, data)
    again = client.post(url, data, follow=True).content.decode()
    assert f"This update for {who.name} was already recorded: Safe." in again
    assert SafetyUpdate.objects.filter(person=who).count() == 1


def test_a_failed_post_reopens_that_persons_form_even_if_the_list_hides_them(
    world: World,
) -> None:
    campaign, people = street(world)
    who = people["safe"]  # confirmed: not on the default list
    response = world.client_for("minsei", "en").post(
        reverse("safety:record_post", args=[campaign.pk]),
        {"person": who.pk, "key": "k" * 32, "status": "fine"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    card = page.split(f'id="person-{who.pk}"', 1)[1].split("</li>", 1)[0]
    assert "Unknown status" in card
    assert '<details class="safety-record" open>' in card


def test_the_search_finds_by_furigana_in_any_script_and_by_town_block(world: World) -> None:
    campaign = make_campaign(world)
    town = Town.objects.create(
        municipality=world.ward,
        district=world.district_a,
        name="江ケ崎町（テスト）",
        lat=decimal.Decimal("35.52"),
        lng=decimal.Decimal("139.68"),
    )
    suzuki = person(world, "鈴木 花（架空）", "すずき はな", town=town)
    tanaka = person(world, "田中 実（架空）", "たなか みのる")
    client = world.client_for("minsei", "en")
    for text in ("ｽｽﾞｷ", "スズキ", "すずき　はな", "鈴木", "江ヶ崎"):
        page = page_for(client, campaign, q=text)
        assert suzuki.name in page and tanaka.name not in page, text
    assert "1 person matches “スズキ”." in page_for(client, campaign, q="スズキ")
    assert re.search(r"<strong>2</strong> Everyone", page_for(client, campaign, q="鈴木"))


def test_the_search_does_not_reach_beyond_the_users_people(world: World) -> None:
    campaign = make_campaign(world)
    elsewhere = make_person(world, world.district_b, name="他地区 太郎（架空）")
    page = page_for(world.client_for("minsei", "en"), campaign, q="他地区", show="all")
    assert elsewhere.name not in page
    assert "0 people match" in page


def test_every_filter_keeps_another_district_a_404(world: World) -> None:
    campaign = make_campaign(world)
    url = reverse("safety:record_page", args=[campaign.pk])
    client = world.client_for("minsei")
    for extra in ("show=all", "q=太郎"):
        assert client.get(f"{url}?district={world.district_b.pk}&{extra}").status_code == 404


def test_everyone_confirmed_says_so_and_offers_everyone(world: World) -> None:
    campaign = make_campaign(world)
    done = person(world, "確認済 はる（架空）", "は")
    record(world, campaign, done, SafetyStatus.SAFE)
    page = page_for(world.client_for("minsei", "en"), campaign)
    assert "Everyone here is confirmed." in page and done.name not in page
    assert "show=all" in page


def test_only_the_people_shown_are_audited_as_disaster_mode_reads(world: World) -> None:
    campaign = make_campaign(world)
    waiting = person(world, "非同意 三郎（架空）", "ひ", basis=Basis.WARD_ONLY)
    found = person(world, "非同意 四郎（架空）", "ふ", basis=Basis.WARD_ONLY)
    declare_disaster(world, [world.district_a])
    record(world, campaign, found, SafetyStatus.SAFE)
    client = world.client_for("minsei")
    reads = AuditEvent.objects.filter(details__disaster_mode=True, details__what="record_page")
    page = page_for(client, campaign)
    assert waiting.name in page and found.name not in page
    assert [e.details["people"] for e in reads.all()] == [[waiting.pk]]
    page_for(client, campaign, show="all")
    assert sorted(e.details["people"] for e in reads.all()) == [
        [waiting.pk],
        sorted([waiting.pk, found.pk]),
    ]


def test_the_campaign_page_counts_not_at_home_as_not_yet_confirmed(world: World) -> None:
    campaign, _ = street(world)
    page = world.client_for("minsei", "en").get(
        reverse("safety:campaign_detail", args=[campaign.pk])
    )
    assert "2 of 5 people confirmed." in page.content.decode()
    assert SafetyLatest.objects.filter(campaign=campaign).count() == 3


def test_the_campaign_page_heads_its_links_column_and_reads_as_japanese(world: World) -> None:
    campaign = make_campaign(world)
    make_person(world)
    url = reverse("safety:campaign_detail", args=[campaign.pk])
    ja = world.client_for("minsei").get(url).content.decode()
    assert '<th scope="col">記録・状況</th>' in ja
    assert "ページ送り" not in ja
    name = world.district_a.name
    assert f"{name}で記録する" in ja and f"{name}の状況ボード" in ja
    assert f"{name} で" not in ja and f"{name} の" not in ja
    en = world.client_for("minsei", "en").get(url).content.decode()
    assert '<th scope="col">Record and board</th>' in en
    assert f"Record in {name}" in en and f"Board of {name}" in en
