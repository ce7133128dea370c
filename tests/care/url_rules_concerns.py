"""Permission-matrix rules for concern reports (staff, public form, API) and the isolation
analysis."""

from typing import Any

from ainet.care import concerns
from ainet.care.models import Urgency
from ainet.core.models import Town
from tests.conftest import World
from tests.matrix import Rule


def _report_a(world: World) -> int:
    town = Town.objects.filter(district=world.district_a).order_by("name").first()
    data = concerns.ConcernInput(
        noticed="新聞がたまっている", where="矢向", urgency=Urgency.SOON, town=town
    )
    return concerns.file_concern(world.users["partner"], world.ward, data).report.pk


def _pk(world: World) -> dict[str, Any]:
    return {"pk": _report_a(world)}


def _api_pk(world: World) -> dict[str, Any]:
    return {"report_id": _report_a(world)}


# The report is the partner's own, in district A: the team of A and the partner see it;
# a commissioner or association manager (who may file but not handle) gets 404.
NOT_HANDLERS = {"minsei": 404, "association": 404}

RULES: dict[str, Rule] = {
    "care_public:concern_report": Rule("public"),
    "care_public:concern_received": Rule("public"),
    "care_concerns:queue": Rule("capability", "care.handle_concerns"),
    "care_concerns:mine": Rule("capability", "care.file_concern"),
    "care_concerns:create": Rule("capability", "care.file_concern"),
    "care_concerns:detail": Rule(
        "capability", "care.file_concern", _pk, in_district_a=True, overrides=NOT_HANDLERS
    ),
    "care_concerns:acknowledge": Rule("capability", "care.handle_concerns", _pk, get_allowed=False),
    "care_concerns:add_action": Rule("capability", "care.handle_concerns", _pk, get_allowed=False),
    "care_concerns:link_person": Rule("capability", "care.handle_concerns", _pk, get_allowed=False),
    "care_concerns:close": Rule("capability", "care.handle_concerns", _pk, get_allowed=False),
    "care_analysis:overview": Rule("capability", "care.manage"),
    "care_analysis:people": Rule("capability", "care.manage"),
    "care_analysis:people_csv": Rule("capability", "care.manage"),
    "care_analysis:supporters": Rule("capability", "care.manage"),
    "care_analysis:what_if": Rule("capability", "care.manage"),
    # GET and POST share the path; ninja names the pattern after both operations.
    "api-v1:concern_list": Rule("api_capability", "care.file_concern"),
    "api-v1:my_concerns": Rule("api_capability", "care.file_concern"),
    "api-v1:concern_detail": Rule(
        "api_capability", "care.file_concern", _api_pk, in_district_a=True, overrides=NOT_HANDLERS
    ),
}
