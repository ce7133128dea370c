"""Synthetic demo individual evacuation plans and safety-confirmation drills (every name and
text is made up).

Runs after the care demo (`ainet demo`): for a few consented people on the evacuation-help
list in each district, with a location, an agreed plan naming the nearest active supporters
of their district who still have evacuation capacity. Without care demo people it does
nothing. Fast: a few dozen rows.

`build_safety_drills` adds two safety-confirmation campaigns, both drills (訓練) without a
disaster-mode declaration, so nothing is unlocked: a past ward-wide drill, closed, for the
history, and a drill in progress in a few districts with some people still unconfirmed, for
the live district board. Their updates are written in bulk (a few hundred rows), with the
per-person latest status computed alongside as `safety.record_update` would keep it."""

from __future__ import annotations

import datetime
import random
import uuid
from typing import Any

from django.utils import timezone

from ainet.care.models import Basis, ListKind, Person, Supporter
from ainet.core.models import District, Municipality
from ainet.disaster import proposals
from ainet.disaster.models import (
    EvacuationPlan,
    EvacuationPlanVersion,
    PlanStatus,
    SafetyCampaign,
    SafetyLatest,
    SafetyStatus,
    SafetyUpdate,
)
from ainet.disaster.services import snapshot

PLANS_PER_DISTRICT = 3
DRAFTS_PER_DISTRICT = 1
# the drill in progress: this many districts (the first by sort order)
LIVE_DRILL_DISTRICTS = 4
DRILL_SEED = 20260901


def build_disaster_plans(ward: Municipality, actor: Any) -> int:
    """Create the demo plans; returns how many."""
    made = 0
    today = datetime.date.today()  # noqa: DTZ011 - a synthetic consent date
    for district in District.objects.filter(municipality=ward).order_by("sort_order"):
        people = list(
            Person.objects.filter(
                district=district,
                lat__isnull=False,
                list_entries__list_kind=ListKind.EVACUATION,
                list_entries__basis=Basis.CONSENT,
                list_entries__left_on__isnull=True,
                evacuation_plan__isnull=True,
            ).order_by("pk")[: PLANS_PER_DISTRICT + DRAFTS_PER_DISTRICT]
        )
        supporters = list(
            Supporter.objects.filter(district=district, is_active=True, lat__isnull=False)
        )
        load: dict[int, int] = {}
        for n, person in enumerate(people):
            options = sorted(
                (
                    (d, s.pk, s)
                    for s in supporters
                    if load.get(s.pk, 0) < s.evacuation_capacity
                    and (d := proposals.distance_m(person, s)) is not None
                ),
                key=lambda t: (t[0], t[1]),
            )
            if not options:
                continue
            chosen = [s for _d, _pk, s in options[:2]]
            for s in chosen:
                load[s.pk] = load.get(s.pk, 0) + 1
            agreed = n < PLANS_PER_DISTRICT
            plan = EvacuationPlan.objects.create(
                municipality=ward,
                person=person,
                status=PlanStatus.AGREED if agreed else PlanStatus.DRAFT,
                primary_supporter=chosen[0],
                backup_supporter=chosen[1] if len(chosen) > 1 else None,
                destination_text=f"{district.name}地区の指定避難所（デモ）",
                route_notes="（デモ）自宅前の道を通り、広い道路を使って避難する。",
                what_to_take="（デモ）常備薬、お薬手帳、眼鏡、懐中電灯、飲料水",
                care_needs="（デモ）杖を使用。段差に介助が必要。" if agreed else "",
                timing_level3="（デモ）支援者が声をかけ、一緒に避難を始める。",
                timing_level4="（デモ）まだ避難していなければ、直ちに避難する。",
                timing_level5="（デモ）自宅の2階など、安全な場所に移る。",
                consent_on=today if agreed else None,
                consent_note="（デモ）本人の署名による" if agreed else "",
                updated_by=actor,
            )
            EvacuationPlanVersion.objects.create(
                plan=plan,
                version=1,
                status=plan.status,
                data=snapshot(plan),
                change="synthetic demo plan",
                saved_by=actor,
            )
            made += 1
    return made


