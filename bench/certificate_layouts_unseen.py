"""Certificates in layouts the reader was never developed against, styled on how UK awarding bodies' certificates
look, with people and records of their own.

    render_case(record, layout, rng) -> (bytes, content_type, truth, meta)
    RECORDS: the records drawn (every qualification of the catalogue, names of many shapes)

Written apart from the reader (without reading it) to give an honest measure of how it generalises: measure on
these before changing the reader, and never change the reader for these layouts' exact words. Eight layouts: a
City & Guilds-style portrait with learner and centre numbers and a QR code; an EAL-style certificate with a unit
table (each unit with its own date); an AM2 result from the NET; a covering letter (dated) with the certificate on
page 2; a landscape certificate of labelled boxes (date of birth beside the date of award); a serif certificate
with the month of award only; an A5 certificate photographed on a table; a grey 150 dpi scan with a
"certified copy" stamp. NOCN's certificates print the learner's ULN (ten digits; added after the first
measurements, as real NOCN certificates print it). Fonts: condensed, light, mono and italic faces besides the
regular ones.
"""

import io
import random
from dataclasses import dataclass
from datetime import date, timedelta

from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

FONT_DIR = "/usr/share/fonts/truetype"
FAMILIES = {
    "dejavu-sans-condensed": ("dejavu/DejaVuSansCondensed.ttf", "dejavu/DejaVuSansCondensed-Bold.ttf"),
    "dejavu-serif-condensed": ("dejavu/DejaVuSerifCondensed.ttf", "dejavu/DejaVuSerifCondensed-Bold.ttf"),
    "dejavu-serif-italic": ("dejavu/DejaVuSerif-Italic.ttf", "dejavu/DejaVuSerif-BoldItalic.ttf"),
    "liberation-serif-italic": ("liberation/LiberationSerif-Italic.ttf", "liberation/LiberationSerif-BoldItalic.ttf"),
    "liberation-sans": ("liberation/LiberationSans-Regular.ttf", "liberation/LiberationSans-Bold.ttf"),
    "dejavu-sans-mono": ("dejavu/DejaVuSansMono.ttf", "dejavu/DejaVuSansMono-Bold.ttf"),
    "liberation-narrow": ("liberation/LiberationSansNarrow-Regular.ttf", "liberation/LiberationSansNarrow-Bold.ttf"),
}
LIGHT = "dejavu/DejaVuSans-ExtraLight.ttf"

