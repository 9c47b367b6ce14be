"""Render the app icon's hicolor theme tree from resources/icons/pmdesk.svg, the one source.

    .venv/bin/python packaging/render_icons.py           # write the PNGs and the scalable copy
    .venv/bin/python packaging/render_icons.py --check   # exit 1 if any is missing or stale

Writes resources/icons/hicolor/<n>x<n>/apps/org.pmdesk.pmdesk.png for every size in SIZES, drawn
by Qt's own SVG renderer (the one the app uses), and resources/icons/hicolor/scalable/apps/
org.pmdesk.pmdesk.svg, a byte-for-byte copy of the source. Run it after editing the SVG and
commit what it writes; tests/test_desktop_integration.py fails while the PNGs are stale.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

REPO = Path(__file__).resolve().parent.parent
APP_ID = "org.pmdesk.pmdesk"  # pmdesk.APP_ID; this script imports nothing of the app
SOURCE = REPO / "resources" / "icons" / "pmdesk.svg"
HICOLOR = REPO / "resources" / "icons" / "hicolor"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# Two renders of the same SVG by different builds of Qt may differ by a rounding step.
TOLERANCE = 2


def png_path(size: int, root: Path = HICOLOR) -> Path:
    return root / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def svg_path(root: Path = HICOLOR) -> Path:
    return root / "scalable" / "apps" / f"{APP_ID}.svg"


def render(size: int, source: Path = SOURCE) -> QImage:
    """The icon at size x size pixels, on a transparent background."""
    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise SystemExit(f"render_icons: {source} is not an SVG Qt can draw")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def largest_difference(a: QImage, b: QImage) -> int:
    """The largest difference of one channel of one pixel (both images the same size)."""
    first = bytes(a.convertToFormat(QImage.Format.Format_RGBA8888).constBits())
    second = bytes(b.convertToFormat(QImage.Format.Format_RGBA8888).constBits())
    if first == second:
        return 0
    return max(abs(x - y) for x, y in zip(first, second, strict=True))


def stale(root: Path = HICOLOR, source: Path = SOURCE) -> list[str]:
    """What is missing or out of date under root, as lines to print; empty when all is current."""
    problems: list[str] = []
    for size in SIZES:
        path = png_path(size, root)
        image = QImage(str(path))
        if image.isNull():
            problems.append(f"{path}: missing or not an image")
        elif image.width() != size or image.height() != size:
            problems.append(f"{path}: {image.width()}x{image.height()}, not {size}x{size}")
        elif largest_difference(image, render(size, source)) > TOLERANCE:
            problems.append(f"{path}: differs from a fresh render of {source.name}")
    copy = svg_path(root)
    if not copy.is_file() or copy.read_bytes() != source.read_bytes():
        problems.append(f"{copy}: missing or not a copy of {source.name}")
    return problems


def write(root: Path = HICOLOR, source: Path = SOURCE) -> list[Path]:
    written: list[Path] = []
    for size in SIZES:
        path = png_path(size, root)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not render(size, source).save(str(path)):
            raise SystemExit(f"render_icons: could not write {path}")
        written.append(path)
    copy = svg_path(root)
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_bytes(source.read_bytes())
    written.append(copy)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if an output is stale"
    )
    args = parser.parse_args(argv)
    # Fonts and image plugins need an application object, kept alive while rendering.
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    if args.check:
        problems = stale()
        for line in problems:
            print(line, file=sys.stderr)
        if problems:
            print("render_icons: run packaging/render_icons.py and commit", file=sys.stderr)
        return 1 if problems else 0
    for path in write():
        print(path.relative_to(REPO))
    return 0


if __name__ == "__main__":
    sys.exit(main())
