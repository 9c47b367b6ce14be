"""The text layer of the PDF report: which vendored font draws each character, and how text
becomes ReportLab Paragraph markup, canvas strings and wrapped lines.

ReportLab has no font fallback: a character the current font lacks prints as a box (or as
nothing), silently. So every text is cut into runs, each in the first font that has a glyph for
its characters: DejaVu Sans (Latin, Greek, Cyrillic, Arabic, Hebrew, many symbols), then
WenQuanYi Micro Hei (Chinese, Japanese, Korean), then Symbola (monochrome emoji). A character
that no font has is kept in DejaVu, where it prints as a visible box rather than vanishing
(ReportLab draws it as glyph 0, so a reader extracts U+0000 there).

ReportLab does not shape or reorder right-to-left text either (its bidi support needs `rlbidi`,
which is not on PyPI). A line holding Hebrew or Arabic is therefore shaped with arabic_reshaper
(joined letters become Arabic presentation forms) and put in visual order with python-bidi before
it is cut into runs, one line at a time. The PDF thus holds RTL runs in visual order, with Arabic
presentation forms. Text extracted in drawing order (pypdf's layout mode) is in that visual
order; pypdf's default mode and pdftotext turn RTL runs back into reading order, though a space
at the edge of a run may move. Either way Arabic comes out as presentation forms, which NFKC
normalisation maps back to the ordinary letters. Because the order is fixed per line, RTL text
should be broken into lines with `wrap` before it is drawn: a Paragraph that wraps a long RTL
line itself puts the line's end on its first row.

Every function here registers the fonts on first use; `register()` may also be called up front
so that a missing font file fails early, with a FontError.
"""

from __future__ import annotations

import functools
import re
import sys
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportlab.pdfbase import pdfmetrics, ttfonts

if TYPE_CHECKING:
    from arabic_reshaper import ArabicReshaper
    from reportlab.pdfgen.canvas import Canvas

REGULAR = "pmdesk-sans"
BOLD = "pmdesk-sans-bold"
CJK = "pmdesk-cjk"
EMOJI = "pmdesk-symbols"

_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    CJK: "wqy-microhei.ttc",
    EMOJI: "Symbola.ttf",
}

# Bidi classes that make get_display reorder a line: strong right-to-left letters and the
# explicit embeddings, overrides and isolates (a user's U+202E must act, not print as a box).
_REORDERING = frozenset({"R", "AL", "RLE", "LRE", "RLO", "LRO", "PDF", "RLI", "LRI", "FSI", "PDI"})
# An Arabic word for arabic_reshaper: Arabic letters and harakat, with any ZWJ that follows one
# (a ZWJ elsewhere, as in an emoji sequence, is left alone: the reshaper would drop it).
_ARABIC = "\u0600-\u06ff\u0750-\u077f\u0870-\u08ff"
_ARABIC_WORD = re.compile(f"[{_ARABIC}][{_ARABIC}\u200d]*")
_LINE_BREAK = re.compile(r"\r\n?")
_ANY_LINE_BREAK = re.compile(r"\r\n|[\r\n]")
# What `_escape` replaces, "&" first (xml.sax.saxutils.escape with quotes; importing it would
# bring in urllib.request and the email package, a third of ReportLab's own import time).
_ESCAPES = (("&", "&amp;"), (">", "&gt;"), ("<", "&lt;"), ('"', "&quot;"), ("'", "&#39;"))
_ELLIPSIS = "…"


class FontError(Exception):
    """The vendored report fonts cannot be loaded."""


@dataclass(frozen=True)
class _Fonts:
    glyphs: dict[str, dict[int, int]]  # font name -> its code point -> glyph map
    plain: dict[bool, frozenset[str]]  # by `bold`: characters the text font draws as they are
    sans: frozenset[int]  # code points both DejaVu faces have


_fonts: _Fonts | None = None
_lock = threading.Lock()
_font_of: dict[bool, dict[str, str]] = {False: {}, True: {}}


def _fonts_dir() -> Path:
    """`resources/fonts` at the top of the checkout; a bundle puts `resources` beside the
    executable (the rule of pmdesk/ui/resources.py, which is Qt and so not importable here)."""
    bundle = getattr(sys, "_MEIPASS", None)
    base = Path(bundle) if bundle is not None else Path(__file__).resolve().parents[2]
    return base / "resources" / "fonts"


def register() -> None:
    """Registers the report fonts with ReportLab, once; later calls return at once. (The CJK
    and emoji fonts follow when a text first needs them.)

    Raises FontError when a font file is missing or unreadable.
    """
    _loaded()


def _loaded() -> _Fonts:
    fonts = _fonts
    if fonts is not None:
        return fonts
    with _lock:
        return _fonts if _fonts is not None else _load()


