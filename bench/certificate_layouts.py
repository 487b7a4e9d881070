"""Certificates in many layouts, fonts, date formats and states, for measuring how well certificates are read.

    render_case(record, layout, rng) -> (bytes, content_type, truth)

Fourteen layouts (portrait and landscape, one and two columns, tables, labels before and after values, a letter,
seals and signatures over text, coloured backgrounds, low contrast, a wallet card, a two-page PDF with the
certificate on page 2), six font families, every common UK date format (and month and year alone), names as
"First Last", "LAST, First" and in capitals; NOCN's certificates print the learner's ULN (as the record has it, each
layout with its own label). Degradations: rotation, blur, JPEG quality 40-70, 150-300 dpi scans,
PDF, and phone photos with perspective and shadow. HELD_OUT names the layouts kept out of development.
"""

import io
import random
from dataclasses import dataclass
from datetime import date

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIR = "/usr/share/fonts/truetype"
FAMILIES = {
    "dejavu-sans": ("dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf"),
    "dejavu-serif": ("dejavu/DejaVuSerif.ttf", "dejavu/DejaVuSerif-Bold.ttf"),
    "liberation-sans": ("liberation/LiberationSans-Regular.ttf", "liberation/LiberationSans-Bold.ttf"),
    "liberation-serif": ("liberation/LiberationSerif-Regular.ttf", "liberation/LiberationSerif-Bold.ttf"),
    "liberation-narrow": ("liberation/LiberationSansNarrow-Regular.ttf", "liberation/LiberationSansNarrow-Bold.ttf"),
    "liberation-mono": ("liberation/LiberationMono-Regular.ttf", "liberation/LiberationMono-Bold.ttf"),
}
BODY_NAMES = {
    "city-and-guilds": ["City & Guilds", "City and Guilds of London Institute", "CITY & GUILDS"],
    "eal": ["EAL", "EAL Excellence, Achievement & Learning"],
    "lcl-awards": ["LCL Awards", "LCL AWARDS"],
    "nocn": ["NOCN", "NOCN Group"],
    "bpec": ["BPEC", "BPEC Certification"],
    "net": ["NET", "National Electrotechnical Training"],
}
COLOURS = {"city-and-guilds": (200, 16, 46), "eal": (0, 82, 147), "lcl-awards": (0, 120, 70),
           "nocn": (90, 40, 130), "bpec": (230, 120, 0), "net": (20, 60, 110)}  # fmt: skip
FULL_DATES = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "ordinal", "%d %b %Y", "%-d %B %Y"]
MONTH_ONLY = "%B %Y"


def date_text(value: date, style: str) -> str:
    if style == "ordinal":
        suffix = "th" if 11 <= value.day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(value.day % 10, "th")
        return f"{value.day}{suffix} {value:%B %Y}"
    return value.strftime(style)


def name_text(first: str, last: str, style: str) -> str:
    return {"plain": f"{first} {last}", "caps": f"{first} {last}".upper(), "surname-first": f"{last.upper()}, {first}",
            "title": f"Mr {first} {last}"}[style]  # fmt: skip


@dataclass
class Style:
    family: str
    date_style: str
    name_style: str
    body_name: str
    ink: tuple = (0, 0, 0)
    paper: tuple = (255, 255, 255)


class Page:
    """A page drawn at 300 dpi in points of that resolution."""

    def __init__(self, style: Style, *, landscape=False, size=(2480, 3508)):
        self.w, self.h = (size[1], size[0]) if landscape else size
        self.image = Image.new("RGB", (self.w, self.h), style.paper)
        self.draw = ImageDraw.Draw(self.image)
        self.style = style

    def font(self, size, bold=False):
        regular, heavy = FAMILIES[self.style.family]
        return ImageFont.truetype(f"{FONT_DIR}/{heavy if bold else regular}", int(size))

    def text(self, y, value, size, *, bold=False, x=None, align="centre", fill=None, width=None):
        f = self.font(size, bold)
        w = self.draw.textlength(value, font=f)
        if w > self.w - 260:  # shrink a line that would run off the page
            f = self.font(size * (self.w - 260) / w, bold)
            w = self.draw.textlength(value, font=f)
        if x is None:
            x = (self.w - w) / 2 if align == "centre" else self.w - w - 200
        elif align == "right":
            x = x - w
        self.draw.text((x, y), value, fill=fill or self.style.ink, font=f)
        return w

    def wrap(self, y, value, size, *, bold=False, x=None, chars=40, gap=1.35):
        line, lines = "", []
        for word in value.split():
            if len(line) + len(word) > chars:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines.append(line)
        for i, part in enumerate(lines):
            self.text(y + i * size * gap, part, size, bold=bold, x=x)
        return y + len(lines) * size * gap

    def seal(self, cx, cy, r, colour, alpha=110):
        overlay = Image.new("RGBA", self.image.size, (0, 0, 0, 0))
        d = ImageDraw.Draw(overlay)
        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(*colour, alpha))
        d.ellipse((cx - r * 0.8, cy - r * 0.8, cx + r * 0.8, cy + r * 0.8), outline=(255, 255, 255, 160), width=8)
        self.image = Image.alpha_composite(self.image.convert("RGBA"), overlay).convert("RGB")
        self.draw = ImageDraw.Draw(self.image)

    def signature(self, x, y, rng, width=520):
        points, px = [], x
        while px < x + width:
            points.append((px, y + rng.randint(-45, 45)))
            px += rng.randint(20, 45)
        self.draw.line(points, fill=(20, 30, 120), width=6, joint="curve")

    def border(self, colour, margin=110, width=14):
        self.draw.rectangle((margin, margin, self.w - margin, self.h - margin), outline=colour, width=width)


