"""Open data: facilities, events, the plan and indicators as CSV (UTF-8 with BOM, CP932) and
JSON, with the licence; no personal data."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from ainet.community.models import Registration
from tests.conftest import World
from tests.public.url_rules import make_event


@pytest.mark.parametrize("dataset", ["facilities", "events", "plan", "indicators"])
def test_each_dataset_downloads_as_json_with_the_licence(world: World, dataset: str) -> None:
    response = world.client_for("anonymous").get(
        reverse("public:open_data_file", args=[dataset, "json"])
    )
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["licence"] == "CC BY 4.0"
    assert body["licence_url"].startswith("https://creativecommons.org/")
    assert body["municipality"]["code"] == "141011"
    assert body["synthetic_demo_data"] is True
    assert set(body["rows"][0]) == set(body["columns"]) if body["rows"] else True


def test_csv_comes_with_bom_or_in_cp932(world: World) -> None:
    utf8 = world.client_for("anonymous").get(
        reverse("public:open_data_file", args=["facilities", "csv"])
    )
    assert utf8.content.startswith(b"\xef\xbb\xbf")
    assert "デモAED" in utf8.content.decode("utf-8-sig")
    cp932 = world.client_for("anonymous").get(
        reverse("public:open_data_file", args=["facilities", "csv"]), {"encoding": "cp932"}
    )
    assert "デモAED" in cp932.content.decode("cp932")


def test_events_carry_no_personal_data(world: World) -> None:
    event = make_event(world)
    Registration.objects.create(event=event, name="秘密 太郎", registered_on=event.date)
    response = world.client_for("anonymous").get(
        reverse("public:open_data_file", args=["events", "json"])
    )
    text = response.content.decode()
    assert event.title in text and "秘密" not in text


def test_standard_format_export_is_public(world: World) -> None:
    response = world.client_for("anonymous").get(
        reverse("public:open_data_standard", args=["evacuation"])
    )
    text = response.content.decode("utf-8-sig")
    assert text.startswith("全国地方公共団体コード,ID,名称,")
    assert "デモ避難場所" in text


@pytest.mark.parametrize(
    "url", ["/open-data/people.json", "/open-data/facilities.xml", "/open-data/standard/people.csv"]
)
def test_unknown_datasets_are_not_found(world: World, url: str) -> None:
    assert world.client_for("anonymous").get(url).status_code == 404


def test_the_open_data_page_states_the_licence(world: World) -> None:
    page = world.client_for("anonymous", lang="en").get(reverse("public:open_data"))
    assert "CC BY 4.0" in page.text and "no personal data" in page.text
