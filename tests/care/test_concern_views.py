"""The staff pages of concern reports and the public form."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from ainet.care import concerns
from ainet.care.models import ConcernReport, ReportStatus, Urgency
from tests.care.concern_factories import person, town_in
from tests.conftest import World


def _file(world: World, district: object = "a", **fields: object) -> ConcernReport:
    town = town_in(world.district_a if district == "a" else world.district_b) if district else None
    data = {"noticed": "郵便物がたまっている", "where": "アパート1階", "urgency": Urgency.SOON}
    data.update(fields)
    actor = data.pop("actor", None)
    now = data.pop("now", None)
    return concerns.file_concern(
        actor,
        world.ward,
        concerns.ConcernInput(town=town, **data),  # type: ignore[arg-type]
        now=now,  # type: ignore[arg-type]
    ).report


def _public_post(world: World, **fields: str) -> dict[str, str]:
    data = {
        "noticed": "洗濯物が何日も干したまま",
        "town": str(town_in(world.district_a).pk),
        "where": "矢向の角の家",
        "urgency": "soon",
        "reporter_name": "",
        "reporter_contact": "",
        "website": "",
    }
    data.update(fields)
    return data


# --- public form ---------------------------------------------------------------------------


def test_public_form_says_119_and_110_first_in_both_languages(world: World) -> None:
    ja = world.client_for("anonymous").get(reverse("care_public:concern_report"))
    en = world.client_for("anonymous", "en").get(reverse("care_public:concern_report"))
    assert "119" in ja.content.decode() and "110" in ja.content.decode()
    assert "命に危険" in ja.content.decode()
    assert "call 119 (ambulance, fire) or 110 (police) first" in en.content.decode()


def test_public_form_files_a_report_routed_to_the_district(world: World) -> None:
    client = world.client_for("anonymous")
    response = client.post(reverse("care_public:concern_report"), _public_post(world))
    assert response.status_code == 302
    report = ConcernReport.objects.get()
    assert report.district == world.district_a and report.reporter_user is None
    page = client.get(response["Location"]).content.decode()
    assert str(report.pk) in page


def test_public_form_errors_are_bilingual_and_nothing_is_saved(world: World) -> None:
    for lang, expected in (("ja", "気づいたこと"), ("en", "Please describe what you noticed.")):
        client = world.client_for("anonymous", lang)
        response = client.post(
            reverse("care_public:concern_report"),
            _public_post(world, noticed="", urgency="panic", town="999999"),
        )
        assert response.status_code == 400
        assert expected in response.content.decode(), lang
    assert not ConcernReport.objects.exists()


def test_the_honeypot_keeps_bots_out_silently(world: World) -> None:
    client = world.client_for("anonymous")
    response = client.post(
        reverse("care_public:concern_report"), _public_post(world, website="http://spam")
    )
    assert response.status_code == 302
    assert not ConcernReport.objects.exists()


def test_too_many_public_reports_from_one_address_get_429(world: World, settings: object) -> None:
    settings.AINET_PUBLIC_CONCERNS_PER_HOUR = 1  # type: ignore[attr-defined]
    client = world.client_for("anonymous")
    assert (
        client.post(reverse("care_public:concern_report"), _public_post(world)).status_code == 302
    )
    response = client.post(reverse("care_public:concern_report"), _public_post(world))
    assert response.status_code == 429
    assert "119" in response.content.decode()
    assert ConcernReport.objects.count() == 1


# --- the queue -----------------------------------------------------------------------------


def test_queue_lists_overdue_reports_first_and_escalates_them_on_load(world: World) -> None:
    fresh = _file(world, urgency=Urgency.NORMAL)
    late = _file(world, urgency=Urgency.URGENT, now=timezone.now() - datetime.timedelta(hours=5))
    other = _file(world, district="b")
    page = world.client_for("staff_a").get(reverse("care_concerns:queue")).content.decode()
    late_link = reverse("care_concerns:detail", args=[late.pk])
    fresh_link = reverse("care_concerns:detail", args=[fresh.pk])
    assert late_link in page and fresh_link in page
    assert page.index(late_link) < page.index(fresh_link)
    assert reverse("care_concerns:detail", args=[other.pk]) not in page
    late.refresh_from_db()
    assert late.escalated_at is not None


def test_ward_administrators_see_escalated_and_unrouted_reports_in_their_list(
    world: World,
) -> None:
    unrouted = _file(world, district=None)
    page = world.client_for("ward_admin").get(reverse("care_concerns:queue")).content.decode()
    section = page.split("<h2>")[1]
    assert reverse("care_concerns:detail", args=[unrouted.pk]) in section


def test_a_bad_queue_filter_is_a_400_not_a_500(world: World) -> None:
    response = world.client_for("staff_a").get(reverse("care_concerns:queue"), {"team": "x' or 1"})
    assert response.status_code == 400


# --- one report ----------------------------------------------------------------------------


def test_another_districts_report_is_a_404(world: World) -> None:
    report = _file(world, district="b")
    client = world.client_for("staff_a")
    assert client.get(reverse("care_concerns:detail", args=[report.pk])).status_code == 404
    response = client.post(reverse("care_concerns:acknowledge", args=[report.pk]))
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.status == ReportStatus.RECEIVED


def test_staff_acknowledge_act_link_and_close_from_the_detail_page(world: World) -> None:
    report = _file(world)
    someone = person(world, world.district_a, "見守 花子", name_kana="ミマモリ ハナコ")
    client = world.client_for("staff_a")
    assert client.post(reverse("care_concerns:acknowledge", args=[report.pk])).status_code == 302
    client.post(reverse("care_concerns:add_action", args=[report.pk]), {"note": "訪問した"})
    found = client.get(
        reverse("care_concerns:detail", args=[report.pk]), {"person_search": "ミマモリ"}
    )
    assert "見守 花子" in found.content.decode()
    client.post(reverse("care_concerns:link_person", args=[report.pk]), {"person": someone.pk})
    refused = client.post(reverse("care_concerns:close", args=[report.pk]), {"outcome": ""})
    assert refused.status_code == 400
    client.post(reverse("care_concerns:close", args=[report.pk]), {"outcome": "元気だった"})
    report.refresh_from_db()
    assert report.status == ReportStatus.CLOSED and report.person == someone
    page = client.get(reverse("care_concerns:detail", args=[report.pk])).content.decode()
    assert "訪問した" in page and "元気だった" in page


def test_linking_a_person_of_another_district_is_a_404(world: World) -> None:
    report = _file(world)
    theirs = person(world, world.district_b, "市場 次郎")
    response = world.client_for("staff_a").post(
        reverse("care_concerns:link_person", args=[report.pk]), {"person": theirs.pk}
    )
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.person is None


def test_partner_sees_the_status_of_own_reports_and_nothing_about_the_person(
    world: World,
) -> None:
    partner = world.users["partner"]
    own = _file(world, actor=partner)
    someone = person(world, world.district_a, "秘密 花子")
    concerns.link_person(world.users["staff_a"], own, someone)
    concerns.add_action(world.users["staff_a"], own, "本人は入院中と判明")
    stranger = _file(world)
    client = world.client_for("partner")
    mine = client.get(reverse("care_concerns:mine")).content.decode()
    assert reverse("care_concerns:detail", args=[own.pk]) in mine
    assert reverse("care_concerns:detail", args=[stranger.pk]) not in mine
    page = client.get(reverse("care_concerns:detail", args=[own.pk])).content.decode()
    assert "秘密" not in page and "入院中" not in page
    assert "対応中" in page or "Being acted on" in page
    assert client.get(reverse("care_concerns:detail", args=[stranger.pk])).status_code == 404
    assert client.get(reverse("care_concerns:queue")).status_code == 403


def test_partner_files_a_report_through_the_form(world: World) -> None:
    client = world.client_for("partner")
    response = client.post(
        reverse("care_concerns:create"),
        {
            "noticed": "新聞がたまっている",
            "town": str(town_in(world.district_a).pk),
            "where": "矢向",
            "urgency": "urgent",
        },
    )
    assert response.status_code == 302
    assert ConcernReport.objects.get().reporter_user == world.users["partner"]


def test_an_overdue_report_is_flagged_in_words_and_bold_not_by_colour_alone(world: World) -> None:
    late = _file(world, urgency=Urgency.URGENT, now=timezone.now() - datetime.timedelta(hours=5))
    client = world.client_for("staff_a")
    queue = client.get(reverse("care_concerns:queue")).content.decode()
    detail = client.get(reverse("care_concerns:detail", args=[late.pk])).content.decode()
    flag = '<strong class="badge badge--alert"><span aria-hidden="true">⚠ </span>期限切れ</strong>'
    assert flag in queue and flag in detail
    # Statuses do not break mid-word (「受付待／ち」).
    assert '<td class="nowrap">受付待ち</td>' in queue


def test_a_closed_report_reads_as_closed_not_as_a_closing_date(world: World) -> None:
    report = _file(world)
    client = world.client_for("staff_a")
    client.post(reverse("care_concerns:acknowledge", args=[report.pk]))
    client.post(reverse("care_concerns:close", args=[report.pk]), {"outcome": "元気だった"})
    closed = client.get(reverse("care_concerns:queue"), {"show": "closed"}).content.decode()
    assert '<td class="nowrap">対応終了</td>' in closed
    assert "廃止日" not in closed
    detail = client.get(reverse("care_concerns:detail", args=[report.pk])).content.decode()
    assert "対応終了" in detail and "廃止日" not in detail