def _load() -> _Fonts:
    """DejaVu Sans, regular and bold: what nearly every report needs. The CJK and emoji fonts
    (5 MB to parse) are loaded the first time a character needs them."""
    global _fonts
    directory = _fonts_dir()
    if not all((directory / file).is_file() for file in _FILES.values()):
        raise FontError(f"The report fonts are missing from {directory}: reinstall pmdesk")
    _patch_to_unicode_cmap()
    glyphs = {name: _register(name) for name in (REGULAR, BOLD)}
    pdfmetrics.registerFontFamily(
        REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD
    )
    plain = {
        bold: frozenset(
            ch
            for ch in map(chr, glyphs[BOLD if bold else REGULAR])
            if unicodedata.bidirectional(ch) not in _REORDERING
        )
        for bold in (False, True)
    }
    sans = frozenset(glyphs[REGULAR].keys() & glyphs[BOLD].keys())
    _fonts = _Fonts(glyphs, plain, sans)
    return _fonts


def _register(name: str) -> dict[int, int]:
    """Parse one vendored font, register it with ReportLab, and return its code point map."""
    directory, file = _fonts_dir(), _FILES[name]
    try:
        font = ttfonts.TTFont(name, str(directory / file), subfontIndex=0)
    except (OSError, ttfonts.TTFError) as error:
        raise FontError(
            f"The report font {file} in {directory} cannot be read: reinstall pmdesk"
        ) from error
    pdfmetrics.registerFont(font)
    if name in (CJK, EMOJI):
        # Paragraph markup resolves <b> and <i> through a family; without one, a CJK or emoji
        # run inside <b> would raise "Can't find concrete font".
        pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
    glyphs: dict[int, int] = font.face.charToGlyph
    return glyphs


def _fallback_glyphs(fonts: _Fonts, name: str) -> dict[int, int]:
    found = fonts.glyphs.get(name)
    if found is None:
        with _lock:
            found = fonts.glyphs.get(name)
            if found is None:
                found = fonts.glyphs[name] = _register(name)
    return found


@functools.cache
def _reshaper(covered: frozenset[int]) -> ArabicReshaper:
    """arabic_reshaper with its default ligatures, less those DejaVu has no glyph for (ﷲ would
    print as a box), and with the harakat kept: user text is never dropped. Made, and the
    package imported, the first time a report holds Arabic text.

    Reversal leaves each mark (harakat, Hebrew points) just before its letter, and that is where
    DejaVu wants it: its RTL marks have no width and extend rightwards from the pen, over the
    glyph drawn next. So the marks are not shifted (`shift_harakat_position`).
    """
    from arabic_reshaper import ArabicReshaper
    from arabic_reshaper.ligatures import LIGATURES
    from arabic_reshaper.reshaper_config import default_config

    configuration: dict[str, bool] = {"delete_harakat": False}
    for name, (_, forms) in LIGATURES:
        if default_config.get(name) and not all(ord(form) in covered for form in forms if form):
            configuration[name] = False
    return ArabicReshaper(configuration=configuration)


# ReportLab 5.1.0's makeToUnicodeCMap writes every code point as "<%04X>", so one above U+FFFF
# (🔥 is U+1F525) becomes five hex digits, which PDF readers take as garbage ("ὒ"). The glyphs
# draw correctly; only text extraction, search and copy-paste break. A ToUnicode CMap must give
# such a code point in UTF-16, as a surrogate pair: <D83DDD25>. The wrapper rewrites just those
# lines, so it leaves the CMap unchanged once ReportLab fixes this.
_reportlab_to_unicode_cmap = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    cmap: str = _reportlab_to_unicode_cmap(fontname, subset)
    fixes = {
        f"<{code:02X}> <{point:04X}>": f"<{code:02X}> <{_utf16_hex(point)}>"
        for code, point in enumerate(subset)
        if point > 0xFFFF
    }
    if not fixes:
        return cmap
    return "\n".join(fixes.get(line, line) for line in cmap.split("\n"))


def _utf16_hex(point: int) -> str:
    return chr(point).encode("utf-16-be").hex().upper()


def _patch_to_unicode_cmap() -> None:
    # addObjects looks the function up in the module at PDF build time, so replacing the module
    # attribute is enough.
    if ttfonts.makeToUnicodeCMap is not _to_unicode_cmap:
        ttfonts.makeToUnicodeCMap = _to_unicode_cmap


