"""Every real municipal file in /work/shared/data/opendata imports (into a municipality with
the file's own code), with the quirks SOURCES.md lists handled, and exports back."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from ainet.core.models import Municipality
from ainet.facilities import opendata, services
from ainet.facilities.models import EvacuationSite, Facility

DATA = Path("/work/shared/data/opendata")

# file, format kind, municipality code to import into, records, facilities with a point
REAL_FILES = [
    ("ichikawa/122033_103_evacuation_space.csv", "evacuation", "122033", 121, 121),
    ("ichikawa/122033_108_aed.csv", "aed", "122033", 191, 191),
    ("ichikawa/122033_109_care_service.csv", "care", "122033", 53, 53),
    ("ichikawa/122033_105_preschool.csv", "childcare", "122033", 384, 384),
    ("matsuyama/382019_evacuation_space.csv", "evacuation", "382019", 390, 390),
    ("kawaguchi/112038_preschool.csv", "childcare", "112038", 302, 301),
    ("komae/132195_aed.csv", "aed", "132195", 57, 57),
    ("hamamatsu/hinanjo.csv", "evacuation", "221390", 182, 182),
    ("kusatsu/25206_shitei-hinanjo.csv", "evacuation", "252069", 75, 75),
]

pytestmark = pytest.mark.skipif(not DATA.exists(), reason="the shared open-data files are absent")


def _municipality(code: str) -> Municipality:
    return Municipality.objects.create(code=code, name=f"テスト自治体{code}")


@pytest.mark.parametrize(("path", "kind", "code", "records", "with_point"), REAL_FILES)
def test_each_real_file_imports_completely(
    db: None, path: str, kind: opendata.FormatKind, code: str, records: int, with_point: int
) -> None:
    municipality = _municipality(code)
    report = services.import_facilities(
        None, municipality, (DATA / path).read_bytes(), kind, command_line=True
    )
    assert report.errors == [], [str(p) for p in report.errors[:5]]
    assert report.records == records
    facilities = Facility.objects.filter(municipality=municipality)
    assert facilities.count() == records
    assert facilities.filter(lat__isnull=False).count() == with_point
    # Every row without a point is reported as a warning, with its row number.
    no_point = [w for w in report.warnings if "map" in w.message_en]
    assert len(no_point) == records - with_point


def test_ichikawa_cp932_half_width_kana_becomes_full_width(db: None) -> None:
    municipality = _municipality("122033")
    data = (DATA / "ichikawa/122033_103_evacuation_space.csv").read_bytes()
    report = services.import_facilities(None, municipality, data, "evacuation", command_line=True)
    assert report.encoding == "cp932"
    school = Facility.objects.get(municipality=municipality, name="県立国分高校")
    assert school.name_kana == "ケンリツコクブンコウコウ"
    assert school.phone == "(047)371-6100"
    site = school.evacuation
    assert site.flood and site.earthquake and not site.volcano
    assert site.is_designated_shelter
    assert school.kind == "evacuation_site"


def test_matsuyama_capacity_with_thousands_separators(db: None) -> None:
    municipality = _municipality("382019")
    data = (DATA / "matsuyama/382019_evacuation_space.csv").read_bytes()
    services.import_facilities(None, municipality, data, "evacuation", command_line=True)
    assert Facility.objects.filter(municipality=municipality, capacity=50700).exists()
    park = Facility.objects.get(municipality=municipality, name="城山公園")
    assert park.source_id == "E3820100602201"
    assert park.address == "愛媛県松山市堀之内"
    # Full-width digits and comma in a name are normalised.
    assert Facility.objects.filter(municipality=municipality, name="空港通1,2公園").exists()


def test_kawaguchi_types_dates_and_embedded_newlines(db: None) -> None:
    municipality = _municipality("112038")
    data = (DATA / "kawaguchi/112038_preschool.csv").read_bytes()
    services.import_facilities(None, municipality, data, "childcare", command_line=True)
    facilities = Facility.objects.filter(municipality=municipality)
    # 認可公立保育所 41 + 認可私立保育所 157 are licensed nurseries.
    assert facilities.filter(kind="nursery").count() == 198
    assert facilities.filter(subtype="放課後児童クラブ", kind="childcare").count() == 56
    first = facilities.get(source_id="k130000001")
    assert first.opened_on is not None
    assert facilities.filter(details__has_key="利用可能日時特記事項").exists()


def test_kusatsu_welfare_shelters_are_told_apart(db: None) -> None:
    municipality = _municipality("252069")
    data = (DATA / "kusatsu/25206_shitei-hinanjo.csv").read_bytes()
    services.import_facilities(None, municipality, data, "evacuation", command_line=True)
    shelters = Facility.objects.filter(municipality=municipality, kind="welfare_shelter")
    assert shelters.exists()
    assert all(f.details.get("受入対象者") for f in shelters)
    assert (
        EvacuationSite.objects.filter(
            facility__municipality=municipality, is_designated_shelter=True
        ).count()
        == 75
    )


def test_komae_old_layout_and_care_capacity_kept_as_written(db: None) -> None:
    komae = _municipality("132195")
    data = (DATA / "komae/132195_aed.csv").read_bytes()
    services.import_facilities(None, komae, data, "aed", command_line=True)
    office = Facility.objects.filter(municipality=komae, name="狛江市役所").first()
    assert office is not None
    assert office.details["設置位置"] == "本庁舎２階総合案内前"
    ichikawa = _municipality("122033")
    data = (DATA / "ichikawa/122033_109_care_service.csv").read_bytes()
    services.import_facilities(None, ichikawa, data, "care", command_line=True)
    assert Facility.objects.filter(municipality=ichikawa, details__定員="40/12").count() == 2


@pytest.mark.parametrize(("path", "kind", "code", "records", "with_point"), REAL_FILES)
def test_export_of_a_real_file_imports_again_unchanged(
    db: None, path: str, kind: opendata.FormatKind, code: str, records: int, with_point: int
) -> None:
    municipality = _municipality(code)
    services.import_facilities(
        None, municipality, (DATA / path).read_bytes(), kind, command_line=True
    )
    before = list(
        Facility.objects.filter(municipality=municipality)
        .order_by("pk")
        .values("name", "kind", "address", "lat", "lng", "capacity", "subtype", "phone")
    )
    from ainet.core.csvio import csv_bytes

    for encoding in ("utf-8", "cp932"):
        exported = csv_bytes(
            opendata.HEADERS[kind], services.export_rows(municipality, kind), encoding
        )
        header = next(
            csv.reader(
                io.StringIO(exported.decode("utf-8-sig" if encoding == "utf-8" else "cp932"))
            )
        )
        assert header == opendata.HEADERS[kind]
        again = services.import_facilities(None, municipality, exported, kind, command_line=True)
        assert again.errors == [], [str(p) for p in again.errors[:5]]
        assert (again.created, again.updated) == (0, records)
    after = list(
        Facility.objects.filter(municipality=municipality)
        .order_by("pk")
        .values("name", "kind", "address", "lat", "lng", "capacity", "subtype", "phone")
    )
    assert after == before


@pytest.mark.parametrize(("path", "kind", "code", "records", "with_point"), REAL_FILES)
def test_a_real_file_given_as_another_kind_is_refused(
    db: None, path: str, kind: opendata.FormatKind, code: str, records: int, with_point: int
) -> None:
    municipality = _municipality(code)
    data = (DATA / path).read_bytes()
    for other in opendata.FORMAT_KINDS:
        if other == kind:
            continue
        report = services.import_facilities(None, municipality, data, other, command_line=True)
        assert not report.ok, (path, other)
        assert report.errors[0].row == 1
    assert not Facility.objects.filter(municipality=municipality).exists()
