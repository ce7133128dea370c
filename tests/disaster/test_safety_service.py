"""`safety.record_update`: stored exactly once per key, replays answered as the first time, a
key reused for other content refused, bad input refused with nothing changed, the latest
status the newest observation whatever the arrival order, and disaster-mode unlocks audited."""

from __future__ import annotations

import datetime
import threading
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from ainet.care.models import Basis
from ainet.core import access
from ainet.core.models import AuditEvent
from ainet.disaster import safety
from ainet.disaster.models import SafetyCampaign, SafetyLatest, SafetyStatus, SafetyUpdate
from tests.conftest import World, on_postgresql
from tests.disaster.safety_people import (
    declare_disaster,
    make_campaign,
    make_person,
    sign_agreement,
    tie_volunteer,
)


def key() -> str:
    return str(uuid.uuid4())


def record(world: World, campaign: SafetyCampaign, person_id: int, **kw: object) -> safety.Recorded:
    values: dict[str, object] = {"key": key(), "status": SafetyStatus.SAFE, **kw}
    persona = str(values.pop("persona", "minsei"))
    return safety.record_update(
        world.users[persona],
        campaign,
        person_id=person_id,
        **values,  # type: ignore[arg-type]
    )


def test_an_update_is_stored_and_becomes_the_latest_status(world: World) -> None:
    campaign, person = make_campaign(world), make_person(world)
    recorded = record(world, campaign, person.pk, status=SafetyStatus.NEEDS_HELP, note="足を痛めた")
    assert recorded.created
    latest = SafetyLatest.objects.get(campaign=campaign, person=person)
    assert (latest.status, latest.update_id, latest.update_count) == (
        SafetyStatus.NEEDS_HELP,
        recorded.update.pk,
        1,
    )


def test_a_resent_update_is_stored_once_and_answered_the_same(world: World) -> None:
    campaign, person = make_campaign(world), make_person(world)
    at = timezone.now() - datetime.timedelta(minutes=3)
    k = key()
    first = record(world, campaign, person.pk, key=k, observed_at=at, note="在宅")
    again = record(world, campaign, person.pk, key=k, observed_at=at, note="在宅")
    assert first.created and not again.created
    assert again.update.pk == first.update.pk
    assert SafetyUpdate.objects.count() == 1
    assert SafetyLatest.objects.get().update_count == 1


def test_a_form_resend_without_a_time_matches_the_stored_update(world: World) -> None:
    campaign, person = make_campaign(world), make_person(world)
    k = key()
    first = record(world, campaign, person.pk, key=k)
    again = record(world, campaign, person.pk, key=k)
    assert not again.created and again.update.pk == first.update.pk


@pytest.mark.parametrize(
    "change",
    [
        {"status": SafetyStatus.NEEDS_HELP},
        {"note": "別の内容"},
        {"persona": "staff_a"},
    ],
)
def test_a_key_replayed_with_other_content_is_refused_and_nothing_stored(
    world: World, change: dict[str, object]
) -> None:
    campaign, person = make_campaign(world), make_person(world)
    k = key()
    record(world, campaign, person.pk, key=k, note="在宅")
    with pytest.raises(safety.SafetyError) as error:
        record(world, campaign, person.pk, **{"key": k, "note": "在宅", **change})
    assert error.value.status == 409
    assert SafetyUpdate.objects.count() == 1
    assert SafetyLatest.objects.get().status == SafetyStatus.SAFE


def test_a_key_replayed_for_another_person_is_refused(world: World) -> None:
    campaign, one, other = make_campaign(world), make_person(world), make_person(world)
    k = key()
    record(world, campaign, one.pk, key=k)
    with pytest.raises(safety.SafetyError) as error:
        record(world, campaign, other.pk, key=k)
    assert error.value.status == 409
    assert not SafetyLatest.objects.filter(person=other).exists()


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"key": "short"}, "invalid_key"),
        ({"key": "has spaces in it 1234"}, "invalid_key"),
        ({"key": "x" * 65}, "invalid_key"),
        ({"key": "鍵" * 20}, "invalid_key"),
        ({"status": "fine"}, "invalid_status"),
        ({"status": ""}, "invalid_status"),
        ({"status": SafetyStatus.EVACUATED}, "where_required"),
        ({"status": SafetyStatus.EVACUATED, "evacuated_to": "x" * 201}, "where_too_long"),
        ({"note": "x" * 1001}, "note_too_long"),
        ({"observed_at": timezone.now() + datetime.timedelta(hours=1)}, "observed_in_future"),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_changes_nothing(
    world: World, values: dict[str, object], code: str
) -> None:
    campaign, person = make_campaign(world), make_person(world)
    record(world, campaign, person.pk)
    with pytest.raises(safety.SafetyError) as error:
        record(world, campaign, person.pk, **values)
    assert (error.value.status, error.value.code) == (422, code)
    assert error.value.text()
    assert SafetyUpdate.objects.count() == 1
    assert SafetyLatest.objects.get().status == SafetyStatus.SAFE


