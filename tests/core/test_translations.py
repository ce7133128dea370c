"""The Japanese and English catalogues: complete, compiled, in step with the code, and used.

Japanese is the default language and must be complete. English msgids are the English text, so
an empty English msgstr is fine; the catalogue still has to list every string and compile.
The .mo files are committed (a machine without gettext still gets translations), so a .po edited
without `ainet compilemessages` must fail here.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext_lazy

from tests.conftest import World

SOURCE_DIR = Path(settings.BASE_DIR)  # src/ainet
LOCALE_DIR = SOURCE_DIR / "locale"
LANGUAGES = ("ja", "en")
# The public pages' languages beyond ja/en (locale folder names). Their catalogues must
# translate every string the public pages show; staff strings may stay empty there.
PUBLIC_CATALOGUES = ("ja_Easy", "zh_Hans", "ko", "pt_BR", "tl", "vi")
# Sources whose strings appear on public pages (staff templates under public/staff excepted).
PUBLIC_SOURCES = (
    "public/templates/public/",
    "core/templates/core/_map.html",
    "public/views.py",
    "public/content.py",
    "public/forms.py",
    "public/opendata_views.py",
    "public/services.py",
    "facilities/mapdata.py",
    # The public forms other apps serve: report a concern, register as a volunteer.
    "care/templates/care/concern_public_",
    "volunteers/templates/volunteers/public_",
    "volunteers/templates/volunteers/widgets/",
)
# The public forms' pages, as (URL name, POST data or None): their field labels, help texts,
# choices and errors come from forms and models that staff pages share, so the strings they
# show are found by rendering the pages (see rendered_public_msgids).
PUBLIC_FORM_PAGES: tuple[tuple[str, dict[str, str] | None], ...] = (
    ("care_public:concern_report", None),
    ("care_public:concern_report", {"noticed": "", "where": "", "urgency": "x", "town": "0"}),
    ("care_public:concern_received", None),
    ("volunteers_public:register", None),
    ("volunteers_public:register", {"name": "", "email": "x", "contact_consent": ""}),
    ("volunteers_public:register", {"name": "a", "town": "0", "contact_consent": "on"}),
    ("volunteers_public:thanks", None),
)
# The extensions makemessages reads for the "django" domain.
EXTRACTED_SUFFIXES = {".py", ".html", ".txt"}

Key = tuple[str, str, str]  # (msgctxt, msgid, msgid_plural)


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def mo_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.mo"


def key(entry: polib.POEntry | polib.MOEntry) -> Key:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def live_entries(catalogue: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in catalogue if not entry.obsolete]


def translations(entries: list[polib.POEntry] | polib.MOFile) -> dict[Key, object]:
    result: dict[Key, object] = {}
    for entry in entries:
        if not entry.msgid:  # the header
            continue
        if entry.msgid_plural:
            result[key(entry)] = tuple(sorted(entry.msgstr_plural.items()))
        else:
            result[key(entry)] = entry.msgstr
    return result


def placeholders(text: str) -> list[str]:
    """Named %-placeholders and HTML tags, which a translation must keep."""
    return sorted(re.findall(r"%\(\w+\)[sd]|</?[a-z][a-z0-9]*\b[^>]*>", text))


def extract_msgids(source: Path, work_dir: Path, language: str = "ja") -> set[Key]:
    """Run makemessages over a copy of `source` (templates and Python only) and return the keys
    of the catalogue it writes. The copy keeps the real tree's catalogues untouched, and leaving
    out every `locale` folder stops an app-level one from taking the strings of that app."""
    copy = work_dir / "src"

    def ignore(directory: str, names: list[str]) -> set[str]:
        ignored = set()
        for name in names:
            path = Path(directory, name)
            if path.is_dir():
                if name in {"__pycache__", "locale"}:
                    ignored.add(name)
            elif path.suffix not in EXTRACTED_SUFFIXES:
                ignored.add(name)
        return ignored

    shutil.copytree(source, copy, ignore=ignore)
    locale = work_dir / "locale"
    locale.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(copy)
        patch.setattr(settings, "LOCALE_PATHS", [str(locale)])
        call_command("makemessages", locale=[language], no_obsolete=True, verbosity=0)
    extracted = polib.pofile(str(locale / language / "LC_MESSAGES" / "django.po"))
    return {key(entry) for entry in live_entries(extracted) if entry.msgid}


def test_japanese_catalogue_is_complete() -> None:
    catalogue = polib.pofile(str(po_path("ja")))
    assert catalogue.metadata["Language"] == "ja"
    assert catalogue.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert "charset=UTF-8" in catalogue.metadata["Content-Type"]
    assert not catalogue.metadata_is_fuzzy, "the header is marked fuzzy"

    entries = live_entries(catalogue)
    assert entries, "the Japanese catalogue is empty; run `make messages`"
    fuzzy = [entry.msgid for entry in entries if entry.fuzzy]
    untranslated = [
        entry.msgid
        for entry in entries
        if (
            not entry.msgstr_plural or not all(entry.msgstr_plural.values())
            if entry.msgid_plural
            else not entry.msgstr
        )
    ]
    wrong_plural_count = [
        entry.msgid for entry in entries if entry.msgid_plural and len(entry.msgstr_plural) != 1
    ]
    assert not fuzzy, f"fuzzy Japanese entries: {fuzzy}"
    assert not untranslated, f"untranslated Japanese entries: {untranslated}"
    assert not wrong_plural_count, f"Japanese has one plural form: {wrong_plural_count}"

    broken = []
    for entry in entries:
        sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        expected = placeholders(sources[-1])
        for text in entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]:
            if placeholders(text) != expected:
                broken.append((entry.msgid, text))
    assert not broken, f"placeholders or HTML tags differ from the msgid: {broken}"


@pytest.mark.parametrize("language", LANGUAGES + PUBLIC_CATALOGUES)
def test_compiled_catalogues_match_their_sources(language: str) -> None:
    source = polib.pofile(str(po_path(language)))
    compiled = polib.mofile(str(mo_path(language)))

    assert translations(source.translated_entries()) == translations(compiled), (
        f"locale/{language}/LC_MESSAGES/django.mo is out of date: "
        "run `cd src/ainet && ../../.venv/bin/ainet compilemessages` and commit the .mo"
    )
    for field in ("Language", "Plural-Forms", "Content-Type"):
        assert compiled.metadata.get(field) == source.metadata.get(field), field


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="needs GNU gettext (Debian package `gettext`)"
)
@pytest.mark.parametrize("language", LANGUAGES + PUBLIC_CATALOGUES)
def test_catalogue_has_every_string_in_the_code(language: str, tmp_path: Path) -> None:
    in_code = extract_msgids(SOURCE_DIR, tmp_path, language)
    in_catalogue = {key(entry) for entry in live_entries(polib.pofile(str(po_path(language))))}

    missing = sorted(in_code - in_catalogue)
    assert in_code, "makemessages found no strings at all"
    assert not missing, (
        f"strings in the code but not in locale/{language}: {missing}; "
        "run `make messages`, translate, then compilemessages"
    )


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="needs GNU gettext (Debian package `gettext`)"
)
def test_the_completeness_check_notices_a_new_string(tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(SOURCE_DIR, source, ignore=shutil.ignore_patterns("__pycache__", "locale"))
    new = "A sentence added after the catalogue was made."
    (source / "core" / "templates" / "core" / "added.html").write_text(
        '{% load i18n %}<p>{% translate "' + new + '" %}</p>\n', encoding="utf-8"
    )
    work = tmp_path / "work"
    work.mkdir()
    in_catalogue = {key(entry) for entry in live_entries(polib.pofile(str(po_path("ja"))))}

    assert extract_msgids(source, work) - in_catalogue == {("", new, "")}


def test_plural_strings_follow_each_languages_plural_rules() -> None:
    plurals = [
        entry for entry in live_entries(polib.pofile(str(po_path("ja")))) if entry.msgid_plural
    ]
    assert plurals
    for entry in plurals:
        with translation.override("en"):
            assert translation.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgid
            assert translation.ngettext(entry.msgid, entry.msgid_plural, 2) == entry.msgid_plural
        with translation.override("ja"):
            for count in (0, 1, 2, 25):
                assert (
                    translation.ngettext(entry.msgid, entry.msgid_plural, count)
                    == entry.msgstr_plural[0]
                )


@pytest.mark.django_db
def test_pages_render_in_japanese_by_default_and_english_on_request() -> None:
    japanese = Client().get("/staff/login/")
    assert japanese.status_code == 200
    assert '<html lang="ja">' in japanese.text
    assert "ログイン" in japanese.text
    assert "Log in" not in japanese.text

    english = Client().get("/staff/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en">' in english.text
    assert "Log in" in english.text
    assert "ログイン" not in english.text

    client = Client()
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/staff/login/"})
    assert switched.status_code == 302
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/staff/login/")
    assert "Log in" in page.text
    assert "ログイン" not in page.text


def public_msgids() -> set[str]:
    """Every msgid shown on a public page: from the public sources, and the facility kinds
    (the map's layers)."""
    from ainet.facilities.models import FacilityKind

    with translation.override("en"):
        kinds = {str(label) for label in FacilityKind.labels}
    found = set()
    for entry in live_entries(polib.pofile(str(po_path("ja")))):
        files = [name for name, _line in entry.occurrences]
        if any(f.startswith(PUBLIC_SOURCES) and "/staff/" not in f for f in files) or (
            entry.msgid in kinds
        ):
            found.add(entry.msgid)
    return found


@pytest.mark.parametrize("language", PUBLIC_CATALOGUES)
def test_public_catalogues_translate_every_public_string(language: str) -> None:
    wanted = public_msgids()
    assert len(wanted) > 50
    catalogue = polib.pofile(str(po_path(language)))
    assert catalogue.metadata["Language"] == language
    assert not catalogue.metadata_is_fuzzy
    entries = {e.msgid: e for e in live_entries(catalogue)}
    untranslated = sorted(m for m in wanted if not (m in entries and entries[m].msgstr))
    assert not untranslated, f"untranslated public strings in {language}: {untranslated}"
    assert not [e.msgid for e in entries.values() if e.fuzzy]
    broken = [m for m in wanted if placeholders(entries[m].msgstr) != placeholders(m)]
    assert not broken, f"placeholders or HTML tags differ from the msgid: {broken}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "html_lang", "text"),
    [
        ("ja", "ja", "これからの行事"),
        ("en-GB,en;q=0.8", "en", "Coming up"),
        ("zh-CN,zh;q=0.9", "zh-Hans", "即将举行"),
        ("ko-KR", "ko", "다가오는 행사"),
        ("pt-BR", "pt-BR", "Em breve"),
        ("fil-PH", "tl", "Paparating"),
        ("vi", "vi", "Sắp diễn ra"),
        ("xx-unknown;q=1, *", "ja", "これからの行事"),
    ],
)
def test_public_pages_follow_accept_language(accept: str, html_lang: str, text: str) -> None:
    page = Client().get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert page.status_code == 200
    assert f'<html lang="{html_lang}">' in page.text
    assert text in page.text