def runs(text: str, *, bold: bool = False) -> list[tuple[str, str]]:
    """`text` as (font name, text) runs, each in the first font with a glyph for its characters:
    DejaVu Sans (BOLD when `bold`), then CJK, then EMOJI; a character none has stays in DejaVu.

    Right-to-left lines come back shaped and in visual order, so the runs' text differs from
    `text` there; line breaks come back as "\\n".
    """
    if not text:
        return []
    fonts = _loaded()
    if fonts.plain[bold].issuperset(text):
        return [(BOLD if bold else REGULAR, text)]
    return list(_mixed_runs(text, bold))


@functools.lru_cache(maxsize=8192)
def _mixed_runs(text: str, bold: bool) -> tuple[tuple[str, str], ...]:
    fonts = _loaded()
    text_font = BOLD if bold else REGULAR
    out: list[tuple[str, list[str]]] = []
    for number, line in enumerate(_LINE_BREAK.sub("\n", text).split("\n")):
        if number:
            _add(out, text_font, "\n")
        for ch in _visual(line):
            font = _font_for(ch, bold, fonts)
            # A mark, variation selector or joiner stays with the character it modifies when
            # that font has it, so the pair is drawn from one font.
            if out and font != out[-1][0] and _attaches(ch) and ord(ch) in fonts.glyphs[out[-1][0]]:
                font = out[-1][0]
            _add(out, font, ch)
    return tuple((font, "".join(chars)) for font, chars in out)


def _add(out: list[tuple[str, list[str]]], font: str, ch: str) -> None:
    if out and out[-1][0] == font:
        out[-1][1].append(ch)
    else:
        out.append((font, [ch]))


def _font_for(ch: str, bold: bool, fonts: _Fonts) -> str:
    cache = _font_of[bold]
    font = cache.get(ch)
    if font is None:
        point = ord(ch)
        text_font = BOLD if bold else REGULAR
        if point in fonts.glyphs[text_font]:
            font = text_font
        else:
            font = next(
                (name for name in (CJK, EMOJI) if point in _fallback_glyphs(fonts, name)),
                text_font,
            )
        cache[ch] = font
    return font


