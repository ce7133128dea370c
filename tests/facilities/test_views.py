"""Staff facility pages: list and filters, the map, standard exports and the web import."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ainet.facilities import opendata
from ainet.facilities.models import EvacuationSite, Facility
from tests.conftest import World
from tests.facilities.test_import import aed, aed_csv

EVAC_ROW = {
    "全国地方公共団体コード": "141011",
    "ID": "E1",
    "名称": "鶴見小学校（テスト）",
    "名称_カナ": "ﾂﾙﾐｼｮｳｶﾞｯｺｳ",
    "所在地_連結表記": "横浜市鶴見区鶴見中央一丁目",
    "緯度": "35.5085",
    "経度": "139.6826",
    "災害種別_地震": "1",
    "災害種別_津波": "1",
    "指定避難所との重複": "1",
    "想定収容人数": "1,200",
    "対象となる町会・自治会": "鶴見中央一丁目町内会、",
}


def evac_csv(row: dict[str, str]) -> bytes:
    header = opendata.EVACUATION_HEADER
    return (
        "\r\n".join([",".join(header), ",".join(f'"{row.get(c, "")}"' for c in header)]) + "\r\n"
    ).encode("cp932")


def test_staff_see_the_list_filtered_by_kind(world: World) -> None:
    page = world.client_for("staff_a", lang="en").get(reverse("facilities:list"), {"kind": "aed"})
    assert page.status_code == 200
    assert (
        page.context["count"]
        == Facility.objects.filter(municipality=world.ward, kind="aed").count()
    )
    assert "Import a standard CSV" not in page.text  # only ward administrators import


def test_an_unknown_kind_filter_shows_everything(world: World) -> None:
    page = world.client_for("staff_a").get(reverse("facilities:list"), {"kind": "<x>"})
    assert page.status_code == 200 and page.context["kind"] == ""


def test_the_staff_map_reuses_the_map_include(world: World) -> None:
    page = world.client_for("staff_a").get(reverse("facilities:map"))
    assert 'data-map-config="staff-facility-map-config"' in page.text
    assert 'id="staff-facility-map-config"' in page.text


def test_the_web_import_creates_an_evacuation_site_with_its_details(world: World) -> None:
    upload = SimpleUploadedFile("hinan.csv", evac_csv(EVAC_ROW), content_type="text/csv")
    response = world.client_for("ward_admin", lang="en").post(
        reverse("facilities:import"), {"format_kind": "evacuation", "file": upload}
    )
    assert response.status_code == 200, response.text
    assert "Imported" in response.text
    school = Facility.objects.get(municipality=world.ward, source_id="E1")
    assert (school.kind, school.capacity, school.name_kana) == (
        "evacuation_site",
        1200,
        "ツルミショウガッコウ",
    )
    site = EvacuationSite.objects.get(facility=school)
    assert site.earthquake and site.tsunami and not site.flood and site.is_designated_shelter
    assert site.target_associations == "鶴見中央一丁目町内会"
    assert [t.value for t in site.disaster_types] == ["earthquake", "tsunami"]


def test_a_bad_file_shows_each_error_and_imports_nothing(world: World) -> None:
    bad = {**EVAC_ROW, "想定収容人数": "約千人", "災害種別_洪水": "はい?"}
    upload = SimpleUploadedFile("hinan.csv", evac_csv(bad), content_type="text/csv")
    response = world.client_for("ward_admin", lang="en").post(
        reverse("facilities:import"), {"format_kind": "evacuation", "file": upload}
    )
    assert response.status_code == 400
    assert "Nothing was imported" in response.text
    assert "想定収容人数" in response.text and "災害種別_洪水" in response.text
    assert "Expected a whole number" in response.text
    assert not Facility.objects.filter(municipality=world.ward, source_id="E1").exists()


def test_export_of_the_standard_layout_in_cp932(world: World) -> None:
    world.client_for("ward_admin").post(
        reverse("facilities:import"),
        {"format_kind": "aed", "file": SimpleUploadedFile("a.csv", aed_csv(aed("公園")).encode())},
    )
    response = world.client_for("staff_a").get(
        reverse("facilities:export", args=["aed"]), {"encoding": "cp932"}
    )
    text = response.content.decode("cp932")
    assert text.startswith(",".join(opendata.AED_HEADER))
    assert "公園" in text


def test_unknown_export_kind_is_not_found(world: World) -> None:
    assert (
        world.client_for("staff_a").get(reverse("facilities:export", args=["people"])).status_code
        == 404
    )


def test_the_outcome_table_counts_are_unchanged_by_imported_facilities(world: World) -> None:
    """Imported care plazas and nurseries without an opening date are not counted by the
    plan's indicators (which need the date), so history stays exact."""
    from ainet.core.indicators import Span, discover

    text = "\r\n".join(
        [
            ",".join(opendata.CHILDCARE_HEADER),
            ",".join(
                {
                    "名称": "新しい保育園",
                    "種別": "認可私立保育所",
                    "全国地方公共団体コード": "141011",
                }.get(c, "")
                for c in opendata.CHILDCARE_HEADER
            ),
        ]
    )
    world.client_for("ward_admin").post(
        reverse("facilities:import"),
        {"format_kind": "childcare", "file": SimpleUploadedFile("c.csv", text.encode())},
    )
    assert Facility.objects.filter(
        municipality=world.ward, name="新しい保育園", kind="nursery"
    ).exists()
    nurseries = discover()["nurseries"].compute(world.ward, [Span(3, 2015, 2019)], [])
    assert nurseries[(3, None)] == 0


def test_a_facility_without_a_capacity_shows_a_dash_not_none(world: World) -> None:
    assert Facility.objects.filter(municipality=world.ward, capacity__isnull=True).exists()
    page = world.client_for("staff_a").get(reverse("facilities:list")).content.decode()
    assert '<td class="number">—</td>' in page
    assert "None" not in page
