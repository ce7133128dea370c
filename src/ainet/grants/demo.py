"""Synthetic grants records for the demo ward (every name here is invented and says so):
鶴見ふれあい善意銀行 as a fund with donations, its grant programme run by 区社協 with an open
round (dated from today, so there is always one), two applications in it (one submitted, one
draft), and last year's round with an award paid in two instalments and an overdue report.

Kept small: the demo builder runs it for every test world."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.utils import timezone

from ainet.core.dates import fiscal_year, today_tokyo
from ainet.core.models import District, Municipality, Organisation, User
from ainet.grants import ledger, services
from ainet.grants.models import (
    Application,
    ApplicationStatus,
    Criterion,
    Decision,
    DecisionMeeting,
    Fund,
    FundedProject,
    Outcome,
    Payment,
    Programme,
    ReviewerAssignment,
    Round,
)

DONATIONS = (
    # (days before today, amount, donor, anonymous, earmark)
    (400, 300_000, "鶴見みなと商店会（デモ）", False, ""),
    (330, 50_000, "山田 花子（デモ）", True, ""),
    (300, 120_000, "潮風ロータリー（デモ）", False, "子どもの居場所づくり"),
    (120, 30_000, "匿名の区民（デモ）", True, ""),
    (60, 200_000, "つるみ信用組合（デモ）", False, ""),
    (20, 10_000, "佐藤 一郎（デモ）", False, "高齢者の見守り"),
)
CRITERIA = (
    ("地域の課題に合っている", "地区の福祉保健計画や地域の声と結びついているか"),
    ("多くの住民が参加できる", "新しい参加者、世代をこえた参加が見込めるか"),
    ("続けられる計画である", "助成後も続ける工夫があるか"),
)


def _day(offset_days: int) -> datetime.date:
    return today_tokyo() - datetime.timedelta(days=offset_days)


def build_demo(ward: Municipality) -> None:
    shakyo = Organisation.objects.get(municipality=ward, name="鶴見区社会福祉協議会")
    coordinator = User.objects.get(username="shakyo-coordinator")
    districts = {d.code: d for d in District.objects.filter(municipality=ward)}
    fund = Fund.objects.create(
        municipality=ward, code="zenni-bank", name="鶴見ふれあい善意銀行", owner_organisation=shakyo
    )
    for days, amount, donor, anonymous, earmark in DONATIONS:
        ledger.post_donation(
            fund,
            coordinator,
            amount_yen=amount,
            received_on=_day(days),
            donor_name=donor,
            is_anonymous=anonymous,
            earmark=earmark,
        )
    programme = Programme.objects.create(
        municipality=ward,
        code="zenni-grant",
        name="善意銀行 地域活動助成",
        name_en="Goodwill bank grants for local activities",
        owner=shakyo.name,
        owner_organisation=shakyo,
        purpose="区民の寄付を、地域の支えあい活動の立ち上げと継続に役立てます（デモ）。",
        eligibility="鶴見区内で活動する5人以上の団体（デモ）",
        first_fy=2024,
        fund=fund,
    )
    this_fy = fiscal_year(today_tokyo())
    current = Round.objects.create(
        programme=programme,
        title=f"{this_fy}年度 公募（デモ）",
        fiscal_year=this_fy,
        description="サロン、見守り、子どもの居場所など、地域の支えあい活動に助成します（デモ）。",
        opens_on=_day(30),
        closes_on=_day(-60),
        decision_by=_day(-90),
        min_amount_yen=10_000,
        max_amount_yen=100_000,
        budget_yen=500_000,
        interim_report_due=_day(-200),
        final_report_due=_day(-400),
        is_published=True,
    )
    for number, (title, description) in enumerate(CRITERIA, start=1):
        Criterion.objects.create(
            round=current, number=number, title=title, description=description, max_score=5
        )
    for username in ("shakyo-coordinator", "committee-member"):
        ReviewerAssignment.objects.create(
            round=current, reviewer=User.objects.get(username=username)
        )
    _application(
        current,
        status=ApplicationStatus.SUBMITTED,
        lines=[("会場費", 24_000), ("お茶・材料費", 26_000)],
        group_name="矢向ひだまりサロンの会（デモ）",
        contact_name="矢向 太郎（デモ）",
        contact_email="salon@example.jp",
        district=districts["yako"],
        title="月2回の多世代サロン（デモ）",
        plan="地区センターで月2回、子育て世代と高齢者が一緒に過ごすサロンを開きます（デモ）。",
    )
    _application(
        current,
        status=ApplicationStatus.DRAFT,
        lines=[("見守りカード印刷", 30_000)],
        group_name="市場見守りの会（デモ）",
        contact_name="市場 花子（デモ）",
        district=districts["ichiba"],
        title="見守りカードづくり（デモ）",
        plan="下書き（デモ）",
    )
    _last_year(programme, fund, coordinator, districts, this_fy - 1)


def _last_year(
    programme: Programme,
    fund: Fund,
    coordinator: User,
    districts: dict[str, District],
    fy: int,
) -> None:
    """Last year's round, decided, with one award paid from the fund and its interim report
    overdue (so the coordinator's list shows a flag)."""
    past = Round.objects.create(
        programme=programme,
        title=f"{fy}年度 公募（デモ）",
        fiscal_year=fy,
        description="前年度の公募（デモ）",
        opens_on=datetime.date(fy, 5, 1),
        closes_on=datetime.date(fy, 6, 30),
        min_amount_yen=10_000,
        max_amount_yen=100_000,
        budget_yen=300_000,
        interim_report_due=_day(10),
        final_report_due=_day(-120),
        is_published=True,
    )
    application = _application(
        past,
        status=ApplicationStatus.AWARDED,
        lines=[("食材費", 60_000), ("会場費", 20_000)],
        group_name="矢向こども食堂の会（デモ）",
        contact_name="矢向 次郎（デモ）",
        district=districts["yako"],
        title="月1回のこども食堂（デモ）",
        plan="月1回、地区の子どもと高齢者が一緒に食事をします（デモ）。",
        starts_on=datetime.date(fy, 8, 1),
        submitted_at=datetime.datetime(fy, 6, 20, 10, 0, tzinfo=datetime.UTC),
    )
    meeting = DecisionMeeting.objects.create(
        round=past, held_on=datetime.date(fy, 7, 15), title=f"{fy}年度 審査会（デモ）"
    )
    Decision.objects.create(
        application=application,
        meeting=meeting,
        outcome=Outcome.AWARD,
        amount_yen=80_000,
        reason="地域の子どもの居場所として必要性が高い（デモ）",
        decided_by=coordinator,
    )
    project = FundedProject.objects.create(
        programme=programme,
        application=application,
        title=application.title,
        applicant=application.group_name,
        district=application.district,
        started_on=datetime.date(fy, 8, 1),
        amount_yen=80_000,
        interim_report_due=past.interim_report_due,
        final_report_due=past.final_report_due,
    )
    paid_on = _day(100)
    entry = ledger.post_grant_payment(
        fund,
        coordinator,
        amount_yen=40_000,
        paid_on=paid_on,
        description=f"{project.applicant}への助成：{project.title}（第1回）",
    )
    Payment.objects.create(
        project=project,
        number=1,
        amount_yen=40_000,
        paid_on=paid_on,
        entry=entry,
        recorded_by=coordinator,
    )


def _application(
    round_: Round, *, status: str, lines: list[tuple[str, int]], **fields: Any
) -> Application:
    """Written directly (not through the public form's services), like the rest of the demo:
    the audit log holds what people did, and the demo builder records one event for itself."""
    submitted = status != ApplicationStatus.DRAFT
    application = Application.objects.create(
        round=round_,
        status=status,
        requested_yen=sum(amount for _item, amount in lines),
        resume_token_hash=services.token_hash(secrets.token_urlsafe(32)),
        submitted_at=fields.pop("submitted_at", None) or (timezone.now() if submitted else None),
        **fields,
    )
    for position, (item, amount) in enumerate(lines, start=1):
        application.budget_lines.create(position=position, item=item, amount_yen=amount)
    return application
