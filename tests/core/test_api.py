from tests.conftest import World


def test_openapi_schema_lists_the_operations(world: World) -> None:
    schema = world.client_for("anonymous").get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "ainet API"
    assert {"/api/v1/districts", "/api/v1/districts/{code}", "/api/v1/me"} <= set(schema["paths"])


def test_api_root_says_where_the_schema_is(world: World) -> None:
    body = world.client_for("anonymous").get("/api/v1/").json()
    assert body["openapi"].endswith("/api/v1/openapi.json")


def test_anonymous_callers_get_401_with_a_bilingual_reason(world: World) -> None:
    response = world.client_for("anonymous").get("/api/v1/districts")
    assert response.status_code == 401
    assert "ログイン" in response.json()["detail"] and "Log-in" in response.json()["detail"]


def test_staff_see_only_their_districts_through_the_api(world: World) -> None:
    body = world.client_for("staff_b").get("/api/v1/districts").json()
    assert [d["code"] for d in body] == ["ichiba"]


def test_another_districts_record_is_404_through_the_api(world: World) -> None:
    response = world.client_for("staff_b").get("/api/v1/districts/yako")
    assert response.status_code == 404
    assert "Not found" in response.json()["detail"]


def test_district_detail_includes_its_town_blocks(world: World) -> None:
    body = world.client_for("staff_a").get("/api/v1/districts/yako").json()
    assert {t["name"] for t in body["towns"]} >= {"矢向一丁目", "江ケ崎町"}


def test_a_non_numeric_organisation_id_is_422_with_a_reason(world: World) -> None:
    response = world.client_for("staff_a").get("/api/v1/organisations/abc")
    assert response.status_code == 422
    assert response.json()["errors"]


def test_a_partner_company_is_forbidden_with_a_reason(world: World) -> None:
    response = world.client_for("partner").get("/api/v1/organisations")
    assert response.status_code == 403
    assert "permission" in response.json()["detail"]