CATALOGUE = [
    ("city-and-guilds", "2365-03", "Level 3 Diploma in Electrical Installations (Buildings and Structures)"),
    ("city-and-guilds", "2357-13", "Level 3 NVQ Diploma in Installing Electrotechnical Systems and Equipment"),
    ("city-and-guilds", "5357", "Level 3 Electrotechnical Qualification (Installation)"),
    ("city-and-guilds", "5357-M", "Level 3 Electrotechnical Qualification (Maintenance)"),
    ("city-and-guilds", "2382-22", "18th Edition Requirements for Electrical Installations BS 7671"),
    ("city-and-guilds", "2391-52", "Level 3 Award in Initial Verification and Periodic Inspection and Testing"),
    ("eal", "603/3895/8", "Level 3 Electrotechnical Qualification (Installation)"),
    ("eal", "501/1605/8", "Level 3 NVQ Diploma in Electrotechnical Services"),
    ("eal", "603/3417/5", "Level 3 Award in BS 7671 Requirements for Electrical Installations"),
    ("lcl-awards", "603/2426/1", "Level 3 Award in the Requirements for Electrical Installations BS 7671"),
    ("lcl-awards", "601/7345/4", "Level 3 Award in Inspection, Testing and Certification"),
    ("nocn", "603/0765/2", "Level 2 Diploma in Electrical Installation"),
    ("nocn", "601/5440/0", "Level 3 NVQ Diploma in Fire and Security Systems"),
    ("bpec", "600/3837/7", "Level 3 Award in the Installation of Electric Vehicle Charging Equipment"),
    ("net", "AM2", "AM2 Achievement Measurement"),
    ("net", "AM2S", "AM2S Achievement Measurement"),
]
NUMBER_PREFIX = {"city-and-guilds": "CG", "eal": "EAL", "lcl-awards": "LCL", "nocn": "NOC", "bpec": "BP"}
PEOPLE = [
    ("Siobhan", "O'Sullivan"), ("Gareth", "Llewellyn-Jones"), ("Mohammed", "Iqbal"), ("Aleksander", "Nowak"),
    ("Chloe", "McAllister"), ("Kwame", "Mensah"), ("Ruth", "Ng"), ("Sean", "Fitzgerald"), ("Amy", "Lee"),
    ("Daniel", "Fox"), ("Priya", "Chaudhary"), ("Liam", "MacDonald"), ("Rhys", "Ap Rhys"), ("Harriet", "Smith"),
    ("Callum", "Brown"), ("Oluwaseun", "Adeyemi"), ("Nathan", "Wood"), ("Bethany", "Clarke"), ("Jack", "Hill"),
    ("Tomasz", "Kowalski"), ("Connor", "D'Arcy"), ("Ellie-Mae", "Turner"), ("Ian", "Price"), ("Kieran", "Doyle"),
]  # fmt: skip
BODY_NAMES = {
    "city-and-guilds": ["City & Guilds", "City and Guilds of London Institute"],
    "eal": ["EAL", "Excellence, Achievement & Learning"],
    "lcl-awards": ["LCL Awards"],
    "nocn": ["NOCN", "NOCN Group"],
    "bpec": ["BPEC", "BPEC Certification"],
    "net": ["National Electrotechnical Training", "NET"],
}
COLOURS = {"city-and-guilds": (180, 20, 40), "eal": (10, 70, 140), "lcl-awards": (10, 110, 60),
           "nocn": (100, 40, 120), "bpec": (220, 110, 0), "net": (30, 50, 100)}  # fmt: skip
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]  # fmt: skip


def make_records(count: int = 120, seed: int = 515) -> list[dict]:
    rng = random.Random(seed)
    records = []
    for i in range(count):
        body, code, title = CATALOGUE[i % len(CATALOGUE)]
        first, last = PEOPLE[rng.randrange(len(PEOPLE))]
        awarded = date(2008, 1, 1) + timedelta(days=rng.randrange(17 * 365))
        born = awarded - timedelta(days=rng.randrange(18 * 365, 45 * 365))
        if body == "net":
            number = f"{code}{rng.randrange(100000, 999999)}"
        else:
            number = f"{NUMBER_PREFIX[body]}{rng.randrange(100000, 999999)}"
        records.append({"awarding_body": body, "certificate_number": number, "candidate_first_name": first,
                        "candidate_last_name": last, "date_of_birth": born.isoformat(), "qualification_code": code,
                        "qualification_title": title, "date_awarded": awarded.isoformat()})  # fmt: skip
    return records


RECORDS = make_records()


def ordinal(value: date) -> str:
    suffix = "th" if 11 <= value.day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(value.day % 10, "th")
    return f"{value.day}{suffix} {MONTHS[value.month - 1]} {value.year}"


DATE_STYLES = {
    "slash": lambda d: f"{d:%d/%m/%Y}",
    "dash": lambda d: f"{d:%d-%m-%Y}",
    "long": lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}",
    "long-padded": lambda d: f"{d:%d} {MONTHS[d.month - 1]} {d.year}",
    "ordinal": ordinal,
    "short-month": lambda d: f"{d.day} {MONTHS[d.month - 1][:3]} {d.year}",
    "caps-long": lambda d: f"{d.day} {MONTHS[d.month - 1].upper()} {d.year}",
}


def name_styles(first: str, last: str) -> dict:
    return {"plain": f"{first} {last}", "caps": f"{first} {last}".upper(), "surname-first": f"{last.upper()}, {first}",
            "surname-first-plain": f"{last}, {first}", "title": f"Mr {first} {last}"}  # fmt: skip


@dataclass
class Look:
    family: str
    date_style: str
    name_style: str
    body_name: str


