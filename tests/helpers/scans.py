"""Scans (图片版) made from the real PDF reports the way a copier makes them.

Each page is rendered with PDFium, turned by a slight skew, blurred, speckled with dust and saved
as a JPEG inside an image-only PDF: no text layer, nothing but pictures of the pages. The same
pages as PNG stand in for photos and screenshots. Everything is made in the test run, from the
PDFs (tests.helpers.documents), with a fixed random seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

import numpy as np
import pypdfium2
from PIL import Image, ImageFilter

from tests.helpers.documents import document


@dataclass(frozen=True)
class Copier:
    """How a scan differs from the page: degrees turned, blur radius (px), dust specks per
    million pixels, JPEG quality and resolution."""

    dpi: int = 200
    skew: float = 0.6
    blur: float = 0.6
    specks: int = 120
    quality: int = 60


def page_images(
    source: str | bytes, copier: Copier = Copier(), pages: list[int] | None = None
) -> list[Image.Image]:
    """The pages (0-based `pages`, default all) of a report — a sample's name or a PDF's bytes
    (a report printed to PDF) — as a copier sees them (greyscale)."""
    pdf = pypdfium2.PdfDocument(document(source) if isinstance(source, str) else source)
    rng = np.random.default_rng(19)
    out: list[Image.Image] = []
    try:
        for index in pages if pages is not None else range(len(pdf)):
            page = pdf[index]
            image = page.render(scale=copier.dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
            image = image.rotate(copier.skew, resample=Image.BICUBIC, expand=False, fillcolor=255)
            if copier.blur:
                image = image.filter(ImageFilter.GaussianBlur(copier.blur))
            pixels = np.array(image)
            count = copier.specks * pixels.size // 1_000_000
            ys = rng.integers(0, pixels.shape[0] - 2, count)
            xs = rng.integers(0, pixels.shape[1] - 2, count)
            for y, x in zip(ys, xs, strict=True):
                pixels[y : y + 2, x : x + 2] = rng.integers(0, 90)
            out.append(Image.fromarray(pixels))
    finally:
        pdf.close()
    return out


def jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return Image.open(BytesIO(buffer.getvalue()))


def scanned_pdf(
    source: str | bytes, copier: Copier = Copier(), pages: list[int] | None = None
) -> bytes:
    """An image-only PDF of the report (see `page_images`): every page a JPEG picture, no
    text layer."""
    images = [jpeg(i, copier.quality) for i in page_images(source, copier, pages)]
    out = BytesIO()
    images[0].save(
        out, "PDF", save_all=True, append_images=images[1:], resolution=float(copier.dpi)
    )
    return out.getvalue()


def photo_png(source: str | bytes, page: int, copier: Copier = Copier(specks=60)) -> bytes:
    """One page as a PNG, as a phone photo or screenshot of the page would be sent."""
    image = page_images(source, copier, [page])[0]
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
