from django.test import Client

from ainet.core.models import User
from ainet.demo.plan_content import SEED_TABLE


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_the_api_gives_the_same_table_as_the_command(history_ward: object, db: None) -> None:
    body = client_for("committee-member").get("/api/v1/plan/outcome", {"periods": "1,2"}).json()
    assert body["municipality"] == "141011" and body["district"] is None
    assert [p["start_fy"] for p in body["periods"]] == [2005, 2010]
    assert {r["key"]: tuple(r["values"]) for r in body["rows"]} == SEED_TABLE


def test_one_district_through_the_api(history_ward: object, db: None) -> None:
    body = (
        client_for("staff-yako")
        .get("/api/v1/plan/outcome", {"periods": "1,2", "district": "yako"})
        .json()
    )
    values = {r["key"]: r["values"] for r in body["rows"]}
    assert body["district"] == "yako"
    assert values["new_district_organisations"] == [1, 0]


def test_another_district_or_an_unknown_period_is_404_with_a_reason(
    history_ward: object, db: None
) -> None:
    client = client_for("staff-ichiba")
    response = client.get("/api/v1/plan/outcome", {"district": "yako"})
    assert response.status_code == 404 and "Not found" in response.json()["detail"]
    assert client.get("/api/v1/plan/outcome", {"periods": "1,9"}).status_code == 404


def test_a_partner_company_is_refused(history_ward: object, db: None) -> None:
    response = client_for("partner-company").get("/api/v1/plan/outcome")
    assert response.status_code == 403