class Sheet:
    """A page drawn at 300 dpi."""

    def __init__(self, look: Look, *, landscape=False, size=(2480, 3508), paper=(255, 255, 255)):
        self.w, self.h = (size[1], size[0]) if landscape else size
        self.image = Image.new("RGB", (self.w, self.h), paper)
        self.draw = ImageDraw.Draw(self.image)
        self.look = look

    def font(self, size, bold=False, light=False):
        if light:
            return ImageFont.truetype(f"{FONT_DIR}/{LIGHT}", int(size))
        regular, heavy = FAMILIES[self.look.family]
        return ImageFont.truetype(f"{FONT_DIR}/{heavy if bold else regular}", int(size))

    def put(self, xy, value, size, *, bold=False, light=False, fill=(0, 0, 0), anchor="la", max_width=None):
        f = self.font(size, bold, light)
        limit = max_width or self.w - 240
        w = self.draw.textlength(value, font=f)
        if w > limit:
            f = self.font(size * limit / w, bold, light)
        self.draw.text(xy, value, fill=fill, font=f, anchor=anchor)
        return self.draw.textlength(value, font=f)

    def centre(self, y, value, size, **kw):
        return self.put((self.w / 2, y), value, size, anchor="ma", **kw)

    def lines(self, x, y, value, size, *, chars=40, gap=1.3, anchor="la", **kw):
        words, out, line = value.split(), [], ""
        for word in words:
            if line and len(line) + len(word) + 1 > chars:
                out.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        out.append(line)
        for i, part in enumerate(out):
            self.put((x, y + i * size * gap), part, size, anchor=anchor, **kw)
        return y + len(out) * size * gap

    def qr(self, x, y, size, rng):
        cells, cell = 25, size / 25
        self.draw.rectangle((x, y, x + size, y + size), fill=(255, 255, 255))
        for r in range(cells):
            for c in range(cells):
                if rng.random() < 0.5:
                    self.draw.rectangle((x + c * cell, y + r * cell, x + (c + 1) * cell, y + (r + 1) * cell), fill=0)
        for fx, fy in ((0, 0), (cells - 7, 0), (0, cells - 7)):
            x0, y0 = x + fx * cell, y + fy * cell
            self.draw.rectangle((x0, y0, x0 + 7 * cell, y0 + 7 * cell), fill=(255, 255, 255))
            self.draw.rectangle((x0, y0, x0 + 7 * cell, y0 + 7 * cell), outline=(0, 0, 0), width=int(cell))
            self.draw.rectangle((x0 + 2 * cell, y0 + 2 * cell, x0 + 5 * cell, y0 + 5 * cell), fill=(0, 0, 0))

    def logo_box(self, x, y, text, colour, w=360, h=150):
        self.draw.rounded_rectangle((x, y, x + w, y + h), 24, outline=colour, width=6)
        self.put((x + w / 2, y + h / 2), text, 44, bold=True, fill=colour, anchor="mm", max_width=w - 30)

    def signature(self, x, y, rng, width=560, colour=(25, 35, 110)):
        points, px = [], x
        while px < x + width:
            points.append((px, y + rng.randint(-50, 50)))
            px += rng.randint(18, 40)
        self.draw.line(points, fill=colour, width=5, joint="curve")

    def stamp(self, cx, cy, text, colour, angle, rng, alpha=120):
        layer = Image.new("RGBA", (1100, 360), (0, 0, 0, 0))
        d = ImageDraw.Draw(layer)
        d.rounded_rectangle((10, 10, 1090, 350), 40, outline=(*colour, alpha), width=14)
        f = ImageFont.truetype(f"{FONT_DIR}/dejavu/DejaVuSans-Bold.ttf", 110)
        d.text((550, 180), text, fill=(*colour, alpha), font=f, anchor="mm")
        layer = layer.rotate(angle, expand=True, resample=Image.BICUBIC)
        base = self.image.convert("RGBA")
        base.alpha_composite(layer, (int(cx - layer.width / 2), int(cy - layer.height / 2)))
        self.image = base.convert("RGB")
        self.draw = ImageDraw.Draw(self.image)

    def watermark(self, text, colour, step=260):
        f = ImageFont.truetype(f"{FONT_DIR}/dejavu/DejaVuSans.ttf", 40)
        for row, y in enumerate(range(0, self.h, step)):
            x = -200 + (row % 2) * 180
            while x < self.w:
                self.draw.text((x, y), text, fill=colour, font=f)
                x += self.draw.textlength(text, font=f) + 120


