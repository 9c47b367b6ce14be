"""The report's text layer: every script printed in an embedded font, read back out of the PDF
exactly, user text that looks like markup printed literally, and wrapping by measured width."""

from __future__ import annotations

import io
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from arabic_reshaper import reshape
from bidi import get_display
from pypdf import PdfReader
from pypdf.generic import (
    ContentStream,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    PdfObject,
)
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

from pmdesk.report import fonts
from pmdesk.report.fonts import BOLD, CJK, EMOJI, REGULAR
from tests.conftest import REPO

# Text in other scripts: the letters ruff takes for confusable Latin ones (RUF001) are the point.
LEFT_TO_RIGHT = (
    "Crème brûlée, naïve façade, Ångström, Łódź, São Paulo",
    "Ελληνικά: Γειά σου κόσμε",  # noqa: RUF001
    "Кириллица: Привет, мир",
    "中文：数据库连接池耗尽",  # noqa: RUF001
    "日本語: ひらがな カタカナ 漢字",
    "Emoji: 🔥 🎉 ✅ 😀",
)
RIGHT_TO_LEFT = (
    "שלום עולם",
    "مرحبا بالعالم",
    "Rollback by أحمد at 14:05",
)
# With vowel points and harakat, which must sit on their own letter once the line is reversed.
POINTED = ("שָׁלוֹם עוֹלָם", "مَرْحَبًا بِالْعَالَمِ")
BOX_TEXT = (
    "Rollback by أحمد at 14:05 after the alerts fired twice; 回滚完成 ✅ "
    "and the on-call engineer closed the incident an hour later, after a review"
)
MARKUP_LIKE = (
    "<b>bold?</b>",
    "AT&T R&D",
    '<font size="40" color="red">BIG</font>',
    "<img src='/etc/passwd'/>",
    "</para>",
    "unclosed <b>bold",
    "a < b & c > d",
    "&nbsp;&copy;",
)
NOT_IN_ANY_FONT = "\U0010fffd"
BOLD_TEXT = "Bold: Straße 漢字 🔥"
TABLE_CELLS = ("Table cell: Ünïcödé", "<b>not markup</b> in a cell")
CANVAS_TEXT = "Canvas: 漢字 🔥 AT&T"


def sample_pdf() -> bytes:
    """A4 pages of Paragraphs, a Table and canvas strings in every script the report must print.

    `python -c "from tests.report.test_fonts import sample_pdf; ..."` writes it for a look.
    """
    fonts.register()
    style = ParagraphStyle("body", fontName=REGULAR, fontSize=11, leading=16)
    story: list[Paragraph | Table] = [
        Paragraph(fonts.markup(text), style)
        for text in (*LEFT_TO_RIGHT, *RIGHT_TO_LEFT, *POINTED, *MARKUP_LIKE)
    ]
    story += [
        Paragraph(fonts.markup("Line one\nline two"), style),
        Paragraph(fonts.markup(f"Unknown [{NOT_IN_ANY_FONT}] kept"), style),
        Paragraph(fonts.markup(BOLD_TEXT, bold=True), style),
        # A caller's own <b> around the runs: CJK and emoji have no bold face, and must not fail.
        Paragraph(f"<b>{fonts.markup('In <b>: 漢字 🔥')}</b>", style),
        Table(
            [[cell, Paragraph(fonts.markup(f"{cell} · 漢字 🎉"), style)] for cell in TABLE_CELLS],
            style=[("FONTNAME", (0, 0), (-1, -1), REGULAR)],
        ),
    ]

    def on_page(canvas: Canvas, _document: object) -> None:
        fonts.draw_string(canvas, 72, 60, CANVAS_TEXT, 10)
        fonts.draw_string(canvas, A4[0] / 2, 45, "middle · 中 ✅", 10, anchor="middle")
        fonts.draw_string(canvas, A4[0] - 72, 30, "end · مرحبا", 10, bold=True, anchor="end")
        # A diagram box: wrapped lines drawn one by one, each centred.
        canvas.rect(340, 120, 160, 70)
        for number, line in enumerate(fonts.wrap(BOX_TEXT, 150, 9, max_lines=4)):
            fonts.draw_string(canvas, 420, 176 - 14 * number, line, 9, anchor="middle")

    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=A4, invariant=1, initialFontName=REGULAR)
    document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return out.getvalue()