def build_safety_drills(
    ward: Municipality, actor: Any, now: datetime.datetime | None = None
) -> list[SafetyCampaign]:
    """Create the two synthetic drills (see the module docstring); returns them, past first.
    Without people on the evacuation-help list they still exist, with no updates."""
    now = now or timezone.now()
    rng = random.Random(DRILL_SEED)  # noqa: S311 - deterministic synthetic data, not security
    listed = list(
        Person.objects.filter(
            municipality=ward,
            list_entries__list_kind=ListKind.EVACUATION,
            list_entries__left_on__isnull=True,
        )
        .distinct()
        .order_by("pk")
        .values_list("pk", "district_id")
    )
    districts = list(District.objects.filter(municipality=ward).order_by("sort_order"))
    past_opened = (now - datetime.timedelta(days=45)).replace(minute=0, second=0, microsecond=0)
    past = SafetyCampaign.objects.create(
        municipality=ward,
        title="（デモ）区総合防災訓練 安否確認（架空・終了）",
        opened_by=actor,
        opened_at=past_opened,
    )
    # ward-wide (no districts chosen); closed after four hours
    _drill_updates(past, actor, [pk for pk, _d in listed], past_opened, 0.9, 1.0, rng)
    past.closed_at = past_opened + datetime.timedelta(hours=4)
    past.closed_by = actor
    past.save(update_fields=["closed_at", "closed_by"])
    live_districts = districts[:LIVE_DRILL_DISTRICTS]
    live_opened = now - datetime.timedelta(minutes=90)
    live = SafetyCampaign.objects.create(
        municipality=ward,
        title="（デモ）地区合同 安否確認訓練（架空・実施中）",
        opened_by=actor,
        opened_at=live_opened,
    )
    live.districts.set(live_districts)
    chosen = {d.pk for d in live_districts}
    live_people = [pk for pk, d in listed if d in chosen]
    _drill_updates(live, actor, live_people, live_opened, 0.6, 0.5, rng)
    return [past, live]


# status of a first report, and weights; a person first reported as needing help or not at
# home may be reported again later (evacuated or safe), so the history shows a change
_FIRST = (
    (SafetyStatus.SAFE, 70),
    (SafetyStatus.EVACUATED, 12),
    (SafetyStatus.NOT_HOME, 8),
    (SafetyStatus.NEEDS_HELP, 6),
    (SafetyStatus.UNKNOWN, 4),
)


def _drill_updates(
    campaign: SafetyCampaign,
    actor: Any,
    people: list[int],
    opened: datetime.datetime,
    share: float,
    follow_up: float,
    rng: random.Random,
) -> None:
    """Updates for about `share` of `people` within the drill's first hours (a report of
    needing help or not at home is followed up with probability `follow_up`), and their
    latest status."""
    statuses = [s for s, _w in _FIRST]
    weights = [w for _s, w in _FIRST]
    updates: list[SafetyUpdate] = []
    for pk in people:
        if rng.random() >= share:
            continue  # not reached (yet): the board counts them as unconfirmed
        at = opened + datetime.timedelta(minutes=rng.randint(5, 70))
        status = rng.choices(statuses, weights)[0]
        reports = [(status, at)]
        if status in (SafetyStatus.NEEDS_HELP, SafetyStatus.NOT_HOME) and rng.random() < follow_up:
            later = rng.choice([SafetyStatus.EVACUATED, SafetyStatus.SAFE])
            reports.append((later, at + datetime.timedelta(minutes=rng.randint(10, 15))))
        for n, (state, when) in enumerate(reports):
            updates.append(
                SafetyUpdate(
                    campaign=campaign,
                    person_id=pk,
                    idempotency_key=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    status=state,
                    evacuated_to="（デモ）地区の指定避難所"
                    if state == SafetyStatus.EVACUATED
                    else "",
                    note="（デモ）訓練での報告" if n == 0 else "（デモ）訓練での再確認",
                    observed_at=when,
                    recorded_by=actor,
                    received_at=when + datetime.timedelta(seconds=rng.randint(1, 90)),
                )
            )
    SafetyUpdate.objects.bulk_create(updates, batch_size=500)
    latest: dict[int, tuple[SafetyUpdate, int]] = {}
    for u in SafetyUpdate.objects.filter(campaign=campaign).order_by("observed_at", "pk"):
        count = latest[u.person_id][1] + 1 if u.person_id in latest else 1
        latest[u.person_id] = (u, count)
    SafetyLatest.objects.bulk_create(
        (
            SafetyLatest(
                campaign=campaign,
                person_id=pk,
                update=u,
                status=u.status,
                evacuated_to=u.evacuated_to,
                observed_at=u.observed_at,
                update_count=count,
            )
            for pk, (u, count) in latest.items()
        ),
        batch_size=500,
    )