def texts(record: dict, look: Look) -> dict:
    awarded = date.fromisoformat(record["date_awarded"])
    first, last = record["candidate_first_name"], record["candidate_last_name"]
    return {
        "name": name_styles(first, last)[look.name_style],
        "date": DATE_STYLES[look.date_style](awarded),
        "number": record["certificate_number"],
        "code": record["qualification_code"],
        "title": record["qualification_title"],
        "body": look.body_name,
        "dob": f"{date.fromisoformat(record['date_of_birth']):%d/%m/%Y}",
        "uln": str(random.Random(record["certificate_number"]).randrange(10**9, 10**10)),
        "centre": f"{random.Random(record['certificate_number'] + 'c').randrange(10000, 99999)}",
    }


def prints_uln(record: dict, layout: str) -> bool:
    """Whether the certificate prints the learner's ULN: NOCN's always (NOCN checks certificates by it); the City &
    Guilds-style portrait prints a learner number whatever the body."""
    return record["awarding_body"] == "nocn" or layout == "guilds-portrait"


# Layouts


def guilds_portrait(record, look, rng, colour):
    """Portrait: body at the top, "This is to certify that", the name, the qualification with its accreditation
    number, then a block of small numbers (learner, centre, certificate) and a QR code; footer logos."""
    t = texts(record, look)
    s = Sheet(look)
    s.draw.rectangle((0, 0, s.w, 60), fill=colour)
    s.put((200, 260), t["body"], 110, bold=True, fill=colour)
    s.centre(700, "This is to certify that", 58)
    s.centre(840, t["name"], 100, bold=True)
    s.centre(1030, "has been awarded", 58)
    y = s.lines(s.w / 2, 1160, t["title"], 70, bold=True, chars=36, anchor="ma")
    code = t["code"]
    if code == "5357":
        code = "5357-03"
    s.centre(y + 70, f"Accreditation No: {code}", 48)
    y += 420
    rows = [("Learner number", t["uln"]), ("Centre number", t["centre"]), ("Certificate number", t["number"]),
            ("Date of issue", t["date"])]  # fmt: skip
    for label, value in rows:
        s.put((260, y), label, 42)
        s.put((900, y), value, 42, bold=True)
        y += 90
    s.qr(s.w - 640, y - 380, 360, rng)
    s.signature(260, y + 300, rng)
    s.put((260, y + 400), "Chief Executive", 36)
    s.logo_box(260, s.h - 420, "ofqual", (60, 60, 60))
    s.logo_box(700, s.h - 420, "CCEA", (60, 60, 60), w=260)
    s.lines(1100, s.h - 420, "This qualification is regulated in England, Wales and Northern Ireland. "
            "Certificate authenticity can be checked online.", 30, chars=60)  # fmt: skip
    return [s], False