@pytest.fixture(scope="module")
def pdf() -> PdfReader:
    return PdfReader(io.BytesIO(sample_pdf()))


@pytest.fixture(scope="module")
def text(pdf: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in pdf.pages)


@pytest.fixture(scope="module")
def lines_in_drawing_order(pdf: PdfReader) -> list[str]:
    return [
        line.strip()
        for page in pdf.pages
        for line in page.extract_text(extraction_mode="layout").splitlines()
    ]


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@pytest.mark.parametrize("sample", LEFT_TO_RIGHT + MARKUP_LIKE + TABLE_CELLS + (CANVAS_TEXT,))
def test_each_sample_reads_back_exactly(text: str, sample: str) -> None:
    assert sample in [line.strip() for line in text.splitlines()]


def test_bold_text_and_line_breaks_read_back(text: str) -> None:
    lines = text.splitlines()
    assert BOLD_TEXT in lines
    assert "Line one" in lines and "line two" in lines
    assert "In <b>: 漢字 🔥" in lines


def test_emoji_read_back_as_themselves(text: str) -> None:
    # Above U+FFFF: only right because register() fixes ReportLab's ToUnicode CMap.
    for emoji in "🔥🎉✅😀":
        assert emoji in text
    assert "ὒ" not in text


@pytest.mark.parametrize("sample", RIGHT_TO_LEFT)
def test_right_to_left_text_is_drawn_in_visual_order(
    lines_in_drawing_order: list[str], sample: str
) -> None:
    # The PDF holds the shaped, reordered line; read in drawing order it is exactly that line,
    # with Arabic presentation forms, which NFKC maps back to the letters on both sides.
    visual = nfkc(get_display(reshape(sample)))
    assert visual != sample
    assert visual in map(nfkc, lines_in_drawing_order)


@pytest.mark.parametrize("sample", POINTED)
def test_pointed_text_is_drawn_with_every_mark(
    lines_in_drawing_order: list[str], sample: str
) -> None:
    visual = "".join(part for _, part in fonts.runs(sample))
    assert nfkc(visual) in map(nfkc, lines_in_drawing_order)


@pytest.mark.parametrize("sample", ["שלום עולם", "مرحبا بالعالم"])
def test_a_reader_gets_right_to_left_lines_back_in_reading_order(text: str, sample: str) -> None:
    # pypdf's default mode reverses RTL runs again: a whole RTL line comes back as typed. (In a
    # mixed line the space beside the RTL run can move, so those are checked in drawing order.)
    assert sample in map(nfkc, text.splitlines())


def test_a_character_in_no_font_is_kept(text: str) -> None:
    assert fonts.runs(f"a{NOT_IN_ANY_FONT}b") == [(REGULAR, f"a{NOT_IN_ANY_FONT}b")]
    assert NOT_IN_ANY_FONT in fonts.markup(NOT_IN_ANY_FONT)
    # The PDF shows DejaVu's box for it; ReportLab draws that as glyph 0, which reads back as NUL.
    assert "Unknown [\x00] kept" in text.splitlines()


def dictionary(value: object) -> DictionaryObject:
    resolved = value.get_object() if isinstance(value, PdfObject) else value
    assert isinstance(resolved, DictionaryObject), resolved
    return resolved