@functools.lru_cache(maxsize=1024)
def _attaches(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Me", "Cf")


def _visual(line: str) -> str:
    if not any(unicodedata.bidirectional(ch) in _REORDERING for ch in line):
        return line
    from bidi import get_display  # only right-to-left text needs it

    return str(get_display(_ARABIC_WORD.sub(lambda word: _shaped(word.group()), line)))


@functools.lru_cache(maxsize=4096)
def _shaped(word: str) -> str:
    """One Arabic word, shaped. Words never join each other, so shaping word by word gives the
    reshaper's result for the whole line, and the cache saves its slow per-call set-up."""
    fonts = _loaded()
    # A few Urdu and Persian letters have presentation forms DejaVu lacks; their nominal letter
    # (NFKC) prints unjoined, which reads better than a box.
    shaped = _reshaper(fonts.sans).reshape(word)
    return "".join(_nominal(ch, fonts.sans) for ch in shaped)


def _nominal(ch: str, covered: frozenset[int]) -> str:
    if ord(ch) in covered or not _presentation_form(ch):
        return ch
    nominal = unicodedata.normalize("NFKC", ch)
    return nominal if all(ord(letter) in covered for letter in nominal) else ch


def _presentation_form(ch: str) -> bool:
    return 0xFB50 <= ord(ch) <= 0xFDFF or 0xFE70 <= ord(ch) <= 0xFEFF


def markup(text: str, *, bold: bool = False) -> str:
    """`text` as ReportLab Paragraph markup that prints exactly as typed: each run escaped inside
    its <font name="…">, line breaks as <br/>. Nothing in `text` can act as markup, so user text
    can neither change the layout nor make ReportLab read a file (<img src=…>).

    Ask for bold with `bold=True`: the runs name their fonts, so an enclosing <b> changes nothing.
    """
    out = []
    for font, part in runs(text, bold=bold):
        body = _escape(part).replace("\n", "<br/>")
        out.append(f'<font name="{font}">{body}</font>')
    return "".join(out)


def _escape(text: str) -> str:
    for ch, entity in _ESCAPES:
        if ch in text:
            text = text.replace(ch, entity)
    return text


def draw_lines(canvas: Canvas, lines: Iterable[tuple[float, float, str, float, bool, Any]]) -> None:
    """Draws many one-line strings, each `(x, baseline, text, size, bold, fill colour)`, as
    `draw_string` draws one (starting at x), in a single text object: a long table's cells
    cost a fraction of what a text object each would. Afterwards the canvas's font is as before
    and its fill colour is the last line's."""
    last_fill = None
    current: tuple[str, float] | None = None
    canvas.saveState()
    text_object = canvas.beginText()
    for x, y, text, size, bold, fill in lines:
        parts = runs(_one_line(text), bold=bold)
        if not parts:
            continue
        if fill is not last_fill:
            text_object.setFillColor(fill)
            last_fill = fill
        text_object.setTextOrigin(x, y)
        for font, part in parts:
            if current != (font, size):
                text_object.setFont(font, size)
                current = (font, size)
            text_object.textOut(part)
    canvas.drawText(text_object)
    canvas.restoreState()
    if last_fill is not None:
        canvas.setFillColor(last_fill)


def string_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of `text` drawn on one line at `size` points, each run in its own font."""
    return sum((_width(part, font, size) for font, part in runs(_one_line(text), bold=bold)), 0.0)


def draw_string(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    bold: bool = False,
    anchor: str = "start",
) -> float:
    """Draws `text` on one line (line breaks become spaces) with its baseline at `y`, starting,
    centred or ending at `x` as `anchor` is "start", "middle" or "end". Returns the width.

    The canvas's font is as before afterwards, both for ReportLab and in the PDF's own state.
    """
    if anchor not in ("start", "middle", "end"):
        raise ValueError(f"anchor must be 'start', 'middle' or 'end', not {anchor!r}")
    parts = runs(_one_line(text), bold=bold)
    width = sum((_width(part, font, size) for font, part in parts), 0.0)
    if not parts:
        return width
    if anchor == "middle":
        x -= width / 2
    elif anchor == "end":
        x -= width
    # The runs switch fonts inside a text object; the PDF keeps the last one after it ends, and
    # a later drawString in a standard font would not set its font again. q/Q restores it.
    canvas.saveState()
    text_object = canvas.beginText(x, y)
    for font, part in parts:
        text_object.setFont(font, size)
        text_object.textOut(part)
    canvas.drawText(text_object)
    canvas.restoreState()
    return width


def wrap(
    text: str,
    width: float,
    size: float,
    *,
    bold: bool = False,
    max_lines: int | None = None,
) -> list[str]:
    """`text` broken into lines no wider than `width` at `size` points, greedily at spaces, with
    a word wider than a whole line broken between characters (so CJK text, which has no spaces,
    wraps too). Line breaks in `text` are kept; runs of spaces become one.

    With `max_lines`, text that does not fit is cut and the last line ends in "…". The lines are
    in logical order: draw each with `draw_string`, which puts RTL text in visual order.
    """
    if not text.strip() or (max_lines is not None and max_lines < 1):
        return []
    lines: list[str] = []
    limit = None if max_lines is None else max_lines + 1
    for paragraph in _LINE_BREAK.sub("\n", text.strip()).split("\n"):
        lines.extend(_wrap_words(paragraph.split(), width, size, bold, limit) or [""])
        if limit is not None and len(lines) >= limit:
            break
    if max_lines is None or len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    last = kept[-1].rstrip()
    while last and string_width(last + _ELLIPSIS, size, bold=bold) > width:
        last = last[:-1].rstrip()
    kept[-1] = last + _ELLIPSIS
    return kept


def _wrap_words(
    words: list[str], width: float, size: float, bold: bool, limit: int | None
) -> list[str]:
    space = _word_width(" ", size, bold)
    out: list[str] = []
    line = ""
    line_width = 0.0
    for word in words:
        if limit is not None and len(out) >= limit:
            break
        word_width = _word_width(word, size, bold)
        if not line and word_width <= width:
            line, line_width = word, word_width
        elif line and line_width + space + word_width <= width:
            line, line_width = f"{line} {word}", line_width + space + word_width
        elif line and word_width <= width:
            out.append(line)
            line, line_width = word, word_width
        else:
            rest = word
            if line:
                fits = _fitting(rest, width - line_width - space, size, bold)
                if fits:
                    line, rest = f"{line} {rest[:fits]}", rest[fits:]
                out.append(line)
            while True:
                fits = max(1, _fitting(rest, width, size, bold))
                if fits >= len(rest):
                    line, line_width = rest, string_width(rest, size, bold=bold)
                    break
                out.append(rest[:fits])
                rest = rest[fits:]
    if line:
        out.append(line)
    return out


@functools.lru_cache(maxsize=1 << 16)
def _word_width(word: str, size: float, bold: bool) -> float:
    """`string_width` of one word, remembered: a report measures the same words again and again
    (a 5,000-event timeline wraps some 100,000 of them), and a width never changes."""
    return string_width(word, size, bold=bold)


def _fitting(word: str, width: float, size: float, bold: bool) -> int:
    """How many of `word`'s first characters fit in `width` (a binary search)."""
    low, high = 0, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if string_width(word[:middle], size, bold=bold) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def _width(text: str, font: str, size: float) -> float:
    return float(pdfmetrics.stringWidth(text, font, size))


def _one_line(text: str) -> str:
    return _ANY_LINE_BREAK.sub(" ", text) if "\n" in text or "\r" in text else text
