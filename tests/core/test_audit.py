import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction

from ainet.core import audit
from ainet.core.models import AuditEvent
from tests.conftest import World, on_postgresql


def test_audit_rows_cannot_be_changed_through_the_orm(world: World) -> None:
    event = audit.record(world.users["staff_a"], audit.Action.VIEW, obj=world.district_a)
    event.reason = "tampered"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.filter(pk=event.pk).update(reason="tampered")
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_an_event_names_the_record_and_its_municipality(world: World) -> None:
    event = audit.record(world.users["staff_a"], audit.Action.VIEW, obj=world.district_a)
    assert event.object_type == "core.District"
    assert event.object_id == str(world.district_a.pk)
    assert event.municipality == world.ward
    assert event.actor_username == "staff-yako"


@pytest.mark.postgres_only
@pytest.mark.skipif(not on_postgresql(), reason="the database trigger exists on PostgreSQL only")
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE core_auditevent SET reason = 'tampered' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ],
)
def test_the_application_database_role_cannot_update_or_delete_audit_rows(
    world: World, statement: str
) -> None:
    event = audit.record(world.users["staff_a"], audit.Action.VIEW, obj=world.district_a)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == ""