def resources(pdf: PdfReader) -> Iterator[DictionaryObject]:
    """Every page's resources, and those of the form XObjects they use."""

    def walk(found: DictionaryObject) -> Iterator[DictionaryObject]:
        yield found
        for xobject in dictionary(found.get("/XObject", DictionaryObject())).values():
            if "/Resources" in dictionary(xobject):
                yield from walk(dictionary(dictionary(xobject)["/Resources"]))

    for page in pdf.pages:
        yield from walk(dictionary(page["/Resources"]))


def test_every_font_is_embedded_and_there_is_no_helvetica(pdf: PdfReader) -> None:
    names = set()
    for found in resources(pdf):
        for value in dictionary(found.get("/Font", DictionaryObject())).values():
            font = dictionary(value)
            assert font["/Subtype"] == NameObject("/TrueType"), font
            assert "/FontFile2" in dictionary(font["/FontDescriptor"]), font["/BaseFont"]
            names.add(str(font["/BaseFont"]).split("+", 1)[1])
    assert names == {"DejaVuSans", "DejaVuSans-Bold", "WenQuanYiMicroHei-0", "Symbola"}


def content_operations(pdf: PdfReader) -> Iterator[tuple[list[float], bytes]]:
    for page in pdf.pages:
        for operands, operator in ContentStream(page.get_contents(), pdf).operations:
            numbers = [
                float(value) for value in operands if isinstance(value, NumberObject | FloatObject)
            ]
            yield numbers, operator


def test_markup_in_user_text_changes_nothing(pdf: PdfReader) -> None:
    # <font size="40" color="red">, <b> and <img src=…> stayed text: no 40 pt, no red, no image.
    sizes = {operands[0] for operands, operator in content_operations(pdf) if operator == b"Tf"}
    assert sizes == {9.0, 10.0, 11.0}
    fills = {tuple(operands) for operands, operator in content_operations(pdf) if operator == b"rg"}
    assert (1.0, 0.0, 0.0) not in fills
    assert not any("/XObject" in found for found in resources(pdf))
    assert not any(operator == b"Do" for _, operator in content_operations(pdf))


def test_markup_escapes_each_run_in_its_font() -> None:
    assert fonts.markup('AT&T <b> "q" it\'s\nnext 漢') == (
        f'<font name="{REGULAR}">AT&amp;T &lt;b&gt; &quot;q&quot; it&#39;s<br/>next </font>'
        f'<font name="{CJK}">漢</font>'
    )
    assert fonts.markup("") == ""


def test_runs_choose_the_first_font_with_the_glyph() -> None:
    assert fonts.runs("Latin, Ελληνικά, Кириллица") == [(REGULAR, "Latin, Ελληνικά, Кириллица")]
    assert fonts.runs("漢字") == [(CJK, "漢字")]
    assert fonts.runs("かな") == [(CJK, "かな")]
    assert fonts.runs("🔥") == [(EMOJI, "🔥")]
    assert fonts.runs("bold 漢🔥", bold=True) == [(BOLD, "bold "), (CJK, "漢"), (EMOJI, "🔥")]
    assert fonts.runs("") == []


def test_every_sample_character_has_a_glyph_in_its_font() -> None:
    for sample in (*LEFT_TO_RIGHT, *RIGHT_TO_LEFT, *MARKUP_LIKE, BOLD_TEXT, "Zoë 🦊 العَرَبِيَّة"):
        for bold in (False, True):
            for font, part in fonts.runs(sample, bold=bold):
                face = pdfmetrics.getFont(font).face
                missing = [ch for ch in part if ord(ch) not in face.charToGlyph]
                assert not missing, (sample, font, missing)


def test_a_variation_selector_stays_with_its_emoji() -> None:
    assert fonts.runs("✅\ufe0f done") == [(EMOJI, "✅\ufe0f"), (REGULAR, " done")]