def fields(record, style):
    awarded = date.fromisoformat(record["date_awarded"])
    return {
        "name": name_text(record["candidate_first_name"], record["candidate_last_name"], style.name_style),
        "date": date_text(awarded, style.date_style),
        "number": record["certificate_number"],
        "code": record["qualification_code"],
        "title": record["qualification_title"],
        "body": style.body_name,
        "dob": date_text(date.fromisoformat(record["date_of_birth"]), "%d/%m/%Y"),
        "uln": uln_of(record),
    }


def uln_of(record) -> str:
    """The learner's ULN a certificate prints: NOCN's certificates print it where the record has one."""
    return record.get("learner_reference", "") if record["awarding_body"] == "nocn" else ""


# Layouts: each draws a record on a Page (or pages) and returns them.


def classic(record, style, rng, colour):
    f = fields(record, style)
    p = Page(style)
    p.border(colour)
    p.text(450, f["body"], 100, bold=True)
    p.text(700, "hereby certifies that", 56)
    p.text(820, f["name"], 90, bold=True)
    p.text(1000, "has successfully achieved", 56)
    y = p.wrap(1120, f["title"], 64, bold=True)
    p.text(y + 200, f"Qualification number: {f['code']}", 54, x=330)
    p.text(y + 320, f"Certificate serial: {f['number']}", 54, x=330)
    p.text(y + 440, f"Issued on {f['date']}", 54, x=330)
    if f["uln"]:
        p.text(y + 560, f"Unique Learner Number: {f['uln']}", 54, x=330)
    p.signature(1500, y + 700, rng)
    p.text(y + 780, "Chief Executive", 40, x=1500)
    return [p]


def landscape_centre(record, style, rng, colour):
    f = fields(record, style)
    p = Page(style, landscape=True)
    p.border(colour, margin=90)
    p.text(260, f["body"], 96, bold=True, fill=colour)
    p.text(480, "This certificate is awarded to", 54)
    p.text(600, f["name"], 96, bold=True)
    p.text(790, "for the successful completion of", 54)
    y = p.wrap(900, f["title"], 66, bold=True, chars=55)
    p.text(y + 160, f"Awarded {f['date']}", 54, x=400)
    p.text(y + 160, f"Certificate No. {f['number']}", 54, x=1900)
    p.text(y + 260, f"Qualification code {f['code']}", 44, x=400)
    if f["uln"]:
        p.text(y + 260, f"ULN {f['uln']}", 44, x=1900)
    p.seal(p.w - 500, p.h - 420, 170, colour)
    return [p]


def two_column(record, style, rng, colour):
    f = fields(record, style)
    p = Page(style)
    p.draw.rectangle((0, 0, p.w, 360), fill=colour)
    p.text(130, f["body"], 96, bold=True, fill=(255, 255, 255))
    p.text(520, "Certificate of Achievement", 72, bold=True)
    rows = [("Learner", f"{record['candidate_last_name']}, {record['candidate_first_name']}"),
            ("Qualification", f["title"]), ("Qualification number", f["code"]),
            ("Certificate number", f["number"]), ("Date of award", f["date"])]  # fmt: skip
    if f["uln"]:
        rows.insert(1, ("Learner number", f["uln"]))
    y = 800
    for label, value in rows:
        p.text(y, label, 50, bold=True, x=250)
        y = max(y + 110, p.wrap(y, value, 50, x=1050, chars=36, gap=1.3) + 50)
    return [p]