def unit_table(record, look, rng, colour):
    """EAL-like: the certificate number top right, the name as SURNAME, First, a table of units each with its own
    (earlier) achievement date, and the date of issue at the foot."""
    t = texts(record, look)
    awarded = date.fromisoformat(record["date_awarded"])
    s = Sheet(look)
    s.put((200, 200), t["body"], 96, bold=True, fill=colour)
    s.put((s.w - 200, 220), f"Cert No. {t['number']}", 44, anchor="ra")
    if prints_uln(record, "unit-table"):
        s.put((s.w - 200, 300), f"ULN {t['uln']}", 44, anchor="ra")
    s.put((200, 520), "This is to certify that", 52)
    s.put((200, 620), t["name"], 84, bold=True)
    s.put((200, 780), "has achieved the following qualification", 52)
    y = s.lines(200, 890, t["title"], 62, bold=True, chars=44)
    s.put((200, y + 30), f"Qualification Accreditation Number (QAN): {t['code']}", 46)
    top = y + 220
    cols = [200, 700, 1900]
    s.draw.rectangle((180, top - 20, s.w - 180, top + 80), fill=(*colour[:2], min(255, colour[2] + 80)))
    for x, label in zip(cols, ["Unit ref", "Unit title", "Achieved"], strict=True):
        s.put((x, top), label, 42, bold=True, fill=(255, 255, 255))
    units = ["Health, safety and welfare", "Principles of electrical science", "Electrical installations planning",
             "Inspection, testing and commissioning", "Fault diagnosis and rectification"]  # fmt: skip
    row = top + 130
    for i, unit in enumerate(units[: rng.randint(3, 5)]):
        when = awarded - timedelta(days=rng.randint(20, 400))
        s.put((cols[0], row), f"QEL{rng.randint(100, 999)}/{i + 1:03}", 38)
        s.put((cols[1], row), unit, 38, max_width=1150)
        s.put((cols[2], row), DATE_STYLES["slash"](when), 38)
        s.draw.line((180, row + 70, s.w - 180, row + 70), fill=(190, 190, 190), width=2)
        row += 100
    s.put((200, row + 150), f"Date of issue: {t['date']}", 50, bold=True)
    s.signature(1500, row + 330, rng)
    s.put((1500, row + 420), "Director of Quality", 36)
    s.put((200, s.h - 250), "Regulated by Ofqual. This certificate remains the property of the awarding "
          "organisation.", 30)  # fmt: skip
    return [s], False


def am2_result(record, look, rng, colour):
    """An NET-like result: landscape, "Candidate" and the name in capitals, the assessment centre (with an address),
    the candidate number and the date the assessment was passed."""
    t = texts(record, look)
    s = Sheet(look, landscape=True)
    s.draw.rectangle((0, 0, s.w, 300), fill=colour)
    s.put((200, 90), t["body"], 96, bold=True, fill=(255, 255, 255))
    s.put((s.w - 200, 120), t["title"], 56, fill=(255, 255, 255), anchor="ra")
    s.put((200, 480), "Achievement Measurement Result", 70, bold=True)
    rows = [("Candidate", name_styles(record["candidate_first_name"], record["candidate_last_name"])["caps"]),
            ("Candidate number", t["number"]),
            ("Assessment", f"{t['code']} - {t['title']}"),
            ("Assessment centre", "Midlands Skills Centre, Unit 4, Tame Road, Birmingham B6 7EZ"),
            ("Result", "PASS"),
            ("Assessment passed on", t["date"])]  # fmt: skip
    y = 720
    for label, value in rows:
        s.put((200, y), f"{label}:", 50, bold=True)
        s.put((1150, y), value, 50, max_width=s.w - 1400)
        y += 130
    s.signature(s.w - 900, y + 120, rng)
    s.put((s.w - 900, y + 220), "Head of Assessment", 36)
    s.put((200, s.h - 180), "Questions about this result: results@example.org.uk  01234 567890", 32)
    return [s], False


