"""The Japanese and English catalogues: complete, compiled, in step with the code, and used.

Japanese is the default language and must be complete. English msgids are the English text, so
an empty English msgstr is fine; the catalogue still has to list every string and compile.
The .mo files are committed (a machine without gettext still gets translations), so a .po edited
without `ainet compilemessages` must fail here.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import translation

SOURCE_DIR = Path(settings.BASE_DIR)  # src/ainet
LOCALE_DIR = SOURCE_DIR / "locale"
LANGUAGES = ("ja", "en")
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


@pytest.mark.parametrize("language", LANGUAGES)
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
@pytest.mark.parametrize("language", LANGUAGES)
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
