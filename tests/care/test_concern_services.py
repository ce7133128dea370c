"""Filing, routing, deadlines, escalation and closing of concern reports (care.concerns)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ainet.care import concerns
from ainet.care.models import ConcernReport, ReporterKind, ReportStatus, Urgency
from ainet.core.models import AuditEvent, Organisation
from tests.care.concern_factories import person, town_in
from tests.conftest import World


def _input(world: World, town: object = "a", **fields: object) -> concerns.ConcernInput:
    data = {
        "noticed": "新聞が3日分たまっている",
        "where": "2階の角部屋",
        "urgency": Urgency.SOON,
        "town": town_in(world.district_a) if town == "a" else town,
    }
    data.update(fields)
    return concerns.ConcernInput(**data)  # type: ignore[arg-type]


def test_a_partner_report_is_routed_to_the_district_of_its_town_block(world: World) -> None:
    partner = world.users["partner"]
    filed = concerns.file_concern(partner, world.ward, _input(world))
    report = filed.report
    assert filed.created
    assert report.district == world.district_a
    assert report.reporter_kind == ReporterKind.PARTNER_COMPANY
    assert report.reporter_organisation == Organisation.objects.get(
        name="つるみ新聞販売センター（デモ）"
    )
    assert report.status == ReportStatus.RECEIVED
    assert AuditEvent.objects.filter(action=concerns.FILED, object_id=str(report.pk)).exists()


def test_a_report_without_a_town_block_goes_to_the_ward_administrators(world: World) -> None:
    report = concerns.file_concern(None, world.ward, _input(world, town=None)).report
    assert report.district is None
    assert report.reporter_kind == ReporterKind.RESIDENT
    assert concerns.handles(world.users["ward_admin"], report)
    assert not concerns.handles(world.users["staff_a"], report)


@pytest.mark.parametrize(
    ("urgency", "ack_hours", "act_hours"),
    [(Urgency.URGENT, 2, 12), (Urgency.SOON, 24, 72), (Urgency.NORMAL, 72, 336)],
)
def test_deadlines_follow_the_urgency(
    world: World, urgency: str, ack_hours: int, act_hours: int
) -> None:
    now = timezone.now()
    report = concerns.file_concern(None, world.ward, _input(world, urgency=urgency), now=now).report
    assert report.acknowledge_by == now + datetime.timedelta(hours=ack_hours)
    assert report.act_by == now + datetime.timedelta(hours=act_hours)


def test_bad_input_raises_every_error_and_saves_nothing(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        concerns.file_concern(None, world.ward, _input(world, noticed=" ", where="", urgency="x"))
    assert set(caught.value.message_dict) == {"noticed", "where", "urgency"}
    assert not ConcernReport.objects.exists()


def test_a_role_without_the_capability_may_not_file(world: World) -> None:
    with pytest.raises(PermissionDenied):
        concerns.file_concern(world.users["committee"], world.ward, _input(world))


def test_same_key_and_content_returns_the_stored_report(world: World) -> None:
    first = concerns.file_concern(None, world.ward, _input(world), idempotency_key="k-1")
    again = concerns.file_concern(None, world.ward, _input(world), idempotency_key="k-1")
    assert again.report.pk == first.report.pk and not again.created
    assert ConcernReport.objects.count() == 1


def test_same_key_with_other_content_is_a_conflict(world: World) -> None:
    concerns.file_concern(None, world.ward, _input(world), idempotency_key="k-2")
    with pytest.raises(concerns.IdempotencyConflict):
        concerns.file_concern(
            None, world.ward, _input(world, noticed="別の内容"), idempotency_key="k-2"
        )
    assert ConcernReport.objects.count() == 1


def test_anonymous_filings_are_limited_per_address(world: World, settings: object) -> None:
    settings.AINET_PUBLIC_CONCERNS_PER_HOUR = 2  # type: ignore[attr-defined]

    class Request:
        META = {"REMOTE_ADDR": "192.0.2.7"}

    for _ in range(2):
        concerns.file_concern(None, world.ward, _input(world), request=Request())
    with pytest.raises(concerns.RateLimited):
        concerns.file_concern(None, world.ward, _input(world), request=Request())
    assert ConcernReport.objects.count() == 2
    # A partner company is not limited.
    concerns.file_concern(world.users["partner"], world.ward, _input(world), request=Request())


def test_acknowledge_then_act_then_close_with_outcome(world: World) -> None:
    staff = world.users["staff_a"]
    report = concerns.file_concern(None, world.ward, _input(world)).report
    concerns.acknowledge(staff, report)
    report.refresh_from_db()
    assert report.status == ReportStatus.ACKNOWLEDGED and report.acknowledged_by == staff
    concerns.add_action(staff, report, "訪問したが不在。管理会社に連絡")
    report.refresh_from_db()
    assert report.status == ReportStatus.ACTING
    concerns.close(staff, report, "入院していたことを確認")
    report.refresh_from_db()
    assert report.status == ReportStatus.CLOSED and report.outcome == "入院していたことを確認"
    with pytest.raises(ValidationError):
        concerns.add_action(staff, report, "more")


def test_closing_needs_an_outcome(world: World) -> None:
    staff = world.users["staff_a"]
    report = concerns.file_concern(None, world.ward, _input(world)).report
    with pytest.raises(ValidationError) as caught:
        concerns.close(staff, report, "   ")
    assert "outcome" in caught.value.message_dict
    report.refresh_from_db()
    assert report.status == ReportStatus.RECEIVED


def test_the_database_refuses_a_closed_report_without_outcome(world: World) -> None:
    report = concerns.file_concern(None, world.ward, _input(world)).report
    with pytest.raises(IntegrityError), transaction.atomic():
        ConcernReport.objects.filter(pk=report.pk).update(status=ReportStatus.CLOSED)


def test_staff_of_another_district_cannot_act_on_a_report(world: World) -> None:
    report = concerns.file_concern(None, world.ward, _input(world)).report
    with pytest.raises(ConcernReport.DoesNotExist):
        concerns.acknowledge(world.users["staff_b"], report)
    with pytest.raises(PermissionDenied):
        concerns.acknowledge(world.users["partner"], report)


def test_linking_only_a_person_the_user_may_see(world: World) -> None:
    report = concerns.file_concern(None, world.ward, _input(world)).report
    mine = person(world, world.district_a, "矢向 花子")
    theirs = person(world, world.district_b, "市場 太郎")
    concerns.link_person(world.users["staff_a"], report, mine)
    report.refresh_from_db()
    assert report.person == mine
    with pytest.raises(type(theirs).DoesNotExist):
        concerns.link_person(world.users["staff_a"], report, theirs)


def test_overdue_reports_escalate_once_with_an_audit_event(world: World) -> None:
    past = timezone.now() - datetime.timedelta(hours=3)
    late = concerns.file_concern(
        None, world.ward, _input(world, urgency=Urgency.URGENT), now=past
    ).report
    on_time = concerns.file_concern(None, world.ward, _input(world, urgency=Urgency.NORMAL)).report
    escalated = concerns.escalate_overdue()
    assert [r.pk for r in escalated] == [late.pk]
    assert concerns.escalate_overdue() == []
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert late.escalated_at is not None and on_time.escalated_at is None
    assert AuditEvent.objects.filter(action=concerns.ESCALATED, object_id=str(late.pk)).count() == 1


def test_an_acknowledged_report_not_acted_on_in_time_escalates(world: World) -> None:
    past = timezone.now() - datetime.timedelta(hours=13)
    report = concerns.file_concern(
        None, world.ward, _input(world, urgency=Urgency.URGENT), now=past
    ).report
    concerns.acknowledge(world.users["staff_a"], report)
    assert [r.pk for r in concerns.escalate_overdue()] == [report.pk]


def test_a_report_acted_on_does_not_escalate(world: World) -> None:
    past = timezone.now() - datetime.timedelta(hours=13)
    report = concerns.file_concern(
        None, world.ward, _input(world, urgency=Urgency.URGENT), now=past
    ).report
    concerns.add_action(world.users["staff_a"], report, "電話で安否を確認")
    assert concerns.escalate_overdue() == []
