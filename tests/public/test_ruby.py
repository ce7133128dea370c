from __future__ import annotations

from ainet.public.ruby import ruby_html, ruby_text


def test_kanji_with_a_reading_become_ruby() -> None:
    assert ruby_text("区役所《くやくしょ》へ") == "<ruby>区役所<rt>くやくしょ</rt></ruby>へ"


def test_a_bar_marks_where_the_base_starts() -> None:
    assert ruby_text("｜AED《エーイーディー》") == "<ruby>AED<rt>エーイーディー</rt></ruby>"


def test_text_is_escaped_before_ruby_is_added() -> None:
    assert ruby_text("<script>地図《ちず》") == "&lt;script&gt;<ruby>地図<rt>ちず</rt></ruby>"


def test_html_pages_keep_tags_attributes_and_titles_clean() -> None:
    html = (
        '<title>地図《ちず》</title><a aria-label="地図《ちず》">地図《ちず》</a>'
        "<option>区《く》</option>"
    )
    assert ruby_html(html) == (
        '<title>地図</title><a aria-label="地図">'
        "<ruby>地図<rt>ちず</rt></ruby></a><option>区</option>"
    )
