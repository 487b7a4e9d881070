"""Reading qualification certificates with tesseract: which body, whose, what, which number, when.

The reading does not depend on one layout: it looks for what the system already knows (`ReadingHints`): the
operative's name anywhere in the text (any case, "Surname, First", common OCR confusions), the awarding bodies by the
names they print, each body's certificate-number shape, the recognised qualifications by code or by a fuzzy match of
the title, and dates in every common UK format, preferring the one beside an award label and never the date of
birth. A field is given only when it is read with confidence: a wrong field is worse than a missing one.

Pages are rasterised (PDF through pdftoppm at 300 dpi or less, the first two pages: a cover letter may come first),
turned grey, scaled, straightened (a projection-profile search over ±5°), evened out when the paper's brightness
varies (shadows, a table round a photographed sheet, tinted panels) and read with word confidences and boxes. A
second reading (the page read best, binarised against its paper, another page segmentation mode) is made only when
the first misses a field. A page or image too big to decode within MAX_IMAGE_PIXELS is not read.
"""

import difflib
import io
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pytesseract
from PIL import Image, ImageChops, ImageFilter, ImageOps, ImageStat

from portal.documents.validators import MAX_IMAGE_PIXELS, bomb_guard, pdf_page_points

# tesseract's OpenMP threads fight each other on a small machine: one thread reads a page about five times faster.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

SHORT_SIDE = 2000  # pixels: an A4 page at about 240 dpi
DPI = 300
PDF_PAGES = 2
FIRST_PSM = 6  # one block of text: columns and tables come out row by row, which the fields are found in
SECOND_PSM = 11  # sparse text, for the second reading

BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"]  # fmt: skip
DATE_CONFIDENCE = 60  # a date read less surely is not given: digits are easily misread
UNEVEN = 40  # grey levels between the darkest and lightest paper (5th and 95th percentiles) that call for evening out
MIN_CONFIDENCE = 45  # tesseract's word confidence (0-100) under which a word is not trusted on its own


@dataclass(frozen=True)
class BodyHint:
    code: str
    names: tuple[str, ...]
    number_pattern: str = ""  # a regular expression a whole certificate number of this body matches
    asks_learner_reference: bool = False  # the body checks certificates by the learner's ULN


@dataclass(frozen=True)
class QualificationHint:
    body_code: str
    code: str
    title: str


@dataclass(frozen=True)
class ReadingHints:
    """What the system knows before reading: the operative's record and the reference data."""

    first_name: str = ""
    last_name: str = ""
    date_of_birth: date | None = None
    bodies: tuple[BodyHint, ...] = ()
    qualifications: tuple[QualificationHint, ...] = ()


GENERIC_NUMBER = r"[A-Z]{2,4}\d{5,8}"
DEFAULT_BODIES = (
    BodyHint("city-and-guilds", ("City & Guilds", "City and Guilds"), GENERIC_NUMBER),
    BodyHint("eal", ("EAL",), GENERIC_NUMBER),
    BodyHint("lcl-awards", ("LCL Awards",), GENERIC_NUMBER),
    BodyHint("nocn", ("NOCN",), GENERIC_NUMBER, asks_learner_reference=True),
    BodyHint("bpec", ("BPEC",), GENERIC_NUMBER),
)


class TooLarge(Exception):
    """A page or image with more pixels than MAX_IMAGE_PIXELS: it is not decoded."""


@dataclass
class CertificateReading:
    readable: bool
    awarding_body: str = ""
    candidate_name: str = ""
    qualification_code: str = ""
    qualification_title: str = ""
    certificate_number: str = ""
    date_awarded: date | None = None
    month_awarded: str = ""  # "2020-03" when the certificate prints only the month and year
    learner_reference: str = ""  # the learner's ULN as printed ("4000000037" or "ULN4000000037"), found by its label
    text: str = field(default="", repr=False)
    wants_learner_reference: bool = field(default=False, repr=False)  # the body read checks certificates by the ULN

    def missing(self) -> list[str]:
        wanted = ["awarding_body", "candidate_name", "qualification_code", "certificate_number"]
        if self.wants_learner_reference:
            wanted.append("learner_reference")
        gaps = [name for name in wanted if not getattr(self, name)]
        if self.date_awarded is None and not self.month_awarded:
            gaps.append("date_awarded")
        return gaps


# Rasterising and preparing pages.


def _pdf_shape(data: bytes) -> tuple[int, float, int]:
    """(the highest dpi that keeps the first page within MAX_IMAGE_PIXELS, its short side in points, page count),
    measured from the PDF's structure: nothing is drawn."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        width, height = pdf_page_points(reader.pages[0])
        count = len(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise OSError(f"unreadable PDF: {exc}") from None
    fitting = int((MAX_IMAGE_PIXELS / max(1.0, width * height)) ** 0.5 * 72)
    if fitting < 72:  # under 72 dpi nothing printed is legible: the page is not a certificate
        raise TooLarge(f"page of {width:.0f} × {height:.0f} points")
    return fitting, min(width, height), count


def _pdf_dpi(data: bytes) -> int:
    """300 dpi, or less so that the first page stays within MAX_IMAGE_PIXELS."""
    return min(DPI, _pdf_shape(data)[0])


def _opened(image: Image.Image) -> Image.Image:
    if image.width * image.height > MAX_IMAGE_PIXELS:
        raise TooLarge(f"image of {image.width} × {image.height} pixels")
    return image


def _pdf_page(
    pdf: Path, dpi: int, number: int, *, colour: bool = False, rows: tuple[int, int, int] | None = None
) -> Image.Image | None:
    """Page `number` of a PDF drawn in grey, or in colour for the second reading (None when there is no such page);
    only `rows` (top, bottom, width in pixels) of it when given: the same pixels as the whole page's there."""
    # Uncompressed (PGM, PPM): writing a PNG of an A4 page at 300 dpi costs about a second.
    prefix, suffix = (f"c{number}-{dpi}-", "ppm") if colour else (f"p{number}-{dpi}-", "pgm")
    crop = []
    if rows:
        prefix = f"r{rows[0]}-{prefix}"
        crop = ["-x", "0", "-y", str(rows[0]), "-W", str(rows[2]), "-H", str(rows[1] - rows[0])]
    subprocess.run(["pdftoppm", "-r", str(dpi), *([] if colour else ["-gray"]), *crop, "-f", str(number),
                    "-l", str(number), str(pdf), str(pdf.parent / prefix)],
                   check=True, capture_output=True, timeout=60)  # fmt: skip
    drawn = sorted(pdf.parent.glob(f"{prefix}*.{suffix}"))
    return _opened(Image.open(drawn[0])).copy() if drawn else None


