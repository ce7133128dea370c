import csv
import io

from django.urls import reverse

from ainet.core import audit
from ainet.core.models import AuditEvent
from tests.conftest import World


def test_auditor_filters_by_user_and_action(world: World) -> None:
    audit.record(world.users["staff_a"], audit.Action.VIEW, obj=world.district_a)
    audit.record(world.users["staff_b"], audit.Action.VIEW, obj=world.district_b)
    response = world.client_for("auditor").get(
        reverse("core:audit_list"), {"user": "staff-yako", "action": "record.view"}
    )
    assert response.status_code == 200
    events = list(response.context["page"])
    assert [e.actor_username for e in events] == ["staff-yako"]


def test_auditor_filters_by_record_and_date_range_written_in_wareki(world: World) -> None:
    audit.record(world.users["staff_a"], audit.Action.VIEW, obj=world.district_a)
    client = world.client_for("auditor")
    response = client.get(
        reverse("core:audit_list"),
        {"record_type": "District", "record_id": str(world.district_a.pk), "date_from": "R1.5.1"},
    )
    assert len(response.context["page"]) == 1
    response = client.get(reverse("core:audit_list"), {"date_to": "平成30年1月1日"})
    assert len(response.context["page"]) == 0


def test_an_unreadable_date_is_a_form_error_not_a_crash(world: World) -> None:
    response = world.client_for("auditor").get(
        reverse("core:audit_list"), {"date_from": "平成99年99月99日", "date_to": "x" * 500}
    )
    assert response.status_code == 200
    assert response.context["form"].errors


def test_a_reversed_date_range_is_refused(world: World) -> None:
    response = world.client_for("auditor").get(
        reverse("core:audit_export"), {"date_from": "2026-05-01", "date_to": "2026-04-01"}
    )
    assert response.status_code == 400


def test_export_opens_in_excel_as_utf8_with_bom_and_is_itself_audited(world: World) -> None:
    audit.record(world.users["staff_a"], audit.Action.VIEW, obj=world.district_a)
    response = world.client_for("auditor").get(reverse("core:audit_export"))
    assert response.status_code == 200
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert any("矢向" in cell for row in rows for cell in row)
    assert AuditEvent.objects.filter(action="export", actor_username="auditor").exists()


def test_export_in_cp932_for_older_excel(world: World) -> None:
    audit.record(world.users["staff_a"], audit.Action.VIEW, obj=world.district_a)
    response = world.client_for("auditor").get(reverse("core:audit_export"), {"encoding": "cp932"})
    text = response.content.decode("cp932")
    assert "矢向" in text
    assert "shift_jis" in response["Content-Type"]


def test_other_roles_cannot_read_the_audit_log(world: World) -> None:
    assert not AuditEvent.objects.for_user(world.users["ward_admin"]).exists()
    assert world.client_for("ward_admin").get(reverse("core:audit_list")).status_code == 403