def test_right_to_left_lines_are_shaped_and_reordered_one_by_one() -> None:
    text = f"{RIGHT_TO_LEFT[2]}\n{RIGHT_TO_LEFT[0]}"
    joined = "".join(part for _, part in fonts.runs(text))
    expected = "\n".join(get_display(reshape(line)) for line in text.split("\n"))
    assert joined == expected
    assert fonts.runs("crlf\r\nline") == [(REGULAR, "crlf\nline")]
    # Only Arabic words go through the reshaper, which would drop an emoji sequence's joiners.
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert "".join(part for _, part in fonts.runs(f"{family} أحمد")).count("\u200d") == 2


def test_marks_are_kept_just_before_their_right_to_left_letter() -> None:
    # DejaVu draws an RTL mark rightwards from the pen, over the next glyph: once the line is
    # reversed, the letter's marks come right before it, as the pointed samples' picture shows.
    assert fonts.runs("\u05e9\u05b8\u05c1\u05dc\u05d5\u05b9\u05dd") == [  # שָׁלוֹם
        (REGULAR, "\u05dd" + "\u05b9\u05d5" + "\u05dc" + "\u05c1\u05b8\u05e9")
    ]
    harakat = "\u0645\u064e\u0631\u0652\u062d\u064e\u0628\u064b\u0627"  # مَرْحَبًا
    # alef, fathatan + beh, fatha + hah, sukun + reh, fatha + meem
    visual = "\u0627" + "\u064b\u0628" + "\u064e\u062d" + "\u0652\u0631" + "\u064e\u0645"
    assert nfkc(fonts.runs(harakat)[0][1]) == visual


def test_the_to_unicode_fix_writes_surrogate_pairs() -> None:
    fonts.register()
    cmap = ttfonts.makeToUnicodeCMap("F", [0x41, 0x1F525])
    assert "<00> <0041>" in cmap.splitlines()
    assert "<01> <D83DDD25>" in cmap.splitlines()


def test_without_the_fix_emoji_read_back_as_garbage(monkeypatch: pytest.MonkeyPatch) -> None:
    def extracted() -> str:
        out = io.BytesIO()
        canvas = Canvas(out, invariant=1, initialFontName=REGULAR)
        fonts.draw_string(canvas, 72, 720, "fire 🔥", 12)
        canvas.save()
        return PdfReader(out).pages[0].extract_text()

    fonts.register()
    assert "fire 🔥" in extracted()
    monkeypatch.setattr(ttfonts, "makeToUnicodeCMap", fonts._reportlab_to_unicode_cmap)
    assert "🔥" not in extracted()


def test_string_width_sums_each_run_in_its_font() -> None:
    expected = (
        pdfmetrics.stringWidth("Wide ", REGULAR, 12)
        + pdfmetrics.stringWidth("漢字", CJK, 12)
        + pdfmetrics.stringWidth("🔥", EMOJI, 12)
    )
    assert fonts.string_width("Wide 漢字🔥", 12) == pytest.approx(expected)
    assert fonts.string_width("Wide", 12, bold=True) > fonts.string_width("Wide", 12)
    assert fonts.string_width("", 12) == 0


def test_draw_string_returns_its_width_and_restores_the_font() -> None:
    canvas = Canvas(io.BytesIO(), initialFontName=REGULAR)
    canvas.setFont(BOLD, 7)
    for anchor in ("start", "middle", "end"):
        width = fonts.draw_string(canvas, 100, 100, "Mixed 漢字 🔥", 12, anchor=anchor)
        assert width == pytest.approx(fonts.string_width("Mixed 漢字 🔥", 12))
        assert (canvas._fontname, canvas._fontsize) == (BOLD, 7)
    operators = " ".join(canvas._code).split()
    assert operators.count("q") == operators.count("Q") == 3
    with pytest.raises(ValueError, match="anchor"):
        fonts.draw_string(canvas, 0, 0, "x", 12, anchor="left")