def test_a_uuid_and_url_safe_keys_are_accepted(world: World) -> None:
    campaign, person = make_campaign(world), make_person(world)
    for k in (str(uuid.uuid4()), uuid.uuid4().hex, "A_b-" * 4, "z" * 64):
        assert record(world, campaign, person.pk, key=k).created


def test_evacuated_keeps_where_and_other_statuses_drop_it(world: World) -> None:
    campaign, person = make_campaign(world), make_person(world)
    gone = record(
        world, campaign, person.pk, status=SafetyStatus.EVACUATED, evacuated_to=" 矢向小学校 "
    )
    assert gone.update.evacuated_to == "矢向小学校"
    home = record(world, campaign, person.pk, status=SafetyStatus.SAFE, evacuated_to="矢向小学校")
    assert home.update.evacuated_to == ""


def test_an_older_observation_arriving_later_stays_in_history_only(world: World) -> None:
    campaign, person = make_campaign(world), make_person(world)
    now = timezone.now()
    newer = record(world, campaign, person.pk, status=SafetyStatus.SAFE, observed_at=now)
    record(
        world,
        campaign,
        person.pk,
        status=SafetyStatus.NEEDS_HELP,
        observed_at=now - datetime.timedelta(minutes=30),
    )
    latest = SafetyLatest.objects.get()
    assert (latest.update_id, latest.status, latest.update_count) == (
        newer.update.pk,
        SafetyStatus.SAFE,
        2,
    )
    assert SafetyUpdate.objects.filter(person=person).count() == 2


def test_equal_times_are_ordered_by_id(world: World) -> None:
    campaign, person = make_campaign(world), make_person(world)
    at = timezone.now()
    record(world, campaign, person.pk, status=SafetyStatus.SAFE, observed_at=at)
    second = record(world, campaign, person.pk, status=SafetyStatus.NOT_HOME, observed_at=at)
    assert SafetyLatest.objects.get().update_id == second.update.pk


def test_a_person_of_another_district_is_not_found(world: World) -> None:
    campaign = make_campaign(world)
    elsewhere = make_person(world, world.district_b)
    with pytest.raises(safety.SafetyError) as error:
        record(world, campaign, elsewhere.pk)  # the commissioner of district A
    assert error.value.status == 404
    assert not SafetyUpdate.objects.exists()


def test_a_person_the_user_sees_outside_the_campaign_is_refused(world: World) -> None:
    campaign = make_campaign(world, districts=[world.district_b])
    person = make_person(world)
    with pytest.raises(safety.SafetyError) as error:
        record(world, campaign, person.pk, persona="staff_a")
    assert (error.value.status, error.value.code) == (422, "not_in_campaign")


def test_a_person_not_on_the_evacuation_list_is_not_in_the_campaign(world: World) -> None:
    campaign = make_campaign(world)
    watched = make_person(world, list_kind="watch", basis=Basis.WATCH_PROGRAMME)
    with pytest.raises(safety.SafetyError) as error:
        record(world, campaign, watched.pk, persona="staff_a")
    assert error.value.code == "not_in_campaign"


def test_an_unknown_person_is_not_found(world: World) -> None:
    with pytest.raises(safety.SafetyError) as error:
        record(world, make_campaign(world), 999_999_999)
    assert error.value.status == 404


def test_a_closed_campaign_refuses_new_updates_but_answers_replays(world: World) -> None:
    campaign, person = make_campaign(world), make_person(world)
    k = key()
    record(world, campaign, person.pk, key=k)
    campaign = safety.close_campaign(world.users["ward_admin"], campaign)
    assert not record(world, campaign, person.pk, key=k).created
    with pytest.raises(safety.SafetyError) as error:
        record(world, campaign, person.pk)
    assert error.value.code == "campaign_closed"


@pytest.mark.parametrize("persona", ["partner", "committee", "auditor"])
def test_personas_without_the_capability_may_not_record(world: World, persona: str) -> None:
    campaign, person = make_campaign(world), make_person(world)
    with pytest.raises(PermissionDenied):
        record(world, campaign, person.pk, persona=persona)


