import csv
import io

from django.test import Client
from django.urls import reverse

from ainet.core.models import AuditEvent, User


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_the_dashboard_shows_the_outcome_table_with_charts(history_ward: object, db: None) -> None:
    response = client_for("ward-admin").get(reverse("reports:indicators"), {"periods": "1,2"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "1,939" in page and "1,993" in page and "131" in page
    assert page.count("<svg") >= 2
    assert "平成22〜26年度" in page


def test_one_districts_table_for_its_staff(history_ward: object, db: None) -> None:
    response = client_for("staff-yako").get(
        reverse("reports:indicators"), {"periods": "1,2", "district": "yako"}
    )
    rows = {row["key"]: row["values"] for row in response.context["rows"]}
    assert response.status_code == 200
    assert rows["new_district_organisations"] == [1, 0]
    assert rows["committee_meetings"] == [None, None]


def test_another_districts_table_is_not_found(history_ward: object, db: None) -> None:
    response = client_for("staff-ichiba").get(reverse("reports:indicators"), {"district": "yako"})
    assert response.status_code == 404


def test_an_unknown_period_or_indicator_is_not_found(history_ward: object, db: None) -> None:
    client = client_for("ward-admin")
    assert client.get(reverse("reports:indicators"), {"periods": "1,9"}).status_code == 404
    assert client.get(reverse("reports:indicators"), {"periods": "x" * 500}).status_code == 404
    assert client.get(reverse("reports:indicators"), {"indicator": "rockets"}).status_code == 404


def test_a_committee_member_sees_the_ward_table_but_no_district_breakdown(
    history_ward: object, db: None
) -> None:
    response = client_for("committee-member").get(reverse("reports:indicators"))
    assert response.status_code == 200
    assert response.context["district_rows"] == []


def test_the_table_exports_as_csv_for_excel_and_the_export_is_audited(
    history_ward: object, db: None
) -> None:
    client = client_for("ward-admin")
    response = client.get(reverse("reports:indicators_csv"), {"periods": "1,2"})
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_key = {row[0]: row[2:] for row in rows[1:]}
    assert by_key["forum_participants"] == ["1939", "1993"]
    assert by_key["committee_meetings"] == ["", "10"]
    cp932 = client.get(reverse("reports:indicators_csv"), {"periods": "1,2", "encoding": "cp932"})
    assert "平成22" in cp932.content.decode("cp932")
    assert AuditEvent.objects.filter(action="export", actor_username="ward-admin").count() == 2


def test_the_dashboard_links_the_district_year_report_and_the_booklet(
    history_ward: object, db: None
) -> None:
    page = client_for("ward-admin").get(reverse("reports:indicators")).content.decode()
    assert f'<a href="{reverse("reports:district_index")}">年度別の地区の状況</a>' in page
    assert f'<a href="{reverse("reports:booklet")}">年間活動まとめ冊子（PDF）</a>' in page