def _image(data: bytes, *, colour: bool = False) -> Image.Image:
    image = _opened(Image.open(io.BytesIO(data)))
    # A JPEG much larger than needed is decoded at a reduced scale, straight to grey (in colour for the second
    # reading).
    factor = SHORT_SIDE / max(1, min(image.size))
    image.draft("RGB" if colour else "L", (int(image.width * factor), int(image.height * factor)))
    return image


def _skew_angle(grey: Image.Image) -> float:
    """The small rotation (±5°) that makes text lines horizontal: the one with the sharpest row profile."""
    small = grey.resize((600, int(600 * grey.height / grey.width)))
    ink = small.point(lambda v: 255 if v < 160 else 0)

    def sharpness(angle: float, resample=Image.BILINEAR) -> float:
        rows = ink.rotate(angle, resample=resample).resize((1, small.height), Image.BOX)
        return ImageStat.Stat(rows).var[0]

    # Whole degrees first (nearest-neighbour: the ink is black or white, and six times faster), then quarter degrees
    # either side of the best (bilinear, which tells quarter degrees apart better): 16 trials, 5 of them bilinear.
    best = max(range(-5, 6), key=lambda a: (sharpness(a, Image.NEAREST), -abs(a)))
    return max((best + q / 4 for q in range(-2, 3)), key=lambda a: (sharpness(a), -abs(a)))


def _prepare(image: Image.Image, angle: float | None = None) -> Image.Image:
    """The page in grey, scaled, straightened (by `angle` when it is already known) and evened out; the angle found
    is kept in the result's `info["skew"]` so that a second reading of the same page need not search again."""
    grey = image if image.mode == "L" else ImageOps.grayscale(image.convert("RGB"))
    short = min(grey.size)
    if short < SHORT_SIDE * 0.9 or short > SHORT_SIDE * 1.2:
        factor = min(2.0, SHORT_SIDE / short)
        grey = grey.resize((int(grey.width * factor), int(grey.height * factor)), Image.BILINEAR, reducing_gap=2.0)
    angle = _skew_angle(grey) if angle is None else angle
    if angle:
        grey = grey.rotate(angle, resample=Image.BILINEAR, expand=True, fillcolor=255)
    paper = _paper(grey)
    low, high = _percentiles(paper, 0.05, 0.95)
    if high - low > UNEVEN:  # shadows, a table round the sheet, tinted panels: the ink against its own paper
        grey = ImageChops.invert(ImageChops.subtract(paper.resize(grey.size, Image.BILINEAR), grey))
    prepared = ImageOps.autocontrast(grey, cutoff=(0.1, 1))
    prepared.info["skew"] = angle
    return prepared


COLOURED = 40  # a pixel whose brightest and darkest channels differ by more than this is coloured ink or paper
DROPOUT_GAIN = 4  # how strongly saturation lightens: a dark blue signature (25, 35, 110) goes to white
COLOURED_SHARE = 0.002  # the share of coloured pixels (on a small copy) above which a page has coloured ink


