"""The demo ward's plan history, FY2005–FY2014, as records: committee and meetings, forums with
registrations and participants, support teams and their meetings, district plans and their
organisations, activities and events, funded projects, volunteer and caravan-mate
registrations, facilities with opening dates.

The records are synthetic; their counts are chosen so that the outcome table computed from them
equals the plan review's table (plan_content.SEED_TABLE). `scale` multiplies the volume of
records (for benchmarks); only scale=1 reproduces the review's figures.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterator

from django.db import transaction

from ainet.community.models import (
    Activity,
    ActivityType,
    Event,
    EventKind,
    Group,
    GroupKind,
    Participation,
    Registration,
)
from ainet.core.models import District, Municipality, Organisation, OrganisationKind
from ainet.demo import plan_content
from ainet.facilities.models import Facility, FacilityKind
from ainet.grants.models import FundedProject, Programme
from ainet.plan.models import (
    AdvisorConsultation,
    Challenge,
    Committee,
    CommitteeMember,
    DistrictOrganisation,
    DistrictPlan,
    DistrictPlanStage,
    Initiative,
    Meeting,
    MeetingAttendance,
    MeetingBody,
    Pillar,
    PlanPeriod,
    PlanStage,
    StaffTraining,
    SupportTeam,
    SupportTeamMember,
    TeamPosition,
    Theme,
)
from ainet.volunteers.models import (
    CARAVAN_MATE,
    Certificate,
    Volunteer,
    VolunteerCertificate,
    VolunteerSource,
    VolunteerStatus,
)

D = datetime.date
# Synthetic names for synthetic people.
FAMILY = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林",
          "加藤", "吉田", "山田", "佐々木", "山口", "松本", "井上", "木村", "林",
          "清水", "斎藤")  # fmt: skip
GIVEN = ("花子", "太郎", "洋子", "健一", "美咲", "大輔", "恵子", "誠", "裕子", "翔太",
         "直子", "浩", "由美", "拓也", "幸子", "亮", "真理", "修", "京子", "悠斗")  # fmt: skip

# Forum participants per fiscal year: they add up to the review's 1,939 and 1,993.
FORUM_PARTICIPANTS = {
    2005: 372, 2006: 385, 2007: 390, 2008: 392, 2009: 400,
    2010: 395, 2011: 398, 2012: 401, 2013: 399, 2014: 400,
}  # fmt: skip
# District plan organisations: 3 founded in period 1, 5 in period 2.
DISTRICT_ORGANISATIONS = [
    ("yako", D(2008, 6, 1)),
    ("namamugi", D(2009, 5, 10)),
    ("terao", D(2009, 11, 1)),
    ("ichiba", D(2011, 7, 1)),
    ("toyooka", D(2012, 4, 20)),
    ("ushioda-tobu", D(2013, 6, 1)),
    ("shimosueyoshi", D(2013, 10, 5)),
    ("komaoka", D(2014, 9, 1)),
]
# Funded projects per programme and fiscal year: 31 in period 1; 101 + 30 = 131 in period 2.
FUNDED = {
    "start-dash": {2007: 9, 2008: 11, 2009: 11},
    "vitality": {2010: 17, 2011: 19, 2012: 21, 2013: 22, 2014: 22},
    "disaster": {2013: 14, 2014: 16},
}
EVENT_TITLES = {EventKind.DISTRICT_FORUM: "地区フォーラム", EventKind.DISCUSSION: "懇談会"}
NURSERY_DISTRICTS = ["tsurumi-chuo", "ushioda-seibu", "ushioda-tobu", "yako", "ichiba", "baba"]


def _names(rng: random.Random) -> Iterator[str]:
    while True:
        yield f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}"


def _day_in(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def build_history(
    ward: Municipality, *, scale: int = 1, progress: Callable[[str], None] = lambda step: None
) -> None:
    rng = random.Random(141011)  # noqa: S311 - deterministic synthetic data, not security
    names = _names(rng)
    districts = {d.code: d for d in District.objects.filter(municipality=ward)}
    with transaction.atomic():
        progress("plan")
        periods = build_plan(ward)
        progress("committee")
        _committee(ward, rng, names, scale)
        progress("support teams")
        _support_teams(ward, districts, rng, names, scale)
        progress("district plans")
        types = _district_plans(ward, districts, periods, rng, scale)
        progress("forums and events")
        _events(ward, districts, types, rng, names, scale)
        progress("grants")
        _grants(ward, districts, rng, scale)
        progress("volunteers")
        _registrations(ward, districts, rng, names, scale)
        progress("facilities")
        _facilities(ward, districts, scale)


def build_plan(ward: Municipality) -> dict[int, PlanPeriod]:
    """The three plan periods and the second period's goal, pillars, themes, initiatives and
    challenges."""
    periods = {
        number: PlanPeriod.objects.create(
            municipality=ward,
            number=number,
            name=f"第{number}期鶴見・あいねっと",
            first_fy=first,
            last_fy=first + 4,
            basic_goal=plan_content.BASIC_GOAL,
        )
        for number, first in ((1, 2005), (2, 2010), (3, 2015))
    }
    second = periods[2]
    for number, (title, description, themes) in enumerate(plan_content.PILLARS, start=1):
        pillar = Pillar.objects.create(
            period=second, number=number, title=title, description=description
        )
        Theme.objects.bulk_create(
            Theme(pillar=pillar, number=i, title=t) for i, t in enumerate(themes, start=1)
        )
        for owner, items in plan_content.INITIATIVES[number].items():
            Initiative.objects.bulk_create(
                Initiative(pillar=pillar, owner=owner, heading=h, details=d, sort_order=i)
                for i, (h, d) in enumerate(items)
            )
        Challenge.objects.bulk_create(
            Challenge(period=second, pillar=pillar, text=text, sort_order=i)
            for i, text in enumerate(plan_content.CHALLENGES[number])
        )
    return periods


def _committee(ward: Municipality, rng: random.Random, names: Iterator[str], scale: int) -> None:
    committee = Committee.objects.create(
        municipality=ward, name="鶴見・あいねっと推進委員会", established_on=D(2010, 4, 1)
    )
    represented = list(
        Organisation.objects.filter(
            municipality=ward,
            kind__in=[
                OrganisationKind.WARD_SHAKYO,
                OrganisationKind.CARE_PLAZA,
                OrganisationKind.MINSEI_COUNCIL,
                OrganisationKind.DISTRICT_SHAKYO,
            ],
        ).order_by("pk")[:12]
    )
    members = []
    for term_start, term_end in ((D(2010, 4, 1), D(2012, 3, 31)), (D(2012, 4, 1), D(2014, 3, 31)),
                                 (D(2014, 4, 1), D(2016, 3, 31))):  # fmt: skip
        for organisation in represented:
            members.append(
                CommitteeMember(
                    committee=committee,
                    name=next(names),
                    organisation=organisation,
                    term_start=term_start,
                    term_end=term_end,
                )
            )
    CommitteeMember.objects.bulk_create(members)
    # Twice a year, FY2010–FY2014: 10 meetings.
    for fy in range(2010, 2015):
        for round_no, held_on in enumerate((D(fy, 7, 15), D(fy + 1, 1, 20)), start=1):
            for copy in range(scale):
                meeting = Meeting.objects.create(
                    municipality=ward,
                    body=MeetingBody.COMMITTEE,
                    committee=committee,
                    held_on=held_on + datetime.timedelta(days=copy % 28),
                    title=f"{fy}年度 第{round_no}回 推進委員会",
                    agenda="区計画の進捗、推進フォーラム、地区別計画の状況",
                    minutes="各団体の視点から区計画の進捗について意見を交換した。（デモ）",
                    decisions="推進フォーラムの開催方針を確認した。（デモ）",
                )
                MeetingAttendance.objects.bulk_create(
                    MeetingAttendance(meeting=meeting, name=next(names), organisation_name=str(o))
                    for o in represented[: 8 + rng.randrange(5)]
                )


def _support_teams(
    ward: Municipality,
    districts: dict[str, District],
    rng: random.Random,
    names: Iterator[str],
    scale: int,
) -> None:
    office = Organisation.objects.get(municipality=ward, kind=OrganisationKind.WARD_OFFICE)
    shakyo = Organisation.objects.get(municipality=ward, kind=OrganisationKind.WARD_SHAKYO)
    meetings = []
    for district in districts.values():
        team = SupportTeam.objects.create(district=district, established_on=D(2005, 4, 1))
        plaza = (
            Organisation.objects.filter(kind=OrganisationKind.CARE_PLAZA, districts=district)
            .order_by("opened_on")
            .first()
        )
        members = [
            SupportTeamMember(team=team, name=next(names), organisation=office,
                              starts_on=D(2005, 4, 1)),
            SupportTeamMember(team=team, name=next(names), organisation=shakyo,
                              starts_on=D(2005, 4, 1)),
            # From FY2012 a section chief leads, with general affairs and public works.
            SupportTeamMember(team=team, name=next(names), organisation=office,
                              position=TeamPosition.LEAD, starts_on=D(2012, 4, 1)),
            SupportTeamMember(team=team, name=next(names), organisation=office,
                              position=TeamPosition.GENERAL_AFFAIRS, starts_on=D(2012, 4, 1)),
            SupportTeamMember(team=team, name=next(names), organisation=office,
                              position=TeamPosition.PUBLIC_WORKS, starts_on=D(2012, 4, 1)),
        ]  # fmt: skip
        if plaza is not None:
            members.append(
                SupportTeamMember(
                    team=team,
                    name=next(names),
                    organisation=plaza,
                    starts_on=plaza.opened_on or D(2005, 4, 1),
                )
            )
        SupportTeamMember.objects.bulk_create(members)
        for fy in range(2005, 2015):
            for _copy in range(scale * 2):
                meetings.append(
                    Meeting(
                        municipality=ward,
                        body=MeetingBody.SUPPORT_TEAM,
                        district=district,
                        held_on=_day_in(rng, D(fy, 4, 1), D(fy + 1, 3, 31)),
                        title=f"{district.name}地区 支援チーム会議",
                        agenda="地区の情報交換、支援策の検討",
                        minutes="地区の行事と課題を共有した。（デモ）",
                    )
                )
    Meeting.objects.bulk_create(meetings, batch_size=2000)
    for fy in range(2005, 2015):
        StaffTraining.objects.create(
            municipality=ward,
            held_on=D(fy, 10, 20),
            title=f"{fy}年度 地区別支援チーム職員研修",
            organiser="鶴見区役所",
            participants=40 + rng.randrange(20),
        )
        chosen = rng.sample(sorted(districts), 3)
        AdvisorConsultation.objects.bulk_create(
            AdvisorConsultation(
                municipality=ward,
                district=districts[code],
                advisor_name="アドバイザー（デモ）",
                held_on=_day_in(rng, D(fy, 5, 1), D(fy + 1, 2, 28)),
                topic="支え合いマップづくりの進め方",
                advice="他地区の事例を紹介し、小さな範囲から始めることを助言した。（デモ）",
            )
            for code in chosen
        )


def _district_plans(
    ward: Municipality,
    districts: dict[str, District],
    periods: dict[int, PlanPeriod],
    rng: random.Random,
    scale: int,
) -> dict[str, ActivityType]:
    types = {
        code: ActivityType.objects.create(
            municipality=ward, code=code, name=name, name_en=english, sort_order=i
        )
        for i, (code, name, english) in enumerate(plan_content.ACTIVITY_TYPES)
    }
    founded = dict(DISTRICT_ORGANISATIONS)
    second_period_pillars = list(
        Pillar.objects.filter(period=periods[2]).prefetch_related("themes")
    )
    activities = []
    for district in districts.values():
        first = DistrictPlan.objects.create(
            district=district, period=periods[1], title=f"{district.name}地区 第1期地区別計画"
        )
        DistrictPlanStage.objects.bulk_create(
            [
                DistrictPlanStage(plan=first, stage=PlanStage.FORUM, started_on=D(2005, 4, 1)),
                DistrictPlanStage(plan=first, stage=PlanStage.DISCUSSION, started_on=D(2007, 4, 1)),
                DistrictPlanStage(plan=first, stage=PlanStage.ACTIVITIES, started_on=D(2009, 4, 1)),
            ]
        )
        second = DistrictPlan.objects.create(
            district=district, period=periods[2], title=f"{district.name}地区 第2期地区別計画"
        )
        DistrictPlanStage.objects.create(
            plan=second, stage=PlanStage.ACTIVITIES, started_on=D(2010, 4, 1)
        )
        if district.code in founded:
            day = founded[district.code]
            plan = first if day < D(2010, 4, 1) else second
            DistrictPlanStage.objects.create(
                plan=plan, stage=PlanStage.OWN_ORGANISATION, started_on=day
            )
            if plan is first:
                DistrictPlanStage.objects.create(
                    plan=second, stage=PlanStage.OWN_ORGANISATION, started_on=D(2010, 4, 1)
                )
            DistrictOrganisation.objects.create(
                district=district, name=f"{district.name}地区あいねっと推進会議", founded_on=day
            )
        for code in rng.sample(sorted(set(types) - {"own-organisation"}), 3):
            pillar = rng.choice(second_period_pillars)
            for _copy in range(scale):
                activities.append(
                    Activity(
                        municipality=ward,
                        name=f"{district.name} {types[code].name}",
                        activity_type=types[code],
                        district=district,
                        pillar=pillar,
                        theme=rng.choice(list(pillar.themes.all())),
                        started_on=_day_in(rng, D(2010, 4, 1), D(2014, 12, 31)),
                        description="地区の状況にあわせた継続的な取組（デモ）",
                    )
                )
    Activity.objects.bulk_create(activities, batch_size=2000)
    return types


def _events(
    ward: Municipality,
    districts: dict[str, District],
    types: dict[str, ActivityType],
    rng: random.Random,
    names: Iterator[str],
    scale: int,
) -> None:
    codes = sorted(districts)
    participations: list[Participation] = []
    for fy, count in FORUM_PARTICIPANTS.items():
        forum = Event.objects.create(
            municipality=ward,
            kind=EventKind.FORUM,
            title=f"{fy}年度 鶴見・あいねっと推進フォーラム",
            date=D(fy + 1, 2, 22),
            start_time=datetime.time(13, 30),
            end_time=datetime.time(16, 30),
            place="鶴見公会堂（デモ）",
            capacity=500,
        )
        total = count * scale
        registered = total * 3 // 5  # about three in five sign up in advance
        registrations = Registration.objects.bulk_create(
            [
                Registration(
                    event=forum,
                    name=next(names),
                    district=districts[codes[i % len(codes)]],
                    registered_on=D(fy + 1, 1, 10) + datetime.timedelta(days=i % 30),
                )
                for i in range(registered + registered // 10)  # some do not come
            ],
            batch_size=5000,
        )
        for i in range(total):
            registration = registrations[i] if i < registered else None
            participations.append(
                Participation(
                    event=forum,
                    registration=registration,
                    district=districts[codes[i % len(codes)]],
                )
            )
    # District forums and discussions: two a year in each district.
    for district in districts.values():
        for fy in range(2005, 2015):
            for kind, month in ((EventKind.DISTRICT_FORUM, 10), (EventKind.DISCUSSION, 6)):
                for _copy in range(scale):
                    event = Event.objects.create(
                        municipality=ward,
                        kind=kind,
                        title=f"{district.name}地区 {EVENT_TITLES[kind]}",
                        district=district,
                        date=D(fy, month, 1 + rng.randrange(27)),
                        place=f"{district.name}地区センター（デモ）",
                        capacity=80,
                    )
                    participations.extend(
                        Participation(event=event, district=district)
                        for _ in range(20 + rng.randrange(30))
                    )
        if len(participations) > 20000:
            Participation.objects.bulk_create(participations, batch_size=5000)
            participations = []
    Participation.objects.bulk_create(participations, batch_size=5000)
    for code in ("yako", "ichiba"):
        Group.objects.create(
            municipality=ward,
            kind=GroupKind.SALON,
            name=f"{districts[code].name}ふれあいサロン（デモ）",
            district=districts[code],
        )


def _grants(
    ward: Municipality, districts: dict[str, District], rng: random.Random, scale: int
) -> None:
    programmes = {
        "start-dash": Programme.objects.create(
            municipality=ward, code="start-dash", name="スタートダッシュ事業",
            owner="鶴見区役所", first_fy=2007, last_fy=2009,
        ),
        "vitality": Programme.objects.create(
            municipality=ward, code="vitality", name="つるみ・地域元気づくり事業",
            owner="鶴見区役所", first_fy=2010,
        ),
        "disaster": Programme.objects.create(
            municipality=ward, code="disaster", name="共助のための防災活動支援事業",
            owner="鶴見区役所", first_fy=2013,
        ),
    }  # fmt: skip
    codes = sorted(districts)
    projects = []
    for programme_code, per_year in FUNDED.items():
        programme = programmes[programme_code]
        for fy, count in per_year.items():
            for i in range(count * scale):
                district = districts[codes[rng.randrange(len(codes))]]
                projects.append(
                    FundedProject(
                        programme=programme,
                        title=f"{district.name} {programme.name} {fy}-{i + 1}（デモ）",
                        applicant=f"{district.name}地区の活動団体（デモ）",
                        district=district,
                        started_on=_day_in(rng, D(fy, 6, 1), D(fy + 1, 2, 28)),
                        amount_yen=rng.choice([100_000, 200_000, 300_000, 500_000]),
                    )
                )
    FundedProject.objects.bulk_create(projects, batch_size=5000)


def _spans(
    rng: random.Random,
    spans: list[
        tuple[int, datetime.date, datetime.date, datetime.date | None, datetime.date | None]
    ],
) -> Iterator[tuple[datetime.date, datetime.date | None]]:
    """spans: (count, registered from, registered until, ended from, ended until)."""
    for count, start, end, end_start, end_end in spans:
        for _ in range(count):
            registered = _day_in(rng, start, end)
            ended = None
            if end_start is not None and end_end is not None:
                ended = _day_in(
                    rng, max(end_start, registered + datetime.timedelta(days=1)), end_end
                )
            yield registered, ended


def _registrations(
    ward: Municipality,
    districts: dict[str, District],
    rng: random.Random,
    names: Iterator[str],
    scale: int,
) -> None:
    codes = sorted(districts)

    def volunteer(registered: datetime.date | None, ended: datetime.date | None) -> Volunteer:
        return Volunteer(
            municipality=ward,
            name=next(names),
            district=districts[codes[rng.randrange(len(codes))]],
            registered_on=registered,
            ended_on=ended,
            status=VolunteerStatus.ENDED if ended else VolunteerStatus.ACTIVE,
            source=VolunteerSource.IMPORTED,
        )

    # Volunteers: 1,588 registered at 2010-04-01 and 1,986 at 2015-04-01.
    volunteer_spans = [
        (1286 * scale, D(2000, 4, 1), D(2010, 3, 31), None, None),
        (302 * scale, D(2000, 4, 1), D(2010, 3, 31), D(2010, 4, 2), D(2015, 3, 31)),
        (200 * scale, D(2000, 4, 1), D(2008, 3, 31), D(2008, 4, 1), D(2010, 3, 31)),
        (700 * scale, D(2010, 4, 2), D(2015, 3, 31), None, None),
    ]
    Volunteer.objects.bulk_create(
        [volunteer(registered, ended) for registered, ended in _spans(rng, volunteer_spans)],
        batch_size=5000,
    )
    # Caravan mates: 45 at 2010-04-01 and 147 at 2015-04-01. They hold the キャラバン・メイト
    # certificate; as trainers they are not registered with the volunteer centre itself.
    certificate, _created = Certificate.objects.get_or_create(
        municipality=ward,
        code=CARAVAN_MATE,
        defaults={"name": "キャラバン・メイト", "name_en": "Caravan mate", "sort_order": 20},
    )
    mate_spans = [
        (37 * scale, D(2006, 4, 1), D(2010, 3, 31), None, None),
        (8 * scale, D(2006, 4, 1), D(2010, 3, 31), D(2010, 4, 2), D(2015, 3, 31)),
        (110 * scale, D(2010, 4, 2), D(2015, 3, 31), None, None),
    ]
    spans = list(_spans(rng, mate_spans))
    mates = [volunteer(None, None) for _span in spans]
    for mate, (_obtained, ended) in zip(mates, spans, strict=True):
        mate.status = VolunteerStatus.ENDED if ended else VolunteerStatus.ACTIVE
    Volunteer.objects.bulk_create(mates, batch_size=5000)
    VolunteerCertificate.objects.bulk_create(
        [
            VolunteerCertificate(
                volunteer=mate, certificate=certificate, obtained_on=obtained, ended_on=ended
            )
            for mate, (obtained, ended) in zip(mates, spans, strict=True)
        ],
        batch_size=5000,
    )


def _facilities(ward: Municipality, districts: dict[str, District], scale: int) -> None:
    plazas = Organisation.objects.filter(municipality=ward, kind=OrganisationKind.CARE_PLAZA)
    rows = [
        Facility(
            municipality=ward,
            kind=FacilityKind.CARE_PLAZA,
            name=plaza.name,
            district=plaza.districts.order_by("sort_order").first(),
            organisation=plaza,
            opened_on=plaza.opened_on or D(2000, 4, 1),
            is_demo_name=plaza.is_demo_name,
        )
        for plaza in plazas
    ]
    # Nurseries: 31 open on 2010-04-01, 59 on 2015-04-01 (synthetic names and dates).
    schedule = (
        [(D(1975 + i, 4, 1), None) for i in range(29)]
        + [(D(1980, 4, 1), D(2008, 3, 31)), (D(1982, 4, 1), D(2009, 3, 31))]
        + [(D(1985, 4, 1), D(2013, 3, 31)), (D(1986, 4, 1), D(2014, 3, 31))]
        # Openings in FY2010 come after 1 April 2010 (a 1 April opening counts as open then).
        + [(D(2010 + i % 5, 10 if i % 5 == 0 else 4, 1), None) for i in range(30)]
    )
    for copy in range(scale):
        for i, (opened, closed) in enumerate(schedule, start=1):
            code = NURSERY_DISTRICTS[i % len(NURSERY_DISTRICTS)]
            rows.append(
                Facility(
                    municipality=ward,
                    kind=FacilityKind.NURSERY,
                    name=f"つるみデモ保育園{copy * 100 + i:02d}（架空）",
                    district=districts[code],
                    opened_on=opened,
                    closed_on=closed,
                    is_demo_name=True,
                )
            )
    Facility.objects.bulk_create(rows, batch_size=5000)