@pytest.mark.parametrize(
    "sample",
    [
        "The database connection pool ran out during the deploy of the checkout service",
        "部署期间数据库连接池耗尽导致结账服务不可用三十分钟",
        "See https://example.com/a/very/long/path/that/never/ends/anywhere for details",
        "Rollback by أحمد at 14:05 after the alerts fired twice",
        "🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥",
    ],
)
def test_wrap_keeps_every_line_within_the_width(sample: str) -> None:
    lines = fonts.wrap(sample, 90, 9)
    assert len(lines) > 1
    for line in lines:
        assert fonts.string_width(line, 9) <= 90, line
    assert "".join("".join(lines).split()) == "".join(sample.split())


def test_wrap_cuts_with_an_ellipsis() -> None:
    sample = "one two three four five six seven eight nine ten eleven twelve"
    lines = fonts.wrap(sample, 60, 10, max_lines=2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(fonts.string_width(line, 10) <= 60 for line in lines)
    assert fonts.wrap("fits", 60, 10, max_lines=1) == ["fits"]
    assert fonts.wrap("one two", 1000, 10, max_lines=1) == ["one two"]


def test_wrap_keeps_line_breaks_and_gives_nothing_for_blank_text() -> None:
    assert fonts.wrap("first\n\nthird  word", 1000, 10) == ["first", "", "third word"]
    assert fonts.wrap("  \n ", 100, 10) == []
    assert fonts.wrap("x", 0.1, 10) == ["x"]


def test_register_is_cheap_the_second_time() -> None:
    fonts.register()
    started = time.perf_counter()
    for _ in range(1000):
        fonts.register()
    assert time.perf_counter() - started < 0.05


def test_a_bundle_has_its_fonts_beside_the_executable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", str(REPO), raising=False)
    monkeypatch.setattr(fonts, "_fonts", None)
    fonts.register()
    assert fonts._fonts is not None


def test_missing_fonts_raise_a_font_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "resources" / "fonts").mkdir(parents=True)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    monkeypatch.setattr(fonts, "_fonts", None)
    with pytest.raises(fonts.FontError, match="reinstall pmdesk") as raised:
        fonts.register()
    assert str(tmp_path / "resources" / "fonts") in str(raised.value)


@pytest.mark.slow
def test_runs_keep_up_with_a_large_timeline() -> None:
    # A 5,000-event timeline's cells: time, author, kind and text, some of them non-Latin.
    cells = [
        (
            f"2026-03-{1 + i % 28:02d} 14:{i % 60:02d}",
            f"author {i % 40}",
            "deploy",
            f"Event {i}: {'回滚 🔥' if i % 10 == 0 else 'rolled back'} by أحمد"
            if i % 7 == 0
            else f"Event {i}: rolled back the config push",
        )
        for i in range(5000)
    ]
    fonts.register()
    fonts._mixed_runs.cache_clear()
    fonts._shaped.cache_clear()
    started = time.perf_counter()
    for row in cells:
        for cell in row:
            fonts.markup(cell)
    assert time.perf_counter() - started < 2.0


def test_a_report_without_right_to_left_text_loads_no_shaper() -> None:
    """arabic_reshaper and python-bidi are imported only for a line that needs them, and the
    escaping imports nothing (xml.sax would bring urllib and the email package along)."""
    script = """
import sys
from pmdesk.report import fonts
fonts.markup("Crème brûlée <b> & 'quotes' 中文 🔥")
fonts.wrap("Ελληνικά και Кириллица", 100, 9)
lazy = ("arabic_reshaper", "bidi", "xml.sax", "urllib.request")
print(sorted(m for m in lazy if m in sys.modules))
fonts.markup("שלום עולם")
print(sorted(m for m in ("arabic_reshaper", "bidi") if m in sys.modules))
fonts.markup("مرحبا")
print(sorted(m for m in ("arabic_reshaper", "bidi") if m in sys.modules))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines() == ["[]", "['bidi']", "['arabic_reshaper', 'bidi']"]