def _has_colour(image: Image.Image) -> bool:
    """Whether the page holds coloured ink (a stamp, a signature, a logo): grey pages are not dropped out."""
    if image.mode not in ("RGB", "RGBA", "P", "CMYK", "YCbCr"):
        return False
    factor = max(1, min(image.size) // 300)
    # An RGB page is reduced before anything else (a converted copy of a full-size photo costs more than the test).
    small = image.reduce(factor) if image.mode == "RGB" else image.convert("RGB").reduce(factor)
    histogram = _chroma(small.convert("HSV"))[0].histogram()
    return sum(histogram[COLOURED + 1 :]) > COLOURED_SHARE * small.width * small.height


def _chroma(hsv: Image.Image) -> tuple[Image.Image, Image.Image]:
    """(each pixel's brightest channel less its darkest, its brightest channel) from an HSV image: the first is 0
    for black, grey and white, high for coloured ink."""
    _, saturation, value = hsv.split()
    return ImageChops.multiply(saturation, value), value  # HSV's saturation is (max - min) / max


def _dropout(image: Image.Image) -> Image.Image:
    """The page in grey with coloured ink (blue or red stamps, blue signatures, coloured rules) taken out, so that the
    black print under it is read: each pixel's brightest channel (a blue or red stroke is bright in one channel),
    lightened further by its saturation in proportion to that brightness. A light stamp over paper (pale, a little
    saturated) goes to white; black print under the stamp (dark, as saturated) stays dark; a dark blue signature
    (saturated) is lifted above the ink threshold of the binarising. Black and grey are left as they are."""
    chroma, brightest = _chroma((image if image.mode == "RGB" else image.convert("RGB")).convert("HSV"))
    lift = ImageChops.multiply(chroma, brightest)  # (max - min) × max / 255
    return ImageChops.add(brightest, lift.point(lambda v: min(255, DROPOUT_GAIN * v)))


def _paper(grey: Image.Image) -> Image.Image:
    """The paper's brightness around each point, at an eighth of the size (the text taken out by a maximum)."""
    small = grey.resize((max(1, grey.width // 8), max(1, grey.height // 8)), Image.BOX)
    return small.filter(ImageFilter.MaxFilter(7)).filter(ImageFilter.GaussianBlur(4))


def _percentiles(image: Image.Image, *shares: float) -> list[int]:
    histogram, total = image.histogram(), image.width * image.height
    found, running, wanted = [], 0, list(shares)
    for level, count in enumerate(histogram[:256]):
        running += count
        while wanted and running >= wanted[0] * total:
            found.append(level)
            wanted.pop(0)
    return found + [255] * len(wanted)


def _evened(grey: Image.Image) -> Image.Image:
    """Shadows and coloured paper evened out (the ink's darkness against the local paper), then binarised."""
    ink = ImageChops.subtract(_paper(grey).resize(grey.size), grey)
    return ink.point(lambda v: 0 if v > 40 else 255)


# tesseract's words, grouped into lines.


@dataclass
class Word:
    text: str
    conf: float
    left: int
    top: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.left + self.width


@dataclass
class Line:
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def top(self) -> int:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> int:
        return max(w.top + w.height for w in self.words)

    @property
    def left(self) -> int:
        return min(w.left for w in self.words)

    @property
    def right(self) -> int:
        return max(w.right for w in self.words)

    @property
    def height(self) -> int:
        return max(1, self.bottom - self.top)

    def conf(self, start: int = 0, end: int | None = None) -> float:
        chosen = self.words[start:end] or self.words
        return min(w.conf for w in chosen)


def _ocr_lines(image: Image.Image, psm: int) -> list[Line]:
    # Handed to tesseract as an uncompressed PGM: pytesseract would write a PNG, a quarter of a second a page.
    with tempfile.NamedTemporaryFile(suffix=".pgm") as handle:
        image.convert("L").save(handle, "PPM")
        handle.flush()
        data = pytesseract.image_to_data(
            handle.name, config=f"--psm {psm} --oem 1", output_type=pytesseract.Output.DICT, timeout=30
        )
    grouped: dict[tuple, list[Word]] = {}
    for i, text in enumerate(data["text"]):
        text = text.strip()
        if not text:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        word = Word(text, float(data["conf"][i]), data["left"][i], data["top"][i], data["width"][i], data["height"][i])
        grouped.setdefault(key, []).append(word)
    return [Line(words) for words in grouped.values()]


# The second reading: only the bands of the page where a missing field may be.

TEXT_HEIGHT = 32  # pixels: about the height of a word tesseract reads best
SCALED_ABOVE = 60  # pixels: words taller than this (a photo held close) are read again scaled to LARGE_TEXT
LARGE_TEXT = 40  # scaled nearer TEXT_HEIGHT, print read worse (a certificate number at 50 pixels read at 32 gained a
# digit): tesseract's time is mostly in recognising lines, which it scales to its own height whatever the print
LOW_CONFIDENCE = 60  # a line of the first reading with a word less sure than this is read again
BANDS_SHARE = 0.6  # bands covering more of the page than this: the whole page is read again
BAND_MARGIN = 64  # pixels: a PDF's bands drawn again in colour reach this far beyond the first and last band (the
# paper's brightness is estimated over about this distance)


def _text_height(lines: list["Line"]) -> float:
    """The median height of the words read (0 when none were)."""
    heights = sorted(w.height for line in lines for w in line.words)
    return float(heights[len(heights) // 2]) if heights else 0.0


def _bands(lines: list["Line"], missing: list[str], page_height: int) -> list[tuple[int, int]] | None:
    """The horizontal bands of the page (top, bottom) to read again for the `missing` fields: around each line of
    the first reading read unsurely, and each label of a missing field with the lines under it (a value is printed
    beside or under its label). None when the whole page is to be read again: the body or the qualification is
    missing (they may be printed anywhere), nothing was read, or the bands would cover most of the page."""
    if not lines or {"awarding_body", "qualification_code"} & set(missing):
        return None
    labels = [LABELS[name] for name in missing if name in LABELS]
    wants_digits = bool({"certificate_number", "date_awarded", "learner_reference"} & set(missing))
    height = max(8.0, _text_height(lines))
    spans = []
    for line in lines:
        unsure = line.conf() < LOW_CONFIDENCE
        labelled = any(label.search(line.text) for label in labels)
        digits = wants_digits and sum(c.isdigit() for c in line.text) >= 3
        if unsure or labelled or digits:
            below = height
            if labelled:  # the value may be under the label, in print larger than the rest or unread the first time:
                # down to the next line read (at least four lines, at most ten)
                under = [o.top for o in lines if o.top >= line.bottom]
                below = min(10 * height, max(4 * height, min(under, default=line.bottom) - line.bottom + height))
            spans.append((line.top - height, line.bottom + below))
    if not spans:
        return None
    bands = _joined(spans)
    # A band never cuts a line of the first reading in two: it is widened to hold every line it touches.
    while True:
        widened = _joined(bands + [(line.top - 2, line.bottom + 2) for line in lines if _in_bands(line, bands)])
        if widened == bands:
            break
        bands = widened
    bands = [(max(0, int(top)), min(page_height, int(bottom))) for top, bottom in bands]
    if sum(bottom - top for top, bottom in bands) > BANDS_SHARE * page_height:
        return None
    return bands


def _joined(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Overlapping spans made one."""
    joined: list[tuple[float, float]] = []
    for top, bottom in sorted(spans):
        if joined and top <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], bottom))
        else:
            joined.append((top, bottom))
    return joined


def _in_bands(line: "Line", bands: list[tuple[float, float]]) -> bool:
    """Whether any of `line` lies within one of `bands`."""
    return any(line.top < bottom and top < line.bottom for top, bottom in bands)


def _end(placed: tuple[int, int, int]) -> int:
    """Where a band placed in the stack (its place in the stack, its top and bottom on the page) ends in the stack."""
    at, top, bottom = placed
    return at + bottom - top


def _ocr_bands(image: Image.Image, bands: list[tuple[int, int]], psm: int, text_height: float) -> list["Line"]:
    """The words of `bands` of `image`, read in one go (the bands stacked one under another, white between them),
    each word's box given in the page's coordinates. Very large print (the first reading's words taller than
    SCALED_ABOVE) is read scaled down, in less time."""
    gap = int(2 * max(TEXT_HEIGHT, text_height))
    whole = len(bands) == 1 and bands[0] == (0, image.height)
    if whole:
        stacked, placed = image, [(0, 0, image.height)]
    else:
        stacked = Image.new("L", (image.width, sum(b - t for t, b in bands) + gap * (len(bands) + 1)), 255)
        placed, y = [], gap
        for top, bottom in bands:
            stacked.paste(image.convert("L").crop((0, top, image.width, bottom)), (0, y))
            placed.append((y, top, bottom))  # (where the band is in the stack, where it is on the page)
            y += bottom - top + gap
    factor = LARGE_TEXT / text_height if text_height > SCALED_ABOVE else 1.0
    if factor < 1.0:
        stacked = stacked.resize((int(stacked.width * factor), int(stacked.height * factor)), Image.BILINEAR)
    lines = []
    for line in _ocr_lines(stacked, psm):
        by_band: dict[int, list[Word]] = {}
        for word in line.words:
            left, top = int(word.left / factor), int(word.top / factor)
            width, height = max(1, int(word.width / factor)), max(1, int(word.height / factor))
            middle = top + height / 2
            # The band the word's middle lies in (or, in the white between two, the nearer).
            index = min(range(len(placed)), key=lambda i: max(placed[i][0] - middle, middle - _end(placed[i]), 0))
            at, band_top, _ = placed[index]
            by_band.setdefault(index, []).append(Word(word.text, word.conf, left, top - at + band_top, width, height))
        lines += [Line(words) for words in by_band.values()]
    return lines


# Finding each field.


def _fold_letters(value: str) -> str:
    """Letters only, upper case, with the digits OCR gives for letters turned back."""
    value = value.upper().translate(str.maketrans({"0": "O", "1": "I", "5": "S", "8": "B", "|": "I", "$": "S"}))
    return re.sub(r"[^A-Z]", "", value)


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def _name_matches(token: str, name: str) -> bool:
    token, name = _fold_letters(token), _fold_letters(name)
    if not token or not name:
        return False
    if token == name:
        return True
    return len(name) >= 5 and abs(len(token) - len(name)) <= 1 and _similar(token, name) >= 0.85


def _expected_name(lines: list[Line], hints: ReadingHints) -> tuple[str, float]:
    """The operative's name as the record spells it, when a line holds both names (in either order)."""
    if not hints.last_name or not hints.first_name:
        return "", 0.0
    firsts = hints.first_name.split()
    lasts = hints.last_name.split()
    for line in lines:
        tokens = [w.text.strip(",.:;") for w in line.words]
        for i in range(len(tokens)):
            if not _name_matches(tokens[i], lasts[-1]):
                continue
            near = tokens[max(0, i - 3) : i] + tokens[i + 1 : i + 4]
            if any(_name_matches(t, firsts[0]) for t in near):
                return f"{hints.first_name} {hints.last_name}", line.words[i].conf
    return "", 0.0


NAME_LABEL = re.compile(
    r"(?:learner(?: name)?|candidate(?: name)?|name|awarded to|certify that|certifies that|certified that|"
    r"confirm that|presented to)\s*[:;.]?\s*",
    re.I,
)
HONORIFIC = re.compile(r"^(?:mr|mrs|ms|miss|dr|mx)\.?\s+", re.I)


# Words printed on certificates that are never part of a person's name: a "name" holding one is a label or a title.
NOT_NAME = {
    "date", "birth", "number", "no", "qualification", "certificate", "title", "award", "awarded", "achieved",
    "achievement", "code", "ref", "reference", "issue", "issued", "level", "diploma", "unit", "units", "signature",
    "signed", "learner", "candidate", "name", "centre", "center", "serial", "result", "assessment", "of", "the",
    "and", "in", "has", "been", "for", "to", "by", "on", "with", "this", "that", "is", "certify", "certifies",
    "awarding", "body", "organisation", "registration", "uln", "pass", "passed", "grade", "credit", "credits",
}  # fmt: skip
HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "mx"}


def _name_case(word: str) -> str:
    """A word of a name printed in capitals (or lower case) as names are written: "MCALLISTER" -> "McAllister",
    "O'SULLIVAN" -> "O'Sullivan", "LLEWELLYN-JONES" -> "Llewellyn-Jones"; a word in mixed case is kept."""
    if not word.isupper() and not word.islower():
        return word
    cased = "".join(part.capitalize() for part in re.split(r"([-'])", word.lower()))
    if re.match(r"^Mc[a-z]", cased):
        cased = "Mc" + cased[2:].capitalize()
    return cased


def _tidy_name(value: str) -> str:
    value = HONORIFIC.sub("", value.strip(" ,.:;"))
    if "," in value:
        last, _, first = value.partition(",")
        value = f"{first.strip()} {last.strip()}"
    words = value.split()
    # Whole words only: an initial may be a first name half read ("J Jones" for "Jeff Jones").
    if not 2 <= len(words) <= 4 or not all(re.fullmatch(r"[A-Za-z][A-Za-z'-]*[A-Za-z]", w) for w in words):
        return ""
    if any(w.lower() in NOT_NAME for w in words):
        return ""
    return " ".join(_name_case(w) for w in words)


def _name_run(words: list[str]) -> str:
    """The name at the start of `words` (capitalised words, an honorific, "SURNAME, First"), tidied; "" if none."""
    run = []
    for word in words:
        bare = word.strip(",.:;")
        if (bare[:1].isupper() and re.fullmatch(r"[A-Za-z'-]+", bare)) or bare.lower() in HONORIFICS:
            run.append(word)
            if word.endswith(".") and bare.lower() not in HONORIFICS:
                break
        else:
            break
    return _tidy_name(" ".join(run[:5]))


def _word_index(line: Line, offset: int) -> int:
    """The index of the word of `line` at character `offset` of `line.text`."""
    position = 0
    for index, word in enumerate(line.words):
        position += len(word.text)
        if offset < position:
            return index
        position += 1
    return len(line.words)


def _below(lines: list[Line], line: Line, left: float, right: float, *, starting=False) -> list[Word]:
    """The words of the nearest line under `line` that lie (or, `starting`, start) between `left` and `right` (a
    value under its label)."""
    under = [o for o in lines if o is not line and 0 <= o.top - line.bottom <= 3 * line.height]
    for other in sorted(under, key=lambda o: o.top):
        words = [w for w in other.words if left <= (w.left if starting else (w.left + w.right) / 2) < right]
        if words:
            return words
    return []


def _printed_name(lines: list[Line]) -> str:
    """Someone else's name, from beside or under a label ("Learner:", "certify that" …); only when it reads
    cleanly."""
    for line in lines:
        match = NAME_LABEL.search(line.text)
        if not match:
            continue
        first = _word_index(line, match.start())
        column = first > 0 and line.words[first].left - line.words[first - 1].right > 2 * line.height
        if match.start() > 2 and "that" not in match.group(0).lower() and not column:
            continue  # a label starts its line or its column ("the name of …" in a sentence is not one)
        after = line.words[_word_index(line, match.end()) :]
        name, source = _name_run([w.text for w in after]), after
        if not name:
            # The value under the label: the next line; or, in a row of labelled boxes (the label starts a column
            # or another label follows it), the words under the label up to where the next label starts.
            left, right = float("-inf"), float("inf")
            if after or column:
                left = line.words[first].left - 2 * line.height
                right = after[0].left if after else right
            source = _below(lines, line, left, right)
            name = _name_run([w.text for w in source])
        if name and min(w.conf for w in source[: len(name.split()) + 2]) >= 70:
            return name
    return ""


def _compact(value: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", value.upper())


DIGIT_FOR = str.maketrans({"O": "0", "D": "0", "Q": "0", "I": "1", "L": "1", "S": "5", "B": "8", "Z": "2", "G": "6"})
LETTER_FOR = str.maketrans({"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G"})


def _as_number(value: str) -> str:
    """A certificate number as printed: letters first, then digits (O/0, I/1, S/5 and B/8 confusions undone)."""
    value = _compact(value)
    match = re.match(r"^([A-Z]*)(.*)$", value)
    return match.group(1) + match.group(2).translate(DIGIT_FOR)


def _number_readings(value: str) -> list[str]:
    """The ways `value` may be a certificate number, the likeliest first: as read, then with OCR confusions undone
    after each possible end of the prefix (a prefix may hold digits, "AM2S123456", or a digit read for a letter,
    "C6700037" for "CG700037")."""
    value = _compact(value)
    readings = [value, _as_number(value)]
    if value[:1].isalpha():  # a number starts with its prefix's letters: digits alone (a date, a code) are not one
        for cut in range(1, len(value) + 1):
            head, tail = value[:cut], value[cut:].translate(DIGIT_FOR)
            readings += [head + tail, head.translate(LETTER_FOR) + tail]
    return list(dict.fromkeys(readings))


NUMBER_LABEL = re.compile(r"cert|serial|\bno\b|number|\bref", re.I)


def _numbers(lines: list[Line], bodies: tuple[BodyHint, ...]) -> list[tuple[str, str, float, bool]]:
    """(body code, number, confidence, labelled) for each token (or two joined) shaped like a body's number."""
    found = []
    for line in lines:
        words = line.words
        for i in range(len(words)):
            for span in (1, 2):
                if i + span > len(words):
                    continue
                if span == 2 and not (
                    re.fullmatch(r"[A-Za-z]{2,4}", words[i].text)
                    and words[i + 1].text[:1].isdigit()
                    and words[i].text.upper() not in {"NO", "REF", "REF.", "NUM"}
                ):
                    continue  # two words are one number only as a letter prefix and its digits ("CG 700037")
                raw = "".join(w.text for w in words[i : i + span])
                if sum(c.isdigit() for c in raw) < 3:
                    continue
                readings = _number_readings(raw)
                for body in bodies:
                    pattern = body.number_pattern
                    value = next((r for r in readings if pattern and re.fullmatch(pattern, r)), "")
                    if value:
                        before = " ".join(w.text for w in words[max(0, i - 3) : i])
                        found.append((body.code, value, line.conf(i, i + span), bool(NUMBER_LABEL.search(before))))
    return found


# The learner's Unique Learner Number (NOCN checks certificates by it): ten digits, printed after or under a label,
# sometimes with "ULN" before the digits (a token "ULN4000000037" labels itself).
ULN_LABEL = re.compile(
    r"(?<![A-Za-z])(?:unique\s+learner\s+(?:number|no\b\.?)|learner\s+(?:number|no\b\.?|ref(?:erence)?\b\.?)|uln\b)"
    r"\s*[:;.]?\s*",
    re.I,
)
ULN_SHAPE = re.compile(r"(?:ULN)?\d{10}")
ULN_CONFIDENCE = 60  # ten digits read less surely are not given: a wrong ULN finds nobody's record


def _uln_value(words: list[Word]) -> str:
    """The ULN at the start of `words` (one token, or "ULN" and the digits, or digits in groups), "" if none.
    A token holding anything but letters and digits (a date "10/01/2018") is never part of one."""
    value, used = "", 0
    for word in words[:4]:
        token = word.text.strip(",.;:()|")
        if not re.fullmatch(r"[A-Za-z0-9]+", token):
            break
        token = token.upper()
        if not value and token.startswith("ULN"):
            value, used = "ULN" + token[3:].translate(DIGIT_FOR), used + 1
        elif re.fullmatch(r"[0-9ODQILSBZG]+", token) and sum(c.isdigit() for c in token) >= len(token) - 1:
            value, used = value + token.translate(DIGIT_FOR), used + 1
        else:
            break
        if ULN_SHAPE.fullmatch(value):
            return value if min(w.conf for w in words[:used]) >= ULN_CONFIDENCE else ""
        if len(re.sub(r"^ULN", "", value)) >= 10:
            break
    return ""


def _above(lines: list[Line], line: Line, left: float, right: float) -> list[Word]:
    """The words of the nearest line over `line` that lie between `left` and `right` (a value over its label)."""
    over = [o for o in lines if o is not line and 0 <= line.top - o.bottom <= 3 * line.height]
    for other in sorted(over, key=lambda o: -o.top):
        words = [w for w in other.words if left <= (w.left + w.right) / 2 < right]
        if words:
            return words
    return []


def _learner_reference(lines: list[Line]) -> str:
    """The learner's ULN: the value after its label on the same line, or under the label (in the label's column up to
    the next label on its line), or, for a label alone on its line, over it (labels printed under the values); or a
    token "ULN" and ten digits anywhere. Given only when every finding agrees."""
    found = []
    for line in lines:
        for index, word in enumerate(line.words):
            if re.fullmatch(r"ULN[0-9ODQILSBZG]{10}", word.text.strip(",.;:()|").upper()):
                found.append(_uln_value(line.words[index:]))
        for match in ULN_LABEL.finditer(line.text):
            first = _word_index(line, match.start())
            after = line.words[_word_index(line, match.end()) :]
            value = _uln_value(after)
            if not value:
                slack = 2 * line.height
                left = line.words[first].left - slack
                right = after[0].left if after else float("inf")
                value = _uln_value(_below(lines, line, left, right, starting=True))  # a value wider than its label
                if not value and not after and first == 0:
                    value = _uln_value(_above(lines, line, left, line.right + slack))
            found.append(value)
    found = [value for value in found if value]
    # "ULN: ULN4000000037" is found twice, with and without its prefix: the same learner, given as printed.
    if len({value.removeprefix("ULN") for value in found}) != 1:
        return ""
    return max(found, key=len)


def _body_mentions(lines: list[Line], bodies: tuple[BodyHint, ...]) -> dict[str, int]:
    """How often each body's printed names occur (short acronyms in capitals only, longer names fuzzily)."""
    counts: dict[str, int] = {}
    for line in lines:
        upper = re.sub(r"\s+", " ", line.text.upper().replace(" AND ", " & "))
        tokens = [t.strip(",.:;()|") for t in line.text.split()]
        for body in bodies:
            for name in body.names:
                wanted = name.upper().replace(" AND ", " & ")
                if len(_compact(wanted)) <= 5 and " " not in wanted:
                    hit = wanted in tokens
                else:
                    hit = wanted in upper or _partial_ratio(wanted, upper) >= 0.85
                if hit:
                    counts[body.code] = counts.get(body.code, 0) + 1
                    break
    return counts


def _partial_ratio(short: str, long: str) -> float:
    """The best match of `short` against any stretch of `long` starting at a word."""
    if len(long) <= len(short) * 1.2:
        return _similar(short, long)
    starts = [0] + [m.end() for m in re.finditer(r"\s+", long)]
    return max(_similar(short, long[s : s + len(short)]) for s in starts)


def _code_pattern(code: str) -> re.Pattern:
    digit = {"0": "[0OoD]", "1": "[1lI|]", "5": "[5S]", "8": "[8B]", "2": "[2Z]"}
    parts = []
    for char in code:
        if char.isdigit():
            parts.append(digit.get(char, char))
        elif char.isalpha():
            parts.append(re.escape(char))
        else:
            parts.append(r"\s?[/\-.,1lI|]?\s?")
    return re.compile(r"(?<![A-Za-z0-9/])" + "".join(parts) + r"(?![A-Za-z0-9]|[/-][A-Za-z0-9])")


def _qualification(lines: list[Line], catalogue: list[QualificationHint]) -> QualificationHint | None:
    """The catalogue entry whose code is printed, or else whose title is (fuzzily); None when unsure."""
    text = "\n".join(line.text for line in lines)
    by_code = [q for q in catalogue if q.code and _code_pattern(q.code).search(text)]
    longest = max((len(q.code) for q in by_code), default=0)
    by_code = [q for q in by_code if len(q.code) == longest]
    scored = []
    for q in catalogue:
        wanted = re.sub(r"\s+", " ", q.title.lower())
        best = 0.0
        for start in range(len(lines)):
            window = " ".join(line.text for line in lines[start : start + 3]).lower()
            best = max(best, _partial_ratio(wanted, window))
            if best > 0.97:
                break
        scored.append((best, q))
    scored.sort(key=lambda s: -s[0])
    by_title = None
    if scored and scored[0][0] >= 0.85:
        runner_up = next((s for s, q in scored[1:] if q.title != scored[0][1].title), 0.0)
        if scored[0][0] - runner_up >= 0.04:
            by_title = scored[0][1]
    if len({(q.body_code, q.code) for q in by_code}) == 1:
        code_match = by_code[0]
        if by_title is None or by_title == code_match:
            return code_match
        return None  # the code and the title point to different qualifications
    if by_code and by_title in by_code:
        return by_title
    return by_title if not by_code else None


CODE = re.compile(
    r"(?:Qualification No|Qualification Ref|Unit Code|QAN|Course Code)\s*[:;.]\s*([A-Z0-9][A-Z0-9/.-]+)", re.I
)
DAY_MONTH_YEAR = re.compile(r"(?<!\d)(\d{1,2})\s?[/.-]\s?(\d{1,2})\s?[/.-]\s?(\d{4})(?!\d)")
DAY_NAME_YEAR = re.compile(r"(?<!\d)(\d{1,2})\s?(?:st|nd|rd|th)?\s+(?:of\s+)?([A-Za-z]{3,10})\.?,?\s+(\d{4})(?!\d)")
NAME_YEAR = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{3,10})\.?,?\s+(\d{4})(?!\d)")
AWARD_LABEL = re.compile(r"award|achiev|issue|certificat|complet|passed|\bdate\b|dated", re.I)
OTHER_LABEL = re.compile(r"birth|\bdob\b|regist|enrol|expir|print|valid until|review|start", re.I)


MONTH_WORDS = {**{m: i + 1 for i, m in enumerate(MONTHS)}, **{m[:3]: i + 1 for i, m in enumerate(MONTHS)}, "sept": 9}


def _month(word: str) -> int | None:
    close = difflib.get_close_matches(word.lower(), MONTH_WORDS, n=1, cutoff=0.75)
    return MONTH_WORDS[close[0]] if close else None


def _span_conf(line: Line, start: int, end: int) -> float:
    """The lowest word confidence among the words of `line.text[start:end]`."""
    confs, offset = [], 0
    for word in line.words:
        if offset < end and start < offset + len(word.text):
            confs.append(word.conf)
        offset += len(word.text) + 1
    return min(confs, default=0.0)


def _date_candidates(line: Line) -> list[tuple[date | tuple[int, int], int, int, float]]:
    """Dates on a line (a tuple (year, month) where only the month is printed): where each starts and ends, how sure."""
    text = line.text.replace("O", "0") if re.search(r"\d", line.text) else line.text
    found, taken = [], []
    for match in DAY_MONTH_YEAR.finditer(text):
        try:
            found.append((date(int(match[3]), int(match[2]), int(match[1])), match.start(), match.end(),
                          _span_conf(line, *match.span())))  # fmt: skip
            taken.append(match.span())
        except ValueError:
            continue
    for match in DAY_NAME_YEAR.finditer(line.text):
        month = _month(match[2])
        if month:
            try:
                found.append((date(int(match[3]), month, int(match[1])), match.start(), match.end(),
                              _span_conf(line, *match.span())))  # fmt: skip
                taken.append(match.span())
            except ValueError:
                continue
    for match in NAME_YEAR.finditer(line.text):
        if any(a <= match.start() < b for a, b in taken):
            continue
        month = _month(match[1])
        if month and 1900 < int(match[2]) < 2100:
            found.append(((int(match[2]), month), match.start(), match.end(), _span_conf(line, *match.span())))
    return found


def _last_label(text: str) -> str:
    """The kind of the label nearest the end of `text`: "award" or "other" ("Date of birth: … Date of award:" is
    an award label), "" when there is none."""
    award = [m.end() for m in AWARD_LABEL.finditer(text)]
    other = [m.end() for m in OTHER_LABEL.finditer(text)]
    if not award and not other:
        return ""
    return "other" if max(other, default=-1) >= max(award, default=-1) else "award"


def _column_label(lines: list[Line], line: Line, left: int, right: int) -> str:
    """The label above (within four lines) or just below the words between `left` and `right` of `line`, read from
    the words of that line in the same column (a row of labelled boxes has several labels)."""
    slack = line.height * 2
    for other in sorted(lines, key=lambda o: abs(o.top - line.top)):
        if other is line:
            continue
        above = 0 <= line.top - other.bottom <= 4 * line.height
        below = 0 <= other.top - line.bottom <= 1.5 * line.height
        if not (above or below):
            continue
        words = [w for w in other.words if w.left < right + slack and left - slack < w.right]
        if words:  # only the words over (or under) the date: one box's label in a row of them
            kind = _last_label(" ".join(w.text for w in words))
        else:  # a short label line beside the date's line ("Issued on" ending the line above)
            overlaps = other.left < line.right and line.left < other.right
            kind = _last_label(other.text) if overlaps and len(other.text) < 40 else ""
        if kind:
            return kind
    return ""


def _date_label(lines: list[Line], index: int, start: int, end: int) -> tuple[str, int]:
    """(the date's label: "award", "other" or "", how near: 1 on its line before it, 2 above or below it in its
    column, 3 none)."""
    line = lines[index]
    kind = _last_label(line.text[:start])
    if kind:
        return kind, 1
    words = line.words[_word_index(line, start) : _word_index(line, max(start, end - 1)) + 1] or line.words
    kind = _column_label(lines, line, min(w.left for w in words), max(w.right for w in words))
    return (kind, 2) if kind else ("", 3)


def _in_list(tops: list[tuple[int, int]], top: int, height: int) -> bool:
    """Whether a date at `top` is one of three or more dates on lines one under another (a table of units, each
    with its date), from (top, height) of every line holding a date."""
    ordered = sorted(set(tops))
    chains, chain = [], [ordered[0]] if ordered else []
    for previous, current in zip(ordered, ordered[1:], strict=False):
        if 0 < current[0] - previous[0] <= 2.5 * max(previous[1], current[1]):
            chain.append(current)
        else:
            chains.append(chain)
            chain = [current]
    chains.append(chain)
    return any(len(c) >= 3 and any(t == top for t, _ in c) for c in chains)


def _date_awarded(lines: list[Line], hints: ReadingHints) -> tuple[date | None, str]:
    """The award date: the one labelled as such on its line, else the one labelled above or below it, else the only
    date; never the date of birth, a date in the future, or a date in a list of them (a unit table)."""
    found = []
    for index, line in enumerate(lines):
        for value, start, end, conf in _date_candidates(line):
            if value == hints.date_of_birth or conf < DATE_CONFIDENCE:
                continue
            if isinstance(value, date) and value > date.today():
                continue
            kind, tier = _date_label(lines, index, start, end)
            if kind != "other":
                found.append((value, kind, tier, line))
    tops = [(line.top, line.height) for value, _, _, line in found if isinstance(value, date)]
    days: dict[int, set] = {1: set(), 2: set(), 3: set()}
    months = set()
    for value, kind, tier, line in found:
        if isinstance(value, tuple):
            if kind == "award":
                months.add(value)
        elif tier == 1 or not _in_list(tops, line.top, line.height):
            days[tier].add(value)
    for tier in (1, 2, 3):
        if days[tier]:
            if len(days[tier]) == 1:
                return next(iter(days[tier])), ""
            return None, ""
    if len(months) == 1:
        year, month = next(iter(months))
        return None, f"{year:04d}-{month:02d}"
    return None, ""


def _read_lines(lines: list[Line], hints: ReadingHints) -> CertificateReading:
    text = "\n".join(line.text for line in lines)
    reading = CertificateReading(readable=bool(lines), text=text)
    bodies = hints.bodies or DEFAULT_BODIES
    mentions = _body_mentions(lines, bodies)
    numbers = [n for n in _numbers(lines, bodies) if n[2] >= MIN_CONFIDENCE or n[3]]
    top = max(mentions.values(), default=0)
    leaders = [code for code, count in mentions.items() if count == top]
    body = leaders[0] if len(leaders) == 1 else ""
    candidates = {(code, value) for code, value, _, _ in numbers if not body or code == body}
    if len({v for _, v in candidates}) > 1:
        candidates = {(code, value) for code, value, _, labelled in numbers if labelled and (not body or code == body)}
    if len({v for _, v in candidates}) == 1:
        code, reading.certificate_number = next(iter(candidates))
        if not body and len({c for c, _ in candidates}) == 1:
            body = code
    catalogue = [q for q in hints.qualifications if not body or q.body_code == body]
    qualification = _qualification(lines, catalogue) if catalogue else None
    if qualification:
        reading.qualification_code, reading.qualification_title = qualification.code, qualification.title
        body = body or qualification.body_code
    elif not hints.qualifications and (match := CODE.search(text)):  # no catalogue to go by: the labelled code
        reading.qualification_code = match.group(1).strip(".,;")
    reading.awarding_body = body
    name, _ = _expected_name(lines, hints)
    reading.candidate_name = name or _printed_name(lines)
    reading.date_awarded, reading.month_awarded = _date_awarded(lines, hints)
    reading.learner_reference = _learner_reference(lines)
    reading.wants_learner_reference = any(b.code == body and b.asks_learner_reference for b in bodies)
    return reading


def _merge(first: CertificateReading, second: CertificateReading) -> CertificateReading:
    """The first reading, with what it missed taken from the second where the two do not disagree."""
    merged = replace(first, readable=first.readable or second.readable, text=first.text + "\n" + second.text)
    if not first.awarding_body or first.awarding_body == second.awarding_body:
        for name in ("awarding_body", "certificate_number", "qualification_code", "qualification_title"):
            if not getattr(first, name):
                setattr(merged, name, getattr(second, name))
    if not first.candidate_name:
        merged.candidate_name = second.candidate_name
    if not first.learner_reference:
        merged.learner_reference = second.learner_reference
    merged.wants_learner_reference = first.wants_learner_reference or second.wants_learner_reference
    if first.date_awarded is None and not first.month_awarded:
        merged.date_awarded, merged.month_awarded = second.date_awarded, second.month_awarded
    return merged


def certificate_read(*, data: bytes, content_type: str, hints: ReadingHints | None = None) -> CertificateReading:
    """What a certificate says. Each page (a PDF's first two) is read once, until one gives the body and the number
    (a cover letter may come first); then the page read best is read a second way only if it missed a field."""
    hints = hints or ReadingHints()
    best, best_grey, best_number, best_lines, best_page = CertificateReading(readable=False), None, 0, [], None
    try:
        with bomb_guard(), tempfile.TemporaryDirectory() as folder:
            is_pdf = content_type == "application/pdf" or data[:5] == b"%PDF-"
            if is_pdf:
                fitting, short, count = _pdf_shape(data)
                # Drawn at the resolution that is read (its short side SHORT_SIDE pixels), never above 300 dpi.
                dpi = min(DPI, fitting, max(72, int(SHORT_SIDE / max(1.0, short) * 72) + 1))
                pdf = Path(folder) / "in.pdf"
                pdf.write_bytes(data)
                count = min(count, PDF_PAGES)
            else:
                image = _image(data)
                count = 1
            for number in range(1, count + 1):
                page = _pdf_page(pdf, dpi, number) if is_pdf else image
                if page is None:
                    break
                grey = _prepare(page)
                lines = _ocr_lines(grey, FIRST_PSM)
                reading = _read_lines(lines, hints)
                if not best.readable or len(reading.missing()) < len(best.missing()):
                    best, best_grey, best_number, best_lines, best_page = reading, grey, number, lines, page
                if best.awarding_body and best.certificate_number:
                    break

            def _second_page(grey: Image.Image, bands: list[tuple[int, int]] | None) -> Image.Image:
                """The page read best, again in colour with the coloured ink dropped out when it has any (a PDF
                drawn again in colour, an image decoded again in colour): else as the first reading saw it."""
                if is_pdf:
                    # Whether the page has coloured ink is judged on a copy drawn at a sixth of the resolution (the
                    # colour test looks at a page reduced to about that anyway): the page is drawn in colour at full
                    # resolution only when it has some.
                    probe = _pdf_page(pdf, max(12, dpi // 6), best_number, colour=True)
                    if probe is None or not _has_colour(probe):
                        return grey
                    if bands and not grey.info.get("skew") and best_page is not None and best_page.size == grey.size:
                        return _banded_dropout(grey, bands)
                coloured = _pdf_page(pdf, dpi, best_number, colour=True) if is_pdf else _image(data, colour=True)
                if coloured is None or not _has_colour(coloured):
                    return grey
                return _prepare(_dropout(coloured), grey.info.get("skew"))

            def _banded_dropout(grey: Image.Image, bands: list[tuple[int, int]]) -> Image.Image:
                """A PDF page that needed no straightening (nor scaling), drawn in colour only from the first band
                to the last (with a margin for the paper's estimate) and dropped out there, on the page as first
                drawn elsewhere: the rows read again, without drawing the whole page in colour."""
                top = max(0, bands[0][0] - BAND_MARGIN)
                bottom = min(grey.height, bands[-1][1] + BAND_MARGIN)
                coloured = _pdf_page(pdf, dpi, best_number, colour=True, rows=(top, bottom, grey.width))
                if coloured is None or coloured.size != (grey.width, bottom - top) or not _has_colour(coloured):
                    return grey
                page = best_page.convert("L")
                page.paste(_dropout(coloured), (0, top))
                return _prepare(page, 0)

            if best_grey is not None and best.missing():  # a second reading only for what the first missed
                bands = _bands(best_lines, best.missing(), best_grey.height)
                second = _ocr_bands(_evened(_second_page(best_grey, bands)), bands or [(0, best_grey.height)],
                                    SECOND_PSM, _text_height(best_lines))  # fmt: skip
                # The page as a whole: the first reading's lines outside the bands read again, the second's inside.
                kept = [line for line in best_lines if not _in_bands(line, bands)] if bands else []
                best = _merge(best, _read_lines(sorted(kept + second, key=lambda line: line.top), hints))
    except (OSError, subprocess.SubprocessError, TooLarge, *BOMB_ERRORS):
        return best
    return best


# The labels of the fields a second reading looks for, by the field's name (see _bands).
LABELS = {
    "certificate_number": NUMBER_LABEL,
    "candidate_name": NAME_LABEL,
    "date_awarded": AWARD_LABEL,
    "learner_reference": ULN_LABEL,
}


def _norm(value: str) -> str:
    return re.sub(r"[^a-z]", "", value.lower())


def reading_compare(reading: CertificateReading, *, first_name: str, last_name: str) -> dict[str, str]:
    """What does not match the operative's record, field by field (empty when everything matches)."""
    problems = {}
    name = _norm(reading.candidate_name)
    if not name:
        problems["name"] = "No name could be read from the certificate."
    elif _norm(last_name) not in name:
        problems["name"] = f"The certificate is in the name of {reading.candidate_name}."
    elif _norm(first_name) not in name and not name.startswith(_norm(first_name)[:1]):
        problems["name"] = f"The first name on the certificate ({reading.candidate_name}) differs."
    if not reading.certificate_number:
        problems["certificate_number"] = "No certificate number could be read."
    if not reading.awarding_body:
        problems["awarding_body"] = "The awarding body could not be recognised."
    return problems
