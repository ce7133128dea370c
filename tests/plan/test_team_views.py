from django.urls import reverse

from ainet.core.models import AuditEvent
from ainet.plan.models import SupportTeam, SupportTeamMember
from tests.conftest import World


def team_a(world: World) -> SupportTeam:
    return SupportTeam.objects.create(district=world.district_a, established_on="2005-04-01")


def member_form(world: World, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "鈴木 一郎",
        "organisation": world.organisation("鶴見区役所").pk,
        "position": "lead",
        "starts_on": "令和7年4月1日",
    }
    data.update(overrides)
    return data


def test_staff_add_a_section_chief_lead_to_their_districts_team(world: World) -> None:
    team = team_a(world)
    url = reverse("plan:team_detail", args=["yako"])
    response = world.client_for("staff_a").post(url, member_form(world))
    assert response.status_code == 302
    member = team.members.get()
    assert member.position == "lead" and str(member.starts_on) == "2025-04-01"
    assert AuditEvent.objects.filter(object_type="plan.SupportTeamMember").exists()


def test_only_ward_office_council_and_care_plaza_staff_can_serve(world: World) -> None:
    team_a(world)
    partner = world.organisation("つるみ新聞販売センター（デモ）")
    response = world.client_for("staff_a").post(
        reverse("plan:team_detail", args=["yako"]), member_form(world, organisation=partner.pk)
    )
    assert response.status_code == 400
    assert not SupportTeamMember.objects.exists()


def test_a_welfare_commissioner_reads_the_team_but_cannot_change_it(world: World) -> None:
    team_a(world)
    client = world.client_for("minsei")
    assert client.get(reverse("plan:team_detail", args=["yako"])).status_code == 200
    response = client.post(reverse("plan:team_detail", args=["yako"]), member_form(world))
    assert response.status_code == 403
    assert not SupportTeamMember.objects.exists()


def test_another_districts_team_is_not_found(world: World) -> None:
    team_a(world)
    assert (
        world.client_for("staff_b").get(reverse("plan:team_detail", args=["yako"])).status_code
        == 404
    )


def test_ending_service_keeps_the_member_in_the_history(world: World) -> None:
    team = team_a(world)
    member = SupportTeamMember.objects.create(
        team=team,
        name="佐藤 花子",
        organisation=world.organisation("鶴見区役所"),
        starts_on="2020-04-01",
    )
    url = reverse("plan:team_member_end", args=["yako", member.pk])
    assert world.client_for("staff_a").post(url).status_code == 302
    member.refresh_from_db()
    assert member.ends_on is not None
    page = world.client_for("staff_a").get(reverse("plan:team_detail", args=["yako"]))
    assert page.context["past"] == [member]


def test_staff_of_another_district_cannot_end_a_members_service(world: World) -> None:
    team = team_a(world)
    member = SupportTeamMember.objects.create(
        team=team,
        name="佐藤 花子",
        organisation=world.organisation("鶴見区役所"),
        starts_on="2020-04-01",
    )
    url = reverse("plan:team_member_end", args=["yako", member.pk])
    assert world.client_for("staff_b").post(url).status_code == 404
    member.refresh_from_db()
    assert member.ends_on is None
