"""The demo ward's care records (`ainet demo` builds them after the plan history): synthetic
people, supporters, ties and contacts, and concern reports in every state of their loop."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ainet.care.models import ConcernReport, Person, ReporterKind, ReportStatus
from ainet.demo.care_demo import SYNTHETIC, build_care
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_the_demo_has_care_records_all_marked_synthetic(world: World) -> None:
    counts = build_care(world.ward)
    assert counts["people"] > 300 and counts["ties"] > 0 and counts["contacts"] > 0
    assert not Person.objects.exclude(list_entries__source="デモ（架空）").exists()


def test_demo_concern_reports_cover_every_state_and_keep_the_rules(world: World) -> None:
    counts = build_care(world.ward)
    reports = ConcernReport.objects.filter(municipality=world.ward)
    assert counts["concern_reports"] == reports.count() >= 8
    assert all(r.noticed.endswith(SYNTHETIC) for r in reports)
    statuses = set(reports.values_list("status", flat=True))
    assert statuses == {
        ReportStatus.RECEIVED,
        ReportStatus.ACKNOWLEDGED,
        ReportStatus.ACTING,
        ReportStatus.CLOSED,
    }
    for closed in reports.filter(status=ReportStatus.CLOSED):
        assert closed.outcome and closed.closed_at and closed.acknowledged_at
        assert closed.actions.exists()
    assert reports.filter(status=ReportStatus.ACTING, person__isnull=False).exists()
    escalated = reports.get(escalated_at__isnull=False)
    assert (
        escalated.status == ReportStatus.RECEIVED
        and escalated.acknowledge_by < escalated.escalated_at
    )  # type: ignore[operator]
    assert reports.filter(district__isnull=True).exists()  # unrouted: the ward's queue
    kinds = set(reports.values_list("reporter_kind", flat=True))
    assert {ReporterKind.PARTNER_COMPANY, ReporterKind.RESIDENT} <= kinds
    assert all(r.acknowledge_by > r.received_at for r in reports)


def test_the_district_team_sees_only_its_demo_reports(world: World) -> None:
    build_care(world.ward)
    queue = reverse("care_concerns:queue")
    yako = world.client_for("staff_a").get(queue)
    ichiba = world.client_for("staff_b").get(queue)
    assert yako.status_code == ichiba.status_code == 200
    page_a, page_b = yako.content.decode(), ichiba.content.decode()
    assert "矢向の集合住宅1階" in page_a and "矢向の集合住宅1階" not in page_b
    assert "市場の集合住宅" in page_b and "市場の集合住宅" not in page_a
