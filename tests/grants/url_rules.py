"""How each grants URL answers a GET from each persona (tests/core/test_permission_matrix.py),
and the small builders the grants tests share. The world holds the demo grants records
(ainet/grants/demo.py): 善意銀行 run by 区社協, its open round with a submitted application
from 矢向 (district A) and a draft from 市場, and last year's award to a 矢向 group."""

from __future__ import annotations

from typing import Any

from ainet.core.dates import today_tokyo
from ainet.grants import services
from ainet.grants.models import (
    Application,
    ApplicationStatus,
    Attachment,
    Decision,
    DecisionMeeting,
    Fund,
    FundedProject,
    LedgerEntry,
    Programme,
    Round,
)
from ainet.grants.services import BudgetItem
from tests.conftest import World
from tests.matrix import Rule

VIEW = "grants.view"
MANAGE = "grants.manage"
REVIEW = "grants.review"
FUND = "grants.fund"

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def demo_programme(world: World) -> Programme:
    return Programme.objects.get(municipality=world.ward, code="zenni-grant")


def open_round(world: World) -> Round:
    return Round.objects.filter(programme=demo_programme(world)).open_on(today_tokyo()).get()


def submitted_a(world: World) -> Application:
    return Application.objects.get(
        round=open_round(world), status=ApplicationStatus.SUBMITTED, district=world.district_a
    )


def award_a(world: World) -> FundedProject:
    return FundedProject.objects.get(programme=demo_programme(world), district=world.district_a)


def fund(world: World) -> Fund:
    return Fund.objects.get(municipality=world.ward, code="zenni-bank")


def new_draft(world: World, **fields: Any) -> tuple[Application, str]:
    values: dict[str, Any] = {
        "group_name": "テストの会",
        "contact_name": "試験 太郎",
        "district": world.district_a,
        "title": "テスト事業",
        "plan": "テストの計画",
        "requested_yen": 30_000,
        **fields,
    }
    lines = values.pop("lines", [BudgetItem("会場費", 10_000), BudgetItem("材料費", 20_000)])
    return services.start_application(open_round(world), lines=lines, **values)


def _programme(world: World) -> dict[str, Any]:
    return {"pk": demo_programme(world).pk}


def _round(world: World) -> dict[str, Any]:
    return {"pk": open_round(world).pk}


def _application_a(world: World) -> dict[str, Any]:
    return {"pk": submitted_a(world).pk}


def _attachment_a(world: World) -> dict[str, Any]:
    attachment = Attachment.objects.create(
        application=submitted_a(world),
        filename="map.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256="0" * 64,
        data=PDF_BYTES,
    )
    return {"pk": attachment.pk}


def _meeting(world: World) -> dict[str, Any]:
    return {"pk": DecisionMeeting.objects.get(round__programme=demo_programme(world)).pk}


def _meeting_application(world: World) -> dict[str, Any]:
    meeting = DecisionMeeting.objects.get(round__programme=demo_programme(world))
    return {"pk": meeting.pk, "application_pk": award_a(world).application_id}


def _decision_a(world: World) -> dict[str, Any]:
    return {"pk": Decision.objects.get(application=award_a(world).application).pk}


def _project_a(world: World) -> dict[str, Any]:
    return {"pk": award_a(world).pk}


def _fund(world: World) -> dict[str, Any]:
    return {"pk": fund(world).pk}


def _entry(world: World) -> dict[str, Any]:
    f = fund(world)
    return {"pk": f.pk, "entry_pk": LedgerEntry.objects.filter(fund=f).first().pk}  # type: ignore[union-attr]


def _token(world: World) -> dict[str, Any]:
    return {"token": new_draft(world)[1]}


def _token_attachment(world: World) -> dict[str, Any]:
    application, token = new_draft(world)
    attachment = Attachment.objects.create(
        application=application,
        filename="a.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256="0" * 64,
        data=PDF_BYTES,
    )
    return {"token": token, "attachment_pk": attachment.pk}


# The demo programme is run by 区社協: ward office staff hold grants.manage but may not manage it.
NOT_OWNER = {"staff_a": 403, "staff_b": 403}
# Only the round's assigned reviewers (区社協 coordinator, committee member) see its applications.
NOT_ASSIGNED = {"ward_admin": 404, "staff_a": 404, "staff_b": 404, "care_plaza": 404}
# Attachments: staff who see the application, or its reviewers; everyone else finds nothing.
ATTACHMENT = {
    "committee": 200,
    "minsei": 404,
    "association": 404,
    "volunteer": 404,
    "partner": 404,
    "auditor": 404,
}

RULES: dict[str, Rule] = {
    "grants:home": Rule("capability", VIEW),
    "grants:programme_list": Rule("capability", VIEW),
    "grants:programme_create": Rule("capability", MANAGE),
    "grants:programme_detail": Rule("capability", VIEW, _programme),
    "grants:programme_edit": Rule("capability", MANAGE, _programme, overrides=NOT_OWNER),
    "grants:round_create": Rule("capability", MANAGE, _programme, overrides=NOT_OWNER),
    "grants:round_detail": Rule("capability", VIEW, _round),
    "grants:round_edit": Rule("capability", MANAGE, _round, overrides=NOT_OWNER),
    "grants:criterion_add": Rule("capability", MANAGE, _round, get_allowed=False),
    "grants:reviewer_add": Rule("capability", MANAGE, _round, get_allowed=False),
    "grants:meeting_create": Rule("capability", MANAGE, _round, overrides=NOT_OWNER),
    "grants:application_list": Rule("capability", VIEW),
    "grants:application_detail": Rule("capability", VIEW, _application_a, in_district_a=True),
    "grants:attachment_download": Rule(
        "capability", VIEW, _attachment_a, in_district_a=True, overrides=ATTACHMENT
    ),
    "grants:review_list": Rule("capability", REVIEW),
    "grants:review": Rule("capability", REVIEW, _application_a, overrides=NOT_ASSIGNED),
    "grants:conflict_declare": Rule("capability", REVIEW, _application_a, get_allowed=False),
    "grants:meeting_detail": Rule("capability", VIEW, _meeting),
    "grants:decision_record": Rule("capability", MANAGE, _meeting_application, get_allowed=False),
    "grants:letter": Rule("capability", VIEW, _decision_a, in_district_a=True),
    "grants:project_detail": Rule("capability", VIEW, _project_a, in_district_a=True),
    "grants:payment_add": Rule("capability", MANAGE, _project_a, get_allowed=False),
    "grants:report_add": Rule("capability", MANAGE, _project_a, get_allowed=False),
    "grants:dispatch_add": Rule("capability", MANAGE, _project_a, get_allowed=False),
    "grants:fund_list": Rule("capability", FUND),
    "grants:fund_create": Rule("capability", FUND),
    "grants:fund_detail": Rule("capability", FUND, _fund),
    "grants:donation_add": Rule("capability", FUND, _fund, get_allowed=False),
    "grants:entry_reverse": Rule("capability", FUND, _entry, get_allowed=False),
    "grants:statement": Rule("capability", FUND, _fund),
    "grants_public:calls": Rule("public"),
    "grants_public:round": Rule("public", kwargs=_round),
    "grants_public:apply": Rule("public", kwargs=_round),
    "grants_public:application": Rule("public", kwargs=_token),
    "grants_public:attachment_add": Rule("public", kwargs=_token, public_status=405),
    "grants_public:attachment_remove": Rule("public", kwargs=_token_attachment, public_status=405),
}
