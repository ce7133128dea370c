"""The annual booklet: its PDF (text, fonts, first page as an image), the `ainet booklet`
command and the audited download, on the demo ward with its FY2005–FY2014 history."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from ainet.core.models import AuditEvent, District, User
from ainet.reports.booklet import build_booklet

pytestmark = pytest.mark.usefixtures("db")


@pytest.fixture(scope="module")
def booklet_pdf(history_ward: Any, django_db_blocker: Any) -> bytes:
    """The FY2014 booklet of every district, made once for the module (it takes seconds)."""
    with django_db_blocker.unblock():
        return build_booklet(history_ward, 2014)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def squeeze(text: str) -> str:
    return "".join(text.split())


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


# --- the PDF -------------------------------------------------------------------------------


def test_the_booklet_names_the_plan_the_year_and_every_district(
    booklet_pdf: bytes, history_ward: Any
) -> None:
    assert booklet_pdf.startswith(b"%PDF-")
    text = squeeze(pdf_text(booklet_pdf))
    assert "鶴見・あいねっと" in text
    assert "平成26年度" in text and "2014年度" in text
    assert "demodata—synthetic" in text  # the demo ward is synthetic, and the cover says so
    for district in District.objects.filter(municipality=history_ward):
        assert f"{district.name}地区" in text, district.name


def test_the_booklet_carries_the_outcome_table_of_the_period(booklet_pdf: bytes) -> None:
    text = squeeze(pdf_text(booklet_pdf))
    # FY2014 forum participants, and the period's 1,993 participants and 131 funded projects
    # (the plan review's figures, computed from the records).
    assert "成果の指標" in text
    for figure in ["1,993", "131", "1,986", "147"]:
        assert figure in text, figure
    assert "400人" in text  # the FY2014 forum


def test_every_page_is_a4_with_an_embedded_japanese_font(booklet_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(booklet_pdf))
    assert len(reader.pages) >= 5 + 18  # cover, plan, figures, forum and a page per district
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (595, 842)  # A4 in points
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font)["/FontDescriptor"]
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font["/BaseFont"])] = embedded
    assert fonts and all(fonts.values()), fonts
    assert any("CJK" in name or "IPAex" in name for name in fonts), fonts


def test_the_first_page_renders_to_a_non_trivial_image(booklet_pdf: bytes, tmp_path: Path) -> None:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (Debian package poppler-utils) is not installed")
    from PIL import Image

    source = tmp_path / "booklet.pdf"
    source.write_bytes(booklet_pdf)
    subprocess.run(
        [
            pdftoppm,
            "-png",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            source,
            tmp_path / "p1",
        ],
        check=True,
        timeout=60,
    )
    image = Image.open(tmp_path / "p1.png").convert("L")
    assert image.size[1] > image.size[0] > 300  # portrait
    histogram = image.histogram()
    ink = sum(histogram[:200]) / sum(histogram)  # share of clearly non-white pixels
    assert ink > 0.01, ink
    assert len(image.getcolors(256) or []) > 16  # text and shading, not a flat page


def test_a_year_outside_every_plan_period_is_refused(history_ward: Any) -> None:
    from ainet.reports.booklet import BookletError

    with pytest.raises(BookletError, match="2030"):
        build_booklet(history_ward, 2030)


# --- the command ---------------------------------------------------------------------------


def test_the_command_writes_one_districts_booklet_and_reports_json(
    history_ward: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "booklet.pdf"
    call_command(
        "booklet",
        "--municipality",
        "141011",
        "--fiscal-year",
        "平成26年度",
        "--output",
        str(output),
        "--district",
        "yako",
        "--format",
        "json",
    )
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report == {
        "output": str(output),
        "pages": report["pages"],
        "bytes": output.stat().st_size,
    }
    assert report["pages"] == len(PdfReader(output).pages) >= 6
    text = squeeze(pdf_text(output.read_bytes()))
    assert "矢向地区" in text and "市場地区" not in text
    assert "booklet" in captured.err  # tqdm's progress goes to stderr


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--municipality", "999999", "--fiscal-year", "2014"], "999999"),
        (["--municipality", "141011", "--fiscal-year", "2030"], "2030"),
        (["--municipality", "141011", "--fiscal-year", "1800"], "2005"),
        (["--municipality", "141011", "--fiscal-year", "abc"], "abc"),
        (["--municipality", "141011", "--fiscal-year", "2014", "--district", "nowhere"], "nowhere"),
    ],
)
def test_bad_arguments_exit_with_code_2_and_a_message_in_both_languages(
    history_ward: Any, tmp_path: Path, arguments: list[str], message: str
) -> None:
    output = tmp_path / "never.pdf"
    with pytest.raises(CommandError) as caught:
        call_command("booklet", *arguments, "--output", str(output))
    assert caught.value.returncode == 2
    text = str(caught.value)
    assert message in text
    assert re.search(r"[ぁ-んァ-ン一-龥]", text)  # Japanese,
    assert re.search(r"[A-Za-z]+ [a-z]+ [a-z]+", text)  # then English
    assert not output.exists()


def test_the_exit_code_from_the_command_line_is_2(
    history_ward: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from django.core.management import base

    # run_from_argv closes every connection when it ends; keep the test's transaction open.
    monkeypatch.setattr(base.connections, "close_all", lambda: None)
    from ainet.__main__ import main

    monkeypatch.setattr(
        "sys.argv",
        ["ainet", "booklet", "--municipality", "141011", "--fiscal-year", "2030",
         "--output", str(tmp_path / "x.pdf")],
    )  # fmt: skip
    with pytest.raises(SystemExit) as caught:
        main()
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "2030年度を含む計画期間がありません" in err
    assert "No plan period" in err


# --- the download --------------------------------------------------------------------------


def test_the_download_is_a_pdf_named_by_code_and_year_and_is_audited(history_ward: Any) -> None:
    response = client_for("committee-member").get(reverse("reports:booklet"), {"fy": "2014"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="booklet-141011-FY2014.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")
    event = AuditEvent.objects.get(action="print")
    assert event.actor_username == "committee-member"
    assert event.municipality == history_ward
    assert event.details["fiscal_year"] == 2014
    assert event.details["file"] == "booklet-141011-FY2014.pdf"
    assert event.details["pages"] == len(PdfReader(io.BytesIO(response.content)).pages)


@pytest.mark.parametrize("fy", ["1800", "abc", "2030", "FY" + "9" * 40])
def test_a_bad_year_is_a_404_and_nothing_is_printed(history_ward: Any, fy: str) -> None:
    response = client_for("ward-admin").get(reverse("reports:booklet"), {"fy": fy})
    assert response.status_code == 404
    assert "平成22〜26年度" in response.content.decode()
    assert not AuditEvent.objects.filter(action="print").exists()


def test_without_a_year_the_page_explains_the_booklet(history_ward: Any) -> None:
    response = client_for("staff-yako").get(reverse("reports:booklet"))
    page = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert '<option value="2014"' in page
    assert not AuditEvent.objects.filter(action="print").exists()


def test_people_without_plan_view_cannot_download(history_ward: Any) -> None:
    for username in ["volunteer", "partner-company", "auditor"]:
        response = client_for(username).get(reverse("reports:booklet"), {"fy": "2014"})
        assert response.status_code == 403, username
    assert Client().get(reverse("reports:booklet"), {"fy": "2014"}).status_code == 302


def test_a_machine_without_pango_gets_a_clear_503_not_a_crash(
    history_ward: object, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    from django.test import Client

    from ainet.core.models import User

    real_import = builtins.__import__

    def no_weasyprint(name: str, *args: object, **kwargs: object) -> object:
        if name.startswith("weasyprint"):
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    client = Client()
    client.force_login(User.objects.get(username="ward-admin"))
    response = client.get("/staff/reports/booklet/", {"fy": "2014"})
    assert response.status_code == 503
    assert "Pango" in response.content.decode()