@pytest.mark.django_db
def test_easy_japanese_is_chosen_on_request_and_shows_furigana() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    switched = client.post("/i18n/setlang/", {"language": "ja-easy", "next": "/"})
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ja-easy"
    page = client.get("/")
    assert '<html lang="ja">' in page.text
    assert "<ruby>地図<rt>ちず</rt></ruby>" in page.text
    assert "《" not in page.text


@pytest.mark.django_db
def test_staff_pages_stay_in_japanese_or_english() -> None:
    korean = Client().get("/staff/login/", HTTP_ACCEPT_LANGUAGE="ko")
    assert '<html lang="ja">' in korean.text
    client = Client()
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert '<html lang="ja">' in client.get("/staff/login/").text
    assert '<html lang="vi">' in client.get("/").text
    # The staff language switch offers only Japanese and English.
    assert 'value="ko"' not in korean.text and 'value="en"' in korean.text


@pytest.mark.django_db
def test_an_unknown_language_code_falls_back_without_error() -> None:
    for code in ["xx", "ja-easy-extra", "../../etc", "e" * 500]:
        page = Client().get("/", {"lang": code}, HTTP_COOKIE=f"ainet_language={code[:50]}")
        assert page.status_code == 200
        assert '<html lang="ja">' in page.text


class _Texts(HTMLParser):
    """The text of a page, node by node (a label's ":" left off)."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: set[str] = set()

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split()).removesuffix(":").strip()
        if text:
            self.texts.add(text)


def rendered_public_msgids() -> set[str]:
    """The msgids the public forms show, found in their English pages (English msgstrs are
    the msgids)."""
    from tests.volunteers.url_rules import skill

    msgids = {e.msgid for e in live_entries(polib.pofile(str(po_path("ja")))) if e.msgid}
    from ainet.core.models import Municipality

    world_ward = Municipality.objects.order_by("code").first()
    assert world_ward is not None
    found: set[str] = set()
    for name, data in PUBLIC_FORM_PAGES:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        url = reverse(name)
        response = client.post(url, data) if data is not None else client.get(url)
        assert response.status_code in {200, 400}, (name, response.status_code)
        parser = _Texts()
        # The language switch names each language in itself; those are not this page's words.
        page = re.sub(
            r'<form class="language-switch".*?</form>', "", response.content.decode(), flags=re.S
        )
        parser.feed(page)
        found |= parser.texts & msgids
    assert skill  # the volunteer form needs the ward's skills, made by the world fixture
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("language", PUBLIC_CATALOGUES)
def test_public_forms_are_translated_in_every_public_language(world: object, language: str) -> None:
    wanted = rendered_public_msgids()
    assert {"What did you notice?", "Phone", "Urgent (today)", "Monday"} <= wanted
    entries = {e.msgid: e for e in live_entries(polib.pofile(str(po_path(language))))}
    untranslated = sorted(m for m in wanted if not (m in entries and entries[m].msgstr))
    assert not untranslated, f"untranslated public form strings in {language}: {untranslated}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "html_lang", "concern", "volunteer"),
    [
        ("ja", "ja", "ご近所", "ボランティア"),
        ("en", "en", "neighbour you are worried about", "Register as a volunteer"),
        ("zh-CN", "zh-Hans", "邻居", "志愿者"),
        ("ko", "ko", "이웃", "자원봉사"),
        ("pt-BR", "pt-BR", "vizinho", "voluntári"),
        ("fil-PH", "tl", "kapitbahay", "boluntaryo"),
        ("vi", "vi", "hàng xóm", "tình nguyện"),
    ],
)
def test_the_public_forms_follow_accept_language(
    world: object, accept: str, html_lang: str, concern: str, volunteer: str
) -> None:
    for url, text in (
        (reverse("care_public:concern_report"), concern),
        (reverse("volunteers_public:register"), volunteer),
    ):
        page = Client().get(url, HTTP_ACCEPT_LANGUAGE=accept)
        assert page.status_code == 200
        assert f'<html lang="{html_lang}">' in page.text
        assert text in page.text, (url, accept)
        # The public language switch, offering every public language.
        assert 'value="ko"' in page.text and 'value="ja-easy"' in page.text


@pytest.mark.django_db
def test_the_public_forms_in_easy_japanese_show_furigana(world: object) -> None:
    for url in (reverse("care_public:concern_report"), reverse("volunteers_public:register")):
        page = Client().get(url, {"lang": "ja-easy"})
        assert '<html lang="ja">' in page.text
        assert "<ruby>" in page.text and "《" not in page.text


def test_a_persons_name_and_a_things_name_read_as_japanese_offices_write_them(
    world: World,
) -> None:
    # 氏名 for people (the evacuation-help list), 名称 for organisations and places.
    staff = world.client_for("staff_a")
    people = staff.get(reverse("disaster:evacuation_list")).text
    assert '<th scope="col">氏名</th>' in people and '<th scope="col">名称</th>' not in people
    organisations = staff.get(reverse("core:organisation_list")).text
    assert '<th scope="col">名称</th>' in organisations
    with translation.override("ja"):
        assert str(pgettext_lazy("person or organisation", "Name")) == "氏名・名称"
    english = world.client_for("staff_a", lang="en").get(reverse("disaster:evacuation_list"))
    assert '<th scope="col">Name</th>' in english.text