def header_table(record, style, rng, colour):
    f = fields(record, style)
    p = Page(style, landscape=True)
    p.text(200, f["body"], 90, bold=True, fill=colour)
    p.text(360, "Record of Achievement", 60)
    p.text(560, f"Candidate: {f['name']}", 60, x=260)
    p.text(680, f"Date of birth: {f['dob']}", 44, x=260)
    if f["uln"]:
        p.text(760, f"ULN: {f['uln']}", 44, x=260)
    top, cols = 880, [260, 980, 2560, 3250]
    p.draw.rectangle((cols[0] - 30, top - 20, cols[-1], top + 90), fill=(225, 225, 225))
    for x, label in zip(cols, ["Cert. No.", "Qualification", "Achieved"], strict=False):
        p.text(top, label, 48, bold=True, x=x)
    p.text(top + 150, f["number"], 48, x=cols[0])
    p.wrap(top + 150, f"{f['title']} ({f['code']})", 44, x=cols[1], chars=50)
    p.text(top + 150, f["date"], 48, x=cols[2])
    p.draw.line((cols[0] - 30, top + 110, cols[-1], top + 110), fill=(120, 120, 120), width=4)
    p.signature(2500, 1900, rng)
    return [p]


def labels_after(record, style, rng, colour):
    f = fields(record, style)
    p = Page(style)
    p.border(colour, width=30)
    p.text(380, f["body"], 110, bold=True, fill=colour)
    y = 800
    rows = [(f["name"], "Candidate", 84), (f["title"], "Qualification", 56),
            (f["code"], "Qualification reference", 56), (f["number"], "Certificate number", 56),
            (f["date"], "Date of certification", 56)]  # fmt: skip
    if f["uln"]:
        rows.insert(4, (f["uln"], "Unique Learner Number", 56))
    for value, label, size in rows:
        y = p.wrap(y, value, size, bold=True, chars=44)
        p.draw.line((500, y + 10, p.w - 500, y + 10), fill=(150, 150, 150), width=3)
        p.text(y + 30, label, 36, fill=(90, 90, 90))
        y += 230
    return [p]


def side_band(record, style, rng, colour):
    f = fields(record, style)
    p = Page(style, landscape=True)
    p.draw.rectangle((0, 0, 900, p.h), fill=colour)
    p.text(300, f["body"], 80, bold=True, x=120, fill=(255, 255, 255))
    p.text(2100, "Regulated by Ofqual", 40, x=120, fill=(255, 255, 255))
    p.text(300, "Certificate", 110, bold=True, x=1100)
    p.text(560, "Awarded to", 48, x=1100)
    p.text(640, f["name"], 88, bold=True, x=1100)
    p.text(860, "in recognition of achieving", 48, x=1100)
    y = p.wrap(950, f["title"], 60, bold=True, x=1100, chars=48)
    p.text(y + 150, f"Ref {f['code']}   Serial {f['number']}", 48, x=1100)
    p.text(y + 260, f"Date awarded: {f['date']}", 48, x=1100)
    if f["uln"]:
        p.text(y + 370, f"Learner ref: {f['uln']}", 48, x=1100)
    p.signature(2600, y + 500, rng)
    return [p]


def letter(record, style, rng, colour):
    f = fields(record, style)
    p = Page(style)
    p.text(200, f["body"], 80, bold=True, x=200, fill=colour)
    p.text(330, "Results Service, PO Box 1234, London", 40, x=200)
    p.text(600, f"Issued on {date_text(date.fromisoformat(record['date_awarded']), style.date_style)}", 46, x=200)
    p.text(760, f"Dear {record['candidate_first_name']},", 46, x=200)
    body = (f"We are pleased to confirm that {f['name']} has met the requirements of the {f['title']} "
            f"(qualification {f['code']}). Your certificate number is {f['number']}. "
            + (f"Your learner number is {f['uln']}. " if f["uln"] else "")
            + "Please keep this letter as proof of your achievement.")  # fmt: skip
    y = p.wrap(880, body, 46, x=200, chars=70, gap=1.5)
    p.text(y + 120, "Yours sincerely,", 46, x=200)
    p.signature(200, y + 280, rng)
    p.text(y + 380, "Head of Certification", 46, x=200)
    return [p]


def seal_over(record, style, rng, colour):
    pages = classic(record, style, rng, colour)
    p = pages[0]
    p.seal(p.w * 0.72, 2000, 260, colour, alpha=70)
    p.signature(900, 1990, rng, width=700)
    return pages