def covering_letter(record, look, rng, colour):
    """Page 1 a covering letter dated some weeks after the award; page 2 the certificate (labels below values)."""
    t = texts(record, look)
    awarded = date.fromisoformat(record["date_awarded"])
    letter = Sheet(look)
    letter.put((200, 220), t["body"], 80, bold=True, fill=colour)
    letter.put((200, 340), "Certification Team, 1 Giltspur Street, London EC1A 9DD", 36)
    letter.put((200, 600), DATE_STYLES["long"](awarded + timedelta(days=rng.randint(14, 60))), 44)
    letter.put((200, 760), f"Dear {record['candidate_first_name']}", 44)
    letter.lines(200, 880, "Congratulations on your achievement. Please find your certificate enclosed. Keep it "
                 "safe: a replacement certificate carries a charge. You can check your record online at any "
                 "time using the number on your certificate.", 44, chars=70, gap=1.5)  # fmt: skip
    letter.put((200, 1500), "Yours sincerely", 44)
    letter.signature(200, 1650, rng)
    letter.put((200, 1760), "Customer Services", 44)
    s = Sheet(look)
    s.draw.rectangle((100, 100, s.w - 100, s.h - 100), outline=colour, width=8)
    s.draw.rectangle((130, 130, s.w - 130, s.h - 130), outline=colour, width=3)
    s.centre(400, t["body"], 100, bold=True, fill=colour)
    y = 800
    rows = [(t["name"], "Learner", 86), (t["title"], "Qualification", 58),
            (t["code"], "Qualification number", 58), (t["number"], "Certificate serial", 58),
            (t["date"], "Awarded", 58)]  # fmt: skip
    if prints_uln(record, "covering-letter"):
        rows.insert(1, (t["uln"], "Unique Learner Number", 58))
    for value, label, size in rows:
        y = s.lines(s.w / 2, y, value, size, bold=True, chars=40, anchor="ma")
        s.put((s.w / 2, y + 20), label, 34, fill=(110, 110, 110), anchor="ma")
        y += 200
    return [letter, s], False


def boxes_landscape(record, look, rng, colour):
    """Landscape with labelled boxes, labels above the values in small capitals; the date of birth sits beside
    the date of award."""
    t = texts(record, look)
    s = Sheet(look, landscape=True, paper=(252, 250, 244))
    s.watermark(t["body"].upper(), (238, 234, 224))
    s.put((200, 180), t["body"], 90, bold=True, fill=colour)
    s.put((s.w - 200, 200), "CERTIFICATE OF ACHIEVEMENT", 60, bold=True, anchor="ra")
    boxes = [((200, 500, 1700, 760), "LEARNER NAME", t["name"]),
             ((1800, 500, 3300, 760), "DATE OF BIRTH", t["dob"]),
             ((200, 820, 3300, 1160), "QUALIFICATION TITLE", t["title"]),
             ((200, 1220, 1200, 1480), "QUALIFICATION NUMBER", t["code"]),
             ((1250, 1220, 2250, 1480), "CERTIFICATE NUMBER", t["number"]),
             ((2300, 1220, 3300, 1480), "DATE ACHIEVED", t["date"])]  # fmt: skip
    if prints_uln(record, "boxes-landscape"):
        boxes.append(((1250, 1560, 2250, 1820), "UNIQUE LEARNER NUMBER", t["uln"]))
    for (x0, y0, x1, y1), label, value in boxes:
        s.draw.rectangle((x0, y0, x1, y1), outline=(120, 120, 120), width=3, fill=(255, 255, 255))
        s.put((x0 + 30, y0 + 20), label, 30, bold=True, fill=(100, 100, 100))
        s.lines(x0 + 30, y0 + 90, value, 56, chars=int((x1 - x0) / 34), max_width=x1 - x0 - 60)
    s.signature(2600, 1800, rng)
    s.put((2600, 1900), "Authorised signatory", 34)
    s.qr(200, 1650, 380, rng)
    return [s], False


def month_serif(record, look, rng, colour):
    """Serif, centred, "hereby certifies that", the month of award only ("Awarded March 2020")."""
    t = texts(record, look)
    awarded = date.fromisoformat(record["date_awarded"])
    s = Sheet(look, paper=(255, 253, 245))
    for inset, width in ((90, 18), (140, 4)):
        s.draw.rectangle((inset, inset, s.w - inset, s.h - inset), outline=colour, width=width)
    s.centre(420, t["body"], 110, bold=True)
    s.centre(620, "hereby certifies that", 54)
    s.centre(750, t["name"], 96, bold=True)
    s.centre(940, "has successfully completed", 54)
    y = s.lines(s.w / 2, 1060, t["title"], 66, bold=True, chars=38, anchor="ma")
    s.centre(y + 40, f"({t['code']})", 50)
    s.centre(y + 300, f"Awarded {MONTHS[awarded.month - 1]} {awarded.year}", 56)
    s.centre(y + 400, f"Certificate serial: {t['number']}", 48)
    if prints_uln(record, "month-serif"):
        s.centre(y + 500, f"ULN: {t['uln']}", 48)
    s.signature(300, y + 800, rng)
    s.signature(1600, y + 800, rng)
    s.put((300, y + 900), "Chair", 36)
    s.put((1600, y + 900), "Chief Executive", 36)
    return [s], True