def test_a_volunteer_records_only_for_the_people_tied_to_them(world: World) -> None:
    campaign = make_campaign(world)
    mine, other = make_person(world), make_person(world)
    tie_volunteer(world, mine)
    assert record(world, campaign, mine.pk, persona="volunteer").created
    with pytest.raises(safety.SafetyError) as error:
        record(world, campaign, other.pk, persona="volunteer")
    assert error.value.status == 404


def test_disaster_mode_lets_the_commissioner_record_for_the_non_consented_and_audits_it(
    world: World,
) -> None:
    campaign = make_campaign(world)
    hidden = make_person(world, basis=Basis.WARD_ONLY)
    with pytest.raises(safety.SafetyError):
        record(world, campaign, hidden.pk)
    declare_disaster(world, [world.district_a])
    access.forget(world.users["minsei"])  # a new request: the scope is computed afresh
    before = AuditEvent.objects.filter(details__disaster_mode=True).count()
    assert record(world, campaign, hidden.pk).created
    events = AuditEvent.objects.filter(details__disaster_mode=True)
    assert events.count() == before + 1
    assert events.latest("pk").details["people"] == [hidden.pk]


def test_a_consented_person_is_no_unlock(world: World) -> None:
    campaign, person = make_campaign(world), make_person(world)
    record(world, campaign, person.pk)
    assert not AuditEvent.objects.filter(details__disaster_mode=True).exists()


def test_only_a_ward_administrator_opens_and_closes_campaigns(world: World) -> None:
    with pytest.raises(PermissionDenied):
        safety.open_campaign(world.users["staff_a"], world.ward, title="地震")
    campaign = safety.open_campaign(
        world.users["ward_admin"], world.ward, title=" 地震 ", districts=[world.district_a]
    )
    assert campaign.title == "地震" and campaign.is_open
    with pytest.raises(PermissionDenied):
        safety.close_campaign(world.users["staff_a"], campaign)
    assert not safety.close_campaign(world.users["ward_admin"], campaign).is_open
    assert AuditEvent.objects.filter(object_type="disaster.SafetyCampaign").count() == 2