def coloured_low_contrast(record, style, rng, colour):
    tint = tuple(int(235 - (255 - c) * 0.06) for c in colour)
    style = Style(style.family, style.date_style, style.name_style, style.body_name, ink=(85, 85, 95), paper=tint)
    f = fields(record, style)
    p = Page(style, landscape=True)
    for i in range(0, p.w, 60):  # a guilloche-like pattern behind the text
        p.draw.line((i, 0, i + 600, p.h), fill=tuple(max(0, c - 14) for c in tint), width=3)
    p.text(230, f["body"], 96, bold=True)
    p.text(430, "It is hereby certified that", 52)
    p.text(540, f["name"], 86, bold=True)
    p.text(720, "achieved", 52)
    y = p.wrap(820, f["title"], 60, bold=True, chars=55)
    p.text(y + 140, f"Certificate {f['number']}  |  {f['code']}  |  {f['date']}", 50)
    if f["uln"]:
        p.text(y + 240, f"ULN {f['uln']}", 50)
    return [p]


def wallet_card(record, style, rng, colour):
    f = fields(record, style)
    p = Page(style, size=(1200, 1900), landscape=True)
    p.draw.rounded_rectangle((20, 20, p.w - 20, p.h - 20), 60, outline=colour, width=10)
    p.draw.rectangle((20, 20, p.w - 20, 230), fill=colour)
    p.text(70, f["body"], 90, bold=True, x=80, fill=(255, 255, 255))
    rows = [("NAME", f["name"]), ("QUALIFICATION", f["title"]), ("CODE", f["code"]), ("NO", f["number"]),
            ("DATE", f["date"])]  # fmt: skip
    if f["uln"]:
        rows.insert(1, ("ULN", f["uln"]))
    y = 300
    for label, value in rows:
        p.text(y, label, 40, bold=True, x=80)
        y = p.wrap(y, value, 44, x=520, chars=52, gap=1.25) + 30
    return [p]


def cover_then_certificate(record, style, rng, colour):
    f = fields(record, style)
    cover = Page(style)
    cover.text(260, f["body"], 80, bold=True, x=200, fill=colour)
    cover.text(500, "Certificate enclosed", 60, bold=True, x=200)
    cover.wrap(640, "Please find your certificate on the following page. Keep it safe: replacement certificates "
               "are charged for.", 46, x=200, chars=70, gap=1.5)  # fmt: skip
    return [cover, *two_column(record, style, rng, colour)]


def month_year(record, style, rng, colour):
    style = Style(style.family, MONTH_ONLY, style.name_style, style.body_name)
    f = fields(record, style)
    p = Page(style)
    p.border(colour, margin=160, width=6)
    p.text(420, f["body"], 100, bold=True)
    p.text(700, "This is to confirm that", 52)
    p.text(810, f["name"], 86, bold=True)
    p.text(990, "completed", 52)
    y = p.wrap(1090, f["title"], 60, bold=True)
    p.text(y + 220, f"Month of award: {f['date']}", 52, x=330)
    p.text(y + 330, f"Serial number: {f['number']}", 52, x=330)
    p.text(y + 440, f"Unit reference: {f['code']}", 52, x=330)
    if f["uln"]:
        p.text(y + 550, f"Learner Number: {f['uln']}", 52, x=330)
    return [p]


def transcript(record, style, rng, colour):
    f = fields(record, style)
    p = Page(style)
    p.text(220, f["body"], 80, bold=True, x=220, fill=colour)
    p.text(420, "Statement of Results", 64, bold=True, x=220)
    p.text(600, f"Learner name: {f['name']}", 50, x=220)
    p.text(700, f"Learner date of birth: {f['dob']}", 50, x=220)
    p.text(800, f"Certificate no: {f['number']}", 50, x=220)
    p.wrap(960, f"Qualification: {f['code']} {f['title']}", 50, x=220, chars=60)
    p.text(1250, f"Certification date: {f['date']}", 50, x=220)
    if f["uln"]:
        p.text(1340, f"ULN: {f['uln']}", 50, x=220)
    top = 1450
    for i, unit in enumerate(["Health and safety", "Electrical science", "Installation", "Inspection and testing"]):
        p.text(top + i * 90, f"Unit {301 + i}   {unit}   Pass", 42, x=300)
    return [p]