def a5_photo(record, look, rng, colour):
    """An A5 landscape certificate (photographed on a table later): wording in a sentence."""
    t = texts(record, look)
    s = Sheet(look, size=(1748, 2480), landscape=True)
    s.draw.rectangle((40, 40, s.w - 40, s.h - 40), outline=colour, width=20)
    s.centre(150, t["body"], 90, bold=True, fill=colour)
    s.centre(330, "Certificate", 70)
    s.centre(480, t["name"], 84, bold=True)
    y = s.lines(s.w / 2, 640, f"has achieved the {t['title']} ({t['code']})", 50, chars=60, anchor="ma")
    s.put((200, y + 160), f"Issued on {t['date']}", 48)
    if prints_uln(record, "a5-photo"):
        s.put((200, y + 40), f"Learner number: {t['uln']}", 44)
    s.put((s.w - 200, y + 160), f"Certificate no: {t['number']}", 48, anchor="ra")
    s.signature(s.w / 2 - 250, y + 360, rng, width=500)
    return [s], False


def stamped_copy(record, look, rng, colour):
    """Two columns of label and value, a "CERTIFIED COPY" stamp across them and a signature through the date."""
    t = texts(record, look)
    s = Sheet(look)
    s.draw.ellipse((s.w / 2 - 150, 150, s.w / 2 + 150, 450), outline=colour, width=16)
    s.centre(480, t["body"], 96, bold=True)
    s.centre(640, "Certificate", 80)
    rows = [("Name", t["name"]), ("Qualification", t["title"]), ("Qualification code", t["code"]),
            ("Certificate No", t["number"]), ("Date of award", t["date"])]  # fmt: skip
    if prints_uln(record, "stamped-copy"):
        rows.insert(1, ("ULN", t["uln"]))
    y = 1000
    for label, value in rows:
        s.put((220, y), label, 48, bold=True)
        y = max(y + 130, s.lines(1000, y, value, 50, chars=34) + 60)
    s.stamp(s.w / 2 + 200, 1500, "CERTIFIED COPY", (40, 60, 160), rng.uniform(-25, -10), rng, alpha=90)
    s.signature(1150, y - 180, rng, width=380, colour=(30, 30, 30))
    s.put((220, y + 250), "Copy certified by the centre. Original seen.", 36)
    return [s], False


LAYOUTS = {
    "guilds-portrait": guilds_portrait,
    "unit-table": unit_table,
    "am2-result": am2_result,
    "covering-letter": covering_letter,
    "boxes-landscape": boxes_landscape,
    "month-serif": month_serif,
    "a5-photo": a5_photo,
    "stamped-copy": stamped_copy,
}


def records_for(layout: str) -> list[dict]:
    """The records a layout is drawn with: the AM2 result is the NET's only."""
    return [r for r in RECORDS if layout != "am2-result" or r["awarding_body"] == "net"]


CONDITIONS = ["jpeg-300", "scan-150-grey", "pdf", "phone-photo", "rotated-blurred", "png-200"]


