"""Synthetic demo individual evacuation plans (every name and text is made up).

Runs after the care demo (`ainet demo`): for a few consented people on the evacuation-help
list in each district, with a location, an agreed plan naming the nearest active supporters
of their district who still have evacuation capacity. Without care demo people it does
nothing. Fast: a few dozen rows."""

from __future__ import annotations

import datetime
from typing import Any

from ainet.care.models import Basis, ListKind, Person, Supporter
from ainet.core.models import District, Municipality
from ainet.disaster import proposals
from ainet.disaster.models import EvacuationPlan, EvacuationPlanVersion, PlanStatus
from ainet.disaster.services import snapshot

PLANS_PER_DISTRICT = 3
DRAFTS_PER_DISTRICT = 1


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