LAYOUTS = {
    "classic": classic,
    "landscape-centre": landscape_centre,
    "two-column": two_column,
    "header-table": header_table,
    "labels-after": labels_after,
    "side-band": side_band,
    "letter": letter,
    "seal-over": seal_over,
    "coloured-low-contrast": coloured_low_contrast,
    "wallet-card": wallet_card,
    "cover-then-certificate": cover_then_certificate,
    "month-year": month_year,
    "transcript": transcript,
}
# Kept out of development: the parser was never tuned on these.
HELD_OUT = {"side-band", "letter", "wallet-card", "transcript"}
CONDITIONS = ["scan-jpeg", "scan-150", "png", "pdf", "phone-photo", "rotated-blurred"]


def _phone_photo(image: Image.Image, rng: random.Random) -> Image.Image:
    """Taken by a phone: the sheet on a darker table, in perspective, with a shadow across it."""
    w, h = image.size
    table = Image.new("RGB", (int(w * 1.15), int(h * 1.15)), (110, 95, 80))
    table.paste(image, (int(w * 0.075), int(h * 0.075)))
    tw, th = table.size
    d = int(min(tw, th) * 0.05)
    quad = (rng.randint(0, d), rng.randint(0, d), rng.randint(0, d), th - rng.randint(0, d),
            tw - rng.randint(0, d), th - rng.randint(0, d), tw - rng.randint(0, d), rng.randint(0, d))  # fmt: skip
    photo = table.transform((tw, th), Image.QUAD, quad, resample=Image.BICUBIC)
    shade = Image.linear_gradient("L").resize((tw, th)).rotate(rng.choice([0, 90, 180, 270]), expand=False)
    shade = shade.point(lambda v: 255 - int(v * 0.35))
    dark = Image.merge("RGB", [Image.composite(c, Image.new("L", (tw, th), 0), shade) for c in photo.split()])
    photo = Image.blend(photo, dark, 0.8)
    return photo.resize((int(tw * 0.55), int(th * 0.55)), Image.LANCZOS).filter(ImageFilter.GaussianBlur(0.6))


def render_case(record: dict, layout: str, rng: random.Random, *, condition: str | None = None, **chosen):
    """One certificate as uploaded: (bytes, content type, truth: the fields a perfect reading gives, what was
    chosen). `chosen` fixes any of the style's choices (family, date_style, name_style, body_name)."""
    style = Style(
        family=rng.choice(list(FAMILIES)),
        date_style=rng.choice(FULL_DATES),
        name_style=rng.choice(["plain", "plain", "caps", "surname-first", "title"]),
        body_name=rng.choice(BODY_NAMES[record["awarding_body"]]),
    )
    style = Style(**{**style.__dict__, **chosen})
    pages = [p.image for p in LAYOUTS[layout](record, style, rng, COLOURS[record["awarding_body"]])]
    condition = condition or rng.choice(CONDITIONS)
    if condition == "cover-pdf" or len(pages) > 1:
        condition = "pdf"
    dpi = {"scan-150": 150, "scan-jpeg": rng.choice([200, 300]), "png": 200, "pdf": rng.choice([150, 200, 300]),
           "rotated-blurred": 200, "phone-photo": 300}[condition]  # fmt: skip
    pages = [page.resize((int(page.width * dpi / 300), int(page.height * dpi / 300)), Image.LANCZOS) for page in pages]
    if condition == "rotated-blurred":
        pages = [p.rotate(rng.uniform(-4, 4), resample=Image.BICUBIC, expand=True, fillcolor="white")
                 .filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.1))) for p in pages]  # fmt: skip
    if condition == "scan-150":
        pages = [p.rotate(rng.uniform(-2, 2), resample=Image.BICUBIC, expand=True, fillcolor="white") for p in pages]
    if condition == "phone-photo":
        pages = [_phone_photo(p, rng) for p in pages]
    buffer = io.BytesIO()
    if condition == "pdf":
        pages[0].save(buffer, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
        content_type = "application/pdf"
    elif condition == "png":
        pages[0].convert("L").save(buffer, "PNG")
        content_type = "image/png"
    else:
        pages[0].save(buffer, "JPEG", quality=rng.randint(40, 70))
        content_type = "image/jpeg"
    month_only = layout == "month-year"
    truth = {
        "awarding_body": record["awarding_body"],
        "candidate_name": f"{record['candidate_first_name']} {record['candidate_last_name']}",
        "qualification_code": record["qualification_code"],
        "qualification_title": record["qualification_title"],
        "certificate_number": record["certificate_number"],
        "date_awarded": None if month_only else date.fromisoformat(record["date_awarded"]),
        "month_awarded": record["date_awarded"][:7],
        "learner_reference": uln_of(record),
    }
    return buffer.getvalue(), content_type, truth, {"condition": condition, "dpi": dpi, **style.__dict__}
