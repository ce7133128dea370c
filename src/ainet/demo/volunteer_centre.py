"""The demo volunteer centre: skills, certificates, some of the registered volunteers filled in
with town blocks, skills, languages and free times, a few public registrations awaiting
confirmation, requests at every step of the coordinator's workflow, hours, a volunteers'
exchange meeting and a dementia-supporter course.

Everything is synthetic (names come from the synthetic history). The requests, assignments and
steps are made through `ainet.volunteers.services` as the demo coordinator, so they obey the
same rules and leave the same audit trail as work done in the UI. Counts of registered
volunteers and caravan mates do not change: only existing records get details.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from ainet.community import services as community_services
from ainet.community.models import EventKind
from ainet.core.dates import today_tokyo
from ainet.core.models import District, Municipality, Town, User
from ainet.volunteers import matching, proposals, services
from ainet.volunteers.models import (
    Certificate,
    RequesterKind,
    RequestState,
    Skill,
    Volunteer,
    VolunteerCertificate,
    VolunteerSource,
    VolunteerStatus,
)

DETAILED_VOLUNTEERS = 180
OTHER_LANGUAGES = ("en", "zh", "ko", "tl", "pt", "vi")
# (title, skills, language, requester kind, requester, beneficiary, priority)
REQUESTS: tuple[tuple[str, tuple[str, ...], str, str, str, str, int], ...] = (
    (
        "週1回の買い物の付き添い（デモ）",
        ("shopping",),
        "",
        RequesterKind.RESIDENT,
        "依頼者A（架空）",
        "本人（80代）",
        30,
    ),
    (
        "通院の付き添い（デモ）",
        ("escort",),
        "",
        RequesterKind.FAMILY,
        "依頼者B（架空）",
        "母（90代）",
        60,
    ),
    (
        "ひとり暮らし高齢者の話し相手（デモ）",
        ("companion",),
        "",
        RequesterKind.ORGANISATION,
        "地域ケアプラザ（デモ）",
        "利用者C（架空）",
        40,
    ),
    (
        "サロンの準備と片付け（デモ）",
        ("salon",),
        "",
        RequesterKind.GROUP,
        "ふれあいサロン（デモ）",
        "",
        10,
    ),
    (
        "学校からのお知らせの翻訳（ポルトガル語）（デモ）",
        ("interpreting",),
        "pt",
        RequesterKind.FAMILY,
        "依頼者D（架空）",
        "子ども2人",
        50,
    ),
    (
        "スマートフォンの使い方を教えてほしい（デモ）",
        ("it",),
        "",
        RequesterKind.RESIDENT,
        "依頼者E（架空）",
        "本人",
        0,
    ),
    (
        "庭の草取り（デモ）",
        ("garden",),
        "",
        RequesterKind.RESIDENT,
        "依頼者F（架空）",
        "本人（70代）",
        5,
    ),
    ("夏祭りの運営補助（デモ）", ("event",), "", RequesterKind.GROUP, "町内会（デモ）", "", 10),
    (
        "子育てひろばの見守り（デモ）",
        ("childcare",),
        "",
        RequesterKind.FACILITY,
        "子育て支援拠点（デモ）",
        "",
        20,
    ),
    (
        "中国語での手続き同行（デモ）",
        ("escort", "interpreting"),
        "zh",
        RequesterKind.RESIDENT,
        "依頼者G（架空）",
        "本人",
        70,
    ),
    (
        "施設での傾聴ボランティア（デモ）",
        ("companion",),
        "",
        RequesterKind.FACILITY,
        "特別養護老人ホーム（デモ）",
        "入所者",
        15,
    ),
    (
        "買い物代行と安否確認（デモ）",
        ("shopping", "companion"),
        "",
        RequesterKind.ORGANISATION,
        "民生委員（デモ）",
        "利用者H（架空）",
        45,
    ),
    (
        "家事の手伝い（デモ）",
        ("housework",),
        "",
        RequesterKind.RESIDENT,
        "依頼者I（架空）",
        "本人（要支援1）",
        35,
    ),
    (
        "タガログ語の通訳（デモ）",
        ("interpreting",),
        "tl",
        RequesterKind.ORGANISATION,
        "区役所（デモ）",
        "来庁者",
        55,
    ),
    (
        "配食サロンの調理補助（デモ）",
        ("salon", "housework"),
        "",
        RequesterKind.GROUP,
        "地区社協（デモ）",
        "",
        10,
    ),
    (
        "散歩の付き添い（デモ）",
        ("escort",),
        "",
        RequesterKind.FAMILY,
        "依頼者J（架空）",
        "父（80代）",
        25,
    ),
    (
        "パソコン講座の補助（デモ）",
        ("it",),
        "",
        RequesterKind.FACILITY,
        "地域ケアプラザ（デモ）",
        "講座参加者",
        5,
    ),
    (
        "子ども食堂の手伝い（デモ）",
        ("childcare", "housework"),
        "",
        RequesterKind.GROUP,
        "子ども食堂（デモ）",
        "",
        20,
    ),
    ("防災訓練の受付（デモ）", ("event",), "", RequesterKind.GROUP, "自治会（デモ）", "", 0),
    (
        "電球交換など簡単な修繕（デモ）",
        ("garden",),
        "",
        RequesterKind.RESIDENT,
        "依頼者K（架空）",
        "本人（90代）",
        30,
    ),
    (
        "ベトナム語での生活相談同行（デモ）",
        ("interpreting", "escort"),
        "vi",
        RequesterKind.RESIDENT,
        "依頼者L（架空）",
        "本人",
        65,
    ),
    (
        "話し相手（電話）（デモ）",
        ("companion",),
        "",
        RequesterKind.RESIDENT,
        "依頼者M（架空）",
        "本人",
        20,
    ),
)
# Where each request ends up in the workflow (cycled).
TARGET_STATES = (
    RequestState.RECEIVED,
    RequestState.ACTIVE,
    RequestState.RECEIVED,
    RequestState.INTRODUCED,
    RequestState.COORDINATING,
    RequestState.RECEIVED,
    RequestState.ACCOMPANIED,
    RequestState.ACTIVE,
    RequestState.REVIEW,
    RequestState.RECEIVED,
    RequestState.CLOSED,
)
PATH = (
    RequestState.COORDINATING,
    RequestState.INTRODUCED,
    RequestState.ACCOMPANIED,
    RequestState.ACTIVE,
    RequestState.REVIEW,
    RequestState.CLOSED,
)


def build_volunteer_centre(ward: Municipality) -> None:
    rng = random.Random(5)  # noqa: S311 - deterministic synthetic data, not security
    today = today_tokyo()
    services.ensure_default_vocabulary(ward)
    skills = {s.code: s for s in Skill.objects.filter(municipality=ward)}
    certificates = {c.code: c for c in Certificate.objects.filter(municipality=ward)}
    coordinator = User.objects.get(username="shakyo-coordinator")
    coordinator_districts = list(coordinator.memberships.get().districts.order_by("sort_order"))
    towns_by_district: dict[int, list[Town]] = {}
    for town in Town.objects.filter(municipality=ward).order_by("pk"):
        towns_by_district.setdefault(town.district_id or 0, []).append(town)

    # Details for registered, active volunteers, most of them in the coordinator's districts.
    active = Volunteer.objects.filter(
        municipality=ward, status=VolunteerStatus.ACTIVE, registered_on__isnull=False
    ).order_by("pk")
    inside = list(active.filter(district__in=coordinator_districts))
    outside = list(active.exclude(district__in=coordinator_districts))
    rng.shuffle(inside)
    rng.shuffle(outside)
    quarter = DETAILED_VOLUNTEERS // 4
    chosen = inside[: DETAILED_VOLUNTEERS - quarter] + outside[:quarter]
    skill_codes = sorted(skills)
    for i, volunteer in enumerate(chosen):
        town = rng.choice(towns_by_district[volunteer.district_id or 0])
        volunteer.town, volunteer.lat, volunteer.lng = town, town.lat, town.lng
        languages = {"ja"}
        if rng.random() < 0.25:
            languages.add(rng.choice(OTHER_LANGUAGES))
        volunteer.languages = ",".join(sorted(languages))
        volunteer.availability = ",".join(
            sorted(rng.sample(matching.SLOTS, rng.randint(3, 8)), key=matching.SLOTS.index)
        )
        volunteer.capacity = rng.choice((1, 2, 2, 3))
        volunteer.contact_consent = rng.random() < 0.92
        volunteer.contact_consent_on = (
            volunteer.registered_on if volunteer.contact_consent else None
        )
        volunteer.phone = f"090-0000-{i:04d}"  # synthetic
        volunteer.source = VolunteerSource.STAFF
    for volunteer in chosen:  # one small UPDATE each is quicker than one CASE per column
        Volunteer.objects.filter(pk=volunteer.pk).update(
            town=volunteer.town,
            lat=volunteer.lat,
            lng=volunteer.lng,
            languages=volunteer.languages,
            availability=volunteer.availability,
            capacity=volunteer.capacity,
            contact_consent=volunteer.contact_consent,
            contact_consent_on=volunteer.contact_consent_on,
            phone=volunteer.phone,
            source=volunteer.source,
        )
    through = Volunteer.skills.through
    through.objects.bulk_create(
        [
            through(volunteer_id=v.pk, skill_id=skills[code].pk)
            for v in chosen
            for code in rng.sample(skill_codes, rng.randint(1, 3))
        ]
    )
    # Some hold certificates.
    VolunteerCertificate.objects.bulk_create(
        [
            VolunteerCertificate(
                volunteer=v,
                certificate=certificates["dementia_supporter" if i % 2 else "first_aid"],
                obtained_on=max(v.registered_on or today, datetime.date(2016, 4, 1)),
            )
            for i, v in enumerate(chosen[:40])
        ]
    )

    # Registrations through the public form, awaiting confirmation.
    for n, district in enumerate(coordinator_districts[:3]):
        town = towns_by_district[district.pk][0]
        services.register_publicly(
            ward,
            name=f"申込者{n + 1}（架空）",
            town=town,
            phone=f"080-0000-{n:04d}",
            skills=[skills["companion"], skills["event"]],
            languages=["ja"],
            availability=["sat-am", "sun-pm"],
            contact_consent=True,
        )

    _requests(ward, rng, coordinator, coordinator_districts, towns_by_district, skills, today)
    _events(ward, coordinator, coordinator_districts, chosen, today)


def _requests(
    ward: Municipality,
    rng: random.Random,
    coordinator: User,
    districts: list[District],
    towns_by_district: dict[int, list[Town]],
    skills: dict[str, Skill],
    today: datetime.date,
) -> None:
    for i, (title, codes, language, kind, requester, beneficiary, priority) in enumerate(REQUESTS):
        district = districts[i % len(districts)]
        received = today - datetime.timedelta(days=60 - i * 2)
        req = services.create_request(
            coordinator,
            ward,
            title=title,
            requester_kind=kind,
            requester_name=requester,
            beneficiary=beneficiary,
            town=rng.choice(towns_by_district[district.pk]),
            skills=[skills[c] for c in codes],
            language=language,
            slot=rng.choice(matching.SLOTS[:15]),
            frequency="weekly" if i % 3 else "once",
            priority=priority,
            coordinator=coordinator,
            received_on=received,
        )
        target = TARGET_STATES[i % len(TARGET_STATES)]
        if target == RequestState.RECEIVED:
            continue
        ranking = proposals.rank_for_request(coordinator, req, 2500)
        if not ranking.candidates:
            continue  # nobody fits: it stays received, as in real life
        on = received + datetime.timedelta(days=2)
        services.assign(coordinator, req, ranking.candidates[0].volunteer, on=on)
        volunteer = ranking.candidates[0].volunteer
        for step in PATH[1:]:
            if PATH.index(step) > PATH.index(target):
                break
            on += datetime.timedelta(days=5)
            services.transition(coordinator, req, step, min(on, today), note="（デモ）")
            if step == RequestState.ACTIVE:
                for week in range(3):
                    day = on + datetime.timedelta(days=7 * week)
                    if day <= today:
                        services.log_hours(
                            coordinator,
                            volunteer,
                            date=day,
                            hours=Decimal("1.5"),
                            request=req,
                            note="（デモ）",
                        )


def _events(
    ward: Municipality,
    coordinator: User,
    districts: list[District],
    volunteers: list[Volunteer],
    today: datetime.date,
) -> None:
    home = volunteers[0].district
    meeting = community_services.create_event(
        coordinator,
        ward,
        kind=EventKind.FESTIVAL,
        title="ボランティア交流会（デモ）",
        date=today - datetime.timedelta(days=20),
        place="区社協 会議室（デモ）",
        district=home,
    )
    for volunteer in volunteers[:12]:
        services.record_event_attendance(coordinator, meeting, volunteer)

    mates = list(
        services.active_caravan_mates(ward, today)
        .filter(district__in=districts)
        .distinct()
        .order_by("pk")[:2]
    )
    if not mates or home is None:
        return
    course = services.create_course(
        coordinator,
        ward,
        title="認知症サポーター養成講座（デモ）",
        date=today - datetime.timedelta(days=10),
        district=home,
        trainers=mates,
        place="地域ケアプラザ 多目的室（デモ）",
        audience="地域の住民",
        capacity=30,
    )
    for n in range(10):
        services.add_attendee(coordinator, course, name=f"受講者{n + 1}（架空）")
    for volunteer in volunteers[12:15]:
        services.add_attendee(coordinator, course, name=volunteer.name, volunteer=volunteer)
    for attendee in list(course.attendees.order_by("pk"))[:11]:
        services.graduate(coordinator, attendee)