def _phone(image: Image.Image, rng: random.Random, *, megapixels: float) -> Image.Image:
    w, h = image.size
    table = Image.new("RGB", (int(w * 1.25), int(h * 1.25)), (rng.randint(60, 140), rng.randint(50, 110), 70))
    table.paste(image, (int(w * 0.125), int(h * 0.125)))
    tw, th = table.size
    d = int(min(tw, th) * 0.07)
    quad = (rng.randint(0, d), rng.randint(0, d), rng.randint(0, d), th - rng.randint(0, d),
            tw - rng.randint(0, d), th - rng.randint(0, d), tw - rng.randint(0, d), rng.randint(0, d))  # fmt: skip
    photo = table.transform((tw, th), Image.QUAD, quad, resample=Image.BICUBIC)
    photo = photo.rotate(rng.uniform(-3, 3), resample=Image.BICUBIC, fillcolor=(80, 70, 60))
    mask = Image.new("L", (tw, th), 0)
    md = ImageDraw.Draw(mask)
    cx, cy = rng.uniform(0, tw), rng.uniform(0, th)
    md.ellipse((cx - tw * 0.6, cy - th * 0.5, cx + tw * 0.6, cy + th * 0.5), fill=110)
    mask = mask.filter(ImageFilter.GaussianBlur(tw / 12))
    photo = Image.composite(Image.new("RGB", (tw, th), (25, 25, 30)), photo, mask)
    warm = Image.new("RGB", (tw, th), (255, 230, 190))
    photo = Image.blend(photo, warm, 0.08)
    scale = (megapixels * 1_000_000 / (tw * th)) ** 0.5
    return photo.resize((int(tw * scale), int(th * scale)), Image.LANCZOS).filter(ImageFilter.GaussianBlur(0.7))


def render_case(record: dict, layout: str, rng: random.Random, *, condition: str | None = None, **chosen):
    body = record["awarding_body"]
    look = Look(family=rng.choice(list(FAMILIES)), date_style=rng.choice(list(DATE_STYLES)),
                name_style=rng.choice(["plain", "plain", "caps", "surname-first", "surname-first-plain", "title"]),
                body_name=rng.choice(BODY_NAMES[body]))  # fmt: skip
    look = Look(**{**look.__dict__, **chosen})
    drawn, month_only = LAYOUTS[layout](record, look, rng, COLOURS[body])
    pages = [p.image for p in drawn]
    condition = condition or ("phone-photo" if layout == "a5-photo" else rng.choice(CONDITIONS))
    if len(pages) > 1:
        condition = "pdf"
    dpi = {"jpeg-300": 300, "scan-150-grey": 150, "pdf": rng.choice([150, 200, 300]), "phone-photo": 300,
           "rotated-blurred": 200, "png-200": 200}[condition]  # fmt: skip
    pages = [p.resize((int(p.width * dpi / 300), int(p.height * dpi / 300)), Image.LANCZOS) for p in pages]
    if condition == "scan-150-grey":
        grey = [ImageOps.autocontrast(p.convert("L"), cutoff=1).point(lambda v: min(255, v + 18)) for p in pages]
        pages = [p.rotate(rng.uniform(-3, 3), resample=Image.BICUBIC, expand=True, fillcolor=235) for p in grey]
    if condition == "rotated-blurred":
        pages = [p.rotate(rng.uniform(-5, 5), resample=Image.BICUBIC, expand=True, fillcolor="white")
                 .filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.2))) for p in pages]  # fmt: skip
    if condition == "phone-photo":
        pages = [_phone(p, rng, megapixels=rng.choice([3, 8, 12])) for p in pages]
    buffer = io.BytesIO()
    if condition == "pdf":
        pages[0].save(buffer, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
        content_type = "application/pdf"
    elif condition == "png-200":
        pages[0].save(buffer, "PNG")
        content_type = "image/png"
    else:
        pages[0].save(buffer, "JPEG", quality=rng.randint(40, 70))
        content_type = "image/jpeg"
    truth = {
        "awarding_body": body,
        "candidate_name": f"{record['candidate_first_name']} {record['candidate_last_name']}",
        "qualification_code": record["qualification_code"],
        "qualification_title": record["qualification_title"],
        "certificate_number": record["certificate_number"],
        "date_awarded": None if month_only else date.fromisoformat(record["date_awarded"]),
        "month_awarded": record["date_awarded"][:7],
        "learner_reference": texts(record, look)["uln"] if prints_uln(record, layout) else "",
    }
    return buffer.getvalue(), content_type, truth, {"condition": condition, "dpi": dpi, **look.__dict__}
