"""How each roster-import URL answers a GET from each persona
(tests/core/test_permission_matrix.py), and the upload the rules need."""

from __future__ import annotations

from typing import Any

from ainet.care.models import ListKind
from ainet.care.roster_models import RosterUpload, UploadStatus
from tests.care.roster_files import roster_bytes, row
from tests.conftest import World
from tests.matrix import Rule

MANAGE_BASIS = "care.manage_basis"


def make_upload(world: World, status: str = UploadStatus.READY, **fields: Any) -> RosterUpload:
    data = roster_bytes([row()])
    return RosterUpload.objects.create(
        municipality=world.ward,
        list_kind=ListKind.EVACUATION,
        filename="roster.csv",
        data=data,
        size=len(data),
        sha256="0" * 64,
        uploaded_by=world.users["ward_admin"],
        status=status,
        **fields,
    )


def _upload(world: World) -> dict[str, Any]:
    return {"pk": make_upload(world).pk}


RULES: dict[str, Rule] = {
    "care_roster:home": Rule("capability", MANAGE_BASIS),
    "care_roster:upload": Rule("capability", MANAGE_BASIS, get_allowed=False),
    "care_roster:template": Rule("capability", MANAGE_BASIS),
    "care_roster:detail": Rule("capability", MANAGE_BASIS, _upload),
    "care_roster:progress": Rule("capability", MANAGE_BASIS, _upload),
    "care_roster:apply": Rule("capability", MANAGE_BASIS, _upload, get_allowed=False),
    "care_roster:recheck": Rule("capability", MANAGE_BASIS, _upload, get_allowed=False),
    "care_roster:discard": Rule("capability", MANAGE_BASIS, _upload, get_allowed=False),
}