@pytest.mark.skipif(
    not on_postgresql(), reason="threads need PostgreSQL; SQLite's IMMEDIATE mode serialises"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_updates_to_one_person_all_stay_and_the_newest_is_latest(
    world: World,
) -> None:
    campaign, person = make_campaign(world), make_person(world)
    base = timezone.now() - datetime.timedelta(minutes=10)
    keys = [key() for _ in range(24)]
    # Two threads share each key: one of them stores it, the other gets the replay.
    work = [(i, k) for i, k in enumerate(keys)] * 2
    results: list[tuple[str, bool]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker(items: list[tuple[int, str]]) -> None:
        try:
            barrier.wait()
            for i, k in items:
                got = record(
                    world,
                    campaign,
                    person.pk,
                    key=k,
                    observed_at=base + datetime.timedelta(seconds=i),
                    note=f"n{i}",
                )
                results.append((k, got.created))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(work[n::8],)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(k for k, created in results if created) == sorted(keys)
    assert SafetyUpdate.objects.filter(person=person).count() == len(keys)
    latest = SafetyLatest.objects.get(campaign=campaign, person=person)
    assert latest.update_count == len(keys)
    assert latest.update.idempotency_key == keys[-1]


def _in_campaign_uncompiled(user: object, campaign: SafetyCampaign, person_id: int) -> object:
    row = safety.campaign_people(user, campaign).filter(pk=person_id).values_list("unlocked")
    found = row.first()
    return None if found is None else bool(found[0])


def test_the_compiled_campaign_check_agrees_with_campaign_people_for_every_persona(
    world: World,
) -> None:
    """`_in_campaign` reuses SQL compiled for an equal `access.person_q_key`; for every
    persona, person and state (normal times, disaster mode, an agreement, a tie) it must
    decide exactly as the `campaign_people` queryset does."""
    campaign = make_campaign(world)
    people = [
        make_person(world),
        make_person(world, basis=Basis.WARD_ONLY),
        make_person(world, basis=Basis.HAND_RAISED),
        make_person(world, world.district_b),
        make_person(world, world.district_b, basis=Basis.WARD_ONLY),
    ]
    tie_volunteer(world, people[1])
    personas = [p for p in world.users if p != "anonymous"]

    def check() -> None:
        for persona in personas:
            user = world.users[persona]
            for person in people:
                access.forget(user)
                expected = _in_campaign_uncompiled(user, campaign, person.pk)
                access.forget(user)
                assert safety._in_campaign(user, campaign, person.pk) == expected, (
                    persona,
                    person.pk,
                )

    check()
    declaration = declare_disaster(world, [world.district_a])
    sign_agreement(world)
    check()
    assert safety._in_campaign(world.users["minsei"], campaign, people[1].pk) is True
    declaration.ended_at = timezone.now()
    declaration.save()
    check()


def test_a_lost_district_is_refused_on_the_next_request_though_the_sql_was_compiled(
    world: World,
) -> None:
    campaign, person = make_campaign(world), make_person(world)
    minsei = world.users["minsei"]
    assert record(world, campaign, person.pk).created
    membership = minsei.memberships.get()
    membership.districts.set([world.district_b])
    access.forget(minsei)  # the next request
    with pytest.raises(safety.SafetyError) as error:
        record(world, campaign, person.pk)
    assert error.value.status == 404
    assert SafetyUpdate.objects.filter(person=person).count() == 1


def test_the_end_of_disaster_mode_ends_unlocked_updates_on_the_next_request(world: World) -> None:
    campaign = make_campaign(world)
    hidden = make_person(world, basis=Basis.WARD_ONLY)
    declaration = declare_disaster(world, [world.district_a])
    access.forget(world.users["minsei"])
    assert record(world, campaign, hidden.pk).created
    declaration.ended_at = timezone.now()
    declaration.save()
    access.forget(world.users["minsei"])
    with pytest.raises(safety.SafetyError):
        record(world, campaign, hidden.pk)


def test_an_unlocked_update_is_stored_only_with_its_audit_event(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audit event of a disaster-mode update is written in the update's transaction: if it
    fails, nothing of the update stays."""
    campaign = make_campaign(world)
    hidden = make_person(world, basis=Basis.WARD_ONLY)
    declare_disaster(world, [world.district_a])
    access.forget(world.users["minsei"])

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("audit store down")

    monkeypatch.setattr(safety, "audit_unlocks", broken)
    with pytest.raises(RuntimeError):
        record(world, campaign, hidden.pk)
    assert not SafetyUpdate.objects.filter(person=hidden).exists()
    assert not SafetyLatest.objects.filter(person=hidden).exists()


def test_the_one_statement_write_stores_the_update_and_its_latest_status(world: World) -> None:
    """On PostgreSQL an update without an audit event is one statement (insert + latest
    upsert); a replay of its key adds nothing to either table."""
    campaign, person = make_campaign(world), make_person(world)
    k = key()
    first = record(world, campaign, person.pk, key=k)
    again = record(world, campaign, person.pk, key=k)
    assert first.created and not again.created and again.update.pk == first.update.pk
    latest = SafetyLatest.objects.get(campaign=campaign, person=person)
    assert (latest.update_id, latest.update_count) == (first.update.pk, 1)
    assert SafetyUpdate.objects.filter(campaign=campaign).count() == 1


@pytest.mark.skipif(not on_postgresql(), reason="the checked single statement is PostgreSQL's")
def test_a_fresh_update_is_checked_and_stored_in_one_statement(world: World) -> None:
    """A fresh key for a person the supporter sees without disaster mode: the visibility check,
    the insert and the latest-status upsert are one statement. A person out of reach, an
    unlock and a re-sent key store nothing in it and are told apart by the slower path."""
    campaign = make_campaign(world)
    person, elsewhere = make_person(world), make_person(world, world.district_b)
    hidden = make_person(world, basis=Basis.WARD_ONLY)
    record(world, campaign, person.pk)  # compiles the check for this access key
    statements: list[str] = []

    def log(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(log):
        recorded = record(world, campaign, person.pk, status=SafetyStatus.NOT_HOME)
    assert recorded.created
    writes = [s for s in statements if "INSERT" in s]
    assert len(writes) == 1 and "IS FALSE" in writes[0], statements
    assert SafetyLatest.objects.get(person=person).status == SafetyStatus.NOT_HOME

    with pytest.raises(safety.SafetyError) as refused:
        record(world, campaign, elsewhere.pk)
    assert refused.value.status == 404
    assert not SafetyUpdate.objects.filter(person=elsewhere).exists()

    declare_disaster(world, [world.district_a])
    access.forget(world.users["minsei"])
    before = AuditEvent.objects.count()
    unlocked = record(world, campaign, hidden.pk)
    assert unlocked.created and AuditEvent.objects.count() == before + 1

    k = key()
    first = record(world, campaign, person.pk, key=k)
    again = record(world, campaign, person.pk, key=k)
    assert first.created and not again.created and again.update.pk == first.update.pk
    assert SafetyUpdate.objects.filter(idempotency_key=k).count() == 1
