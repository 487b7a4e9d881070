"""Generated applicant photos, acceptable and not, for measuring the photo guidance check (bench/photo_bench.py).

Acceptable: plain light backgrounds (white, greys, cream, pale blue, pale green; flat, a gradient or a soft
vignette, with noise), ten skin tones from very light to very dark, hair of several colours and styles (short,
long, none, a head covering), beards, glasses (thin or heavy frames, a glint on the lenses), heads of many sizes
(crown to chin 45 to 78% of the height) and positions, shoulders narrow to past the frame's edges, lighting even,
warm, cool, dim, bright or from one side, JPEG (quality 60 to 95) or PNG, three sizes.

Not acceptable: a dark background (of many colours), a busy one (patches, stripes as of a bookshelf, leaves), too
dark, burnt out (every skin tone), blurred (strongly, or a small photo enlarged), no face (an empty frame, a document
held up), landscape, too small (several sizes).

Each photo is made from its own seed (`photo_set(seed, …)`), so a set is the same on every machine and run, and the
development set and the held-out set (another seed) share no photo."""

import io
import os
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")

# Very light to very dark (the Fitzpatrick range, lit normally).
SKIN = [(246, 214, 190), (241, 200, 170), (234, 188, 156), (224, 172, 140), (208, 152, 118), (190, 134, 98),
        (160, 110, 80), (135, 90, 62), (108, 72, 50), (84, 56, 40)]  # fmt: skip
HAIR = [(60, 40, 30), (20, 20, 20), (35, 25, 20), (150, 110, 60), (200, 170, 110), (120, 120, 120), (170, 70, 40),
        (225, 225, 220)]  # fmt: skip
LIGHT_BACKGROUNDS = [(245, 245, 245), (252, 252, 250), (235, 235, 235), (225, 225, 228), (214, 216, 218),
                     (240, 235, 220), (232, 226, 210), (220, 230, 240), (210, 222, 236), (222, 234, 222)]  # fmt: skip
DARK_BACKGROUNDS = [(40, 40, 50), (90, 60, 40), (20, 60, 30), (25, 35, 80), (10, 10, 10), (80, 80, 85),
                    (110, 40, 40), (60, 70, 90)]  # fmt: skip
CLOTHING = [(40, 50, 90), (30, 30, 30), (200, 200, 205), (120, 30, 40), (70, 90, 60), (245, 245, 245), (90, 90, 95),
            (180, 140, 90)]  # fmt: skip
SCARVES = [(20, 20, 25), (60, 40, 90), (30, 70, 110), (150, 40, 60), (210, 200, 180)]
LIGHTING = ["even", "even", "warm", "cool", "dim", "bright", "side"]
FLAWS = ["dark-background", "busy-background", "too-dark", "burnt-out", "blurred", "no-face", "landscape", "tiny"]


@dataclass
class Photo:
    image: Image.Image
    flaw: str  # "" for an acceptable photo
    notes: str  # what it shows, for the bench's examples


def _shade(colour, factor: float) -> tuple:
    return tuple(max(0, min(255, int(c * factor))) for c in colour)


def _background(rng: random.Random, size, colour) -> Image.Image:
    image = Image.new("RGB", size, colour)
    kind = rng.choice(["flat", "gradient", "vignette"])
    if kind == "flat":
        return image
    depth = rng.uniform(0.02, 0.08) if kind == "gradient" else rng.uniform(0.03, 0.09)
    ramp = Image.linear_gradient("L") if kind == "gradient" else Image.radial_gradient("L")
    shade = ramp.resize(size).point(lambda v: int(v * depth))
    return Image.composite(Image.new("RGB", size, (0, 0, 0)), image, shade)


def _person(image: Image.Image, rng: random.Random, *, skin) -> str:
    draw = ImageDraw.Draw(image)
    w, h = image.size
    head = rng.uniform(0.45, 0.78)  # crown to chin, share of the height (UK passport photos: 64-76%)
    cx = w * rng.uniform(0.43, 0.57)
    top = h * rng.uniform(0.03, 0.14)
    top = min(top, h * (0.97 - head - 0.12))  # the chin and a little of the neck stay in the frame
    bottom = top + h * head
    half = h * head / 2.6
    shoulders = rng.uniform(0.5, 1.6)
    spread = w * shoulders / 2
    clothing = rng.choice(CLOTHING)
    hair = rng.choice(HAIR)
    style = rng.choice(["short", "short", "long", "none", "covering"])
    if style == "covering":
        hair = rng.choice(SCARVES)
    draw.rounded_rectangle((cx - spread, bottom - h * 0.04, cx + spread, h + 20), radius=int(w * 0.12), fill=clothing)
    if style == "long":
        box = (cx - half * 1.15, top + half * 0.3, cx + half * 1.15, bottom + h * 0.05)
        draw.rounded_rectangle(box, radius=int(half * 0.6), fill=hair)
    if style == "covering":
        box = (cx - half * 1.25, top - h * 0.01, cx + half * 1.25, bottom + h * 0.07)
        draw.rounded_rectangle(box, radius=int(half * 0.9), fill=hair)
    draw.rectangle((cx - half * 0.45, bottom - h * 0.08, cx + half * 0.45, bottom + h * 0.02), fill=_shade(skin, 0.9))
    draw.ellipse((cx - half, top + half * 0.4, cx + half, bottom), fill=skin)
    if style in ("short", "long"):
        draw.ellipse((cx - half * 1.05, top, cx + half * 1.05, top + half * rng.uniform(0.8, 1.1)), fill=hair)
    elif style == "none":
        draw.ellipse((cx - half * 0.95, top + half * 0.1, cx + half * 0.95, top + half * 1.0), fill=_shade(skin, 1.05))
    eyes = top + half * 1.35
    glasses = rng.random() < 0.4
    beard = rng.random() < 0.2 and style != "covering"
    if beard:
        draw.chord((cx - half * 0.85, top + half * 1.6, cx + half * 0.85, bottom), 0, 180, fill=hair)
    frame = rng.choice([(20, 20, 20), (90, 60, 30), (150, 150, 155)])
    width = rng.choice([3, 5, 9])
    for side in (-1, 1):
        x = cx + side * half * 0.4
        draw.ellipse((x - w * 0.018, eyes - w * 0.011, x + w * 0.018, eyes + w * 0.011), fill=(40, 30, 30))
        draw.line((x - w * 0.03, eyes - w * 0.03, x + w * 0.03, eyes - w * 0.03), fill=_shade(hair, 0.8), width=4)
        if glasses:
            draw.ellipse((x - w * 0.06, eyes - w * 0.04, x + w * 0.06, eyes + w * 0.04), outline=frame, width=width)
            if rng.random() < 0.3:
                draw.ellipse((x + w * 0.01, eyes - w * 0.03, x + w * 0.03, eyes - w * 0.015), fill=(250, 250, 250))
    draw.line((cx - half * 0.3, top + half * 2.1, cx + half * 0.3, top + half * 2.1), fill=(150, 60, 60), width=6)
    return (
        f"head {head:.2f}, shoulders {shoulders:.1f}, hair {style}"
        + (", glasses" if glasses else "")
        + (", beard" if beard else "")
    )


def _light(image: Image.Image, rng: random.Random, lighting: str) -> Image.Image:
    if lighting == "warm":
        r, g, b = image.split()
        image = Image.merge("RGB", (r.point(lambda v: min(255, int(v * 1.05))), g, b.point(lambda v: int(v * 0.9))))
    elif lighting == "cool":
        r, g, b = image.split()
        image = Image.merge("RGB", (r.point(lambda v: int(v * 0.93)), g, b.point(lambda v: min(255, int(v * 1.06)))))
    elif lighting == "side":
        ramp = Image.linear_gradient("L").rotate(rng.choice([90, -90])).resize(image.size)
        depth = rng.uniform(0.12, 0.25)
        shadow = ramp.point(lambda v: int(v * depth))
        image = Image.composite(Image.new("RGB", image.size, (0, 0, 0)), image, shadow)
    factor = {"dim": rng.uniform(0.82, 0.9), "bright": rng.uniform(1.08, 1.16)}.get(lighting, rng.uniform(0.93, 1.06))
    return ImageEnhance.Brightness(image).enhance(factor)


def _busy(image: Image.Image, rng: random.Random) -> str:
    draw = ImageDraw.Draw(image)
    w, h = image.size
    kind = rng.choice(["patches", "shelves", "leaves"])
    if kind == "patches":
        for _ in range(300):
            x, y = rng.randrange(w), rng.randrange(h)
            draw.rectangle((x, y, x + 40, y + 40), fill=tuple(rng.randrange(256) for _ in range(3)))
    elif kind == "shelves":
        x = 0
        while x < w:
            step = rng.randint(12, 40)
            draw.rectangle((x, 0, x + step, h), fill=tuple(rng.randrange(30, 230) for _ in range(3)))
            x += step
        for y in range(0, h, h // 4):
            draw.rectangle((0, y, w, y + 12), fill=(90, 60, 30))
    else:
        for _ in range(160):
            x, y, r = rng.randrange(w), rng.randrange(h), rng.randint(15, 60)
            leaf = (rng.randint(20, 90), rng.randint(80, 170), rng.randint(20, 80))
            draw.ellipse((x - r, y - r, x + r, y + r), fill=leaf)
    return f"busy background ({kind})"


def _document(image: Image.Image, rng: random.Random) -> str:
    """A sheet of paper with lines of text held up in front of the camera, no one in the frame."""
    draw = ImageDraw.Draw(image)
    w, h = image.size
    left, top = w * rng.uniform(0.15, 0.3), h * rng.uniform(0.2, 0.35)
    right, bottom = w - w * rng.uniform(0.15, 0.3), h - h * rng.uniform(0.05, 0.2)
    draw.rectangle((left, top, right, bottom), fill=(250, 250, 246), outline=(120, 120, 120), width=3)
    y = top + h * 0.05
    while y < bottom - h * 0.05:
        draw.line((left + w * 0.05, y, right - w * rng.uniform(0.05, 0.3), y), fill=(40, 40, 40), width=5)
        y += h * 0.03
    return "a document held up"


def photo(rng: random.Random, flaw: str = "") -> Photo:
    """A passport-style photo; `flaw` makes it one the guidance refuses."""
    width = rng.choice([700, 800, 1050])
    size = (width, int(width * 9 / 7))
    background = rng.choice(DARK_BACKGROUNDS if flaw == "dark-background" else LIGHT_BACKGROUNDS)
    image = _background(rng, size, background)
    notes = []
    if flaw == "busy-background":
        notes.append(_busy(image, rng))
    skin = rng.choice(SKIN)
    notes.append(f"skin {SKIN.index(skin)}")
    if flaw == "no-face":
        if rng.random() < 0.5:
            notes.append(_document(image, rng))
        else:
            notes.append("an empty frame")
    else:
        notes.append(_person(image, rng, skin=skin))
    noise = Image.effect_noise(size, rng.uniform(2, 6)).convert("RGB")
    image = Image.blend(image, noise, 0.04)
    lighting = rng.choice(LIGHTING)
    if not flaw:
        notes.append(f"lighting {lighting}")
    image = _light(image, rng, lighting if not flaw else "even")
    if flaw == "too-dark":
        image = ImageEnhance.Brightness(image).enhance(rng.uniform(0.15, 0.35))
    elif flaw == "burnt-out":
        image = ImageEnhance.Brightness(image).enhance(rng.uniform(2.2, 3.0))
    elif flaw == "blurred":
        if rng.random() < 0.6:
            image = image.filter(ImageFilter.GaussianBlur(rng.uniform(8, 16)))
        else:  # a small photo enlarged
            small = image.resize((size[0] // 7, size[1] // 7), Image.BILINEAR)
            image = small.resize(size, Image.BICUBIC)
    elif flaw == "landscape":
        if rng.random() < 0.5:
            image = image.resize((size[1], size[0]))
        else:
            wide = _background(rng, (size[1], size[0]), background)
            wide.paste(image.crop((0, 0, size[0], size[0])), ((size[1] - size[0]) // 2, 0))
            image = wide
    elif flaw == "tiny":
        small = rng.choice([(140, 180), (210, 270), (280, 360), (420, 540), (560, 720)])
        image = image.resize(small)
    else:
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0, 0.8)))
    return Photo(image, flaw, ", ".join(notes))


def as_upload(image: Image.Image, rng: random.Random):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    if rng.random() < 0.8:
        image.save(buffer, "JPEG", quality=rng.randint(60, 95))
        return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")
    image.save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def photo_set(seed: int, *, acceptable: int, unacceptable: int):
    """`acceptable` good photos and `unacceptable` flawed ones (the flaws in turn), each from its own seed, as
    (Photo, upload)."""
    for n in range(acceptable + unacceptable):
        rng = random.Random(f"{seed}-{n}")
        flaw = FLAWS[(n - acceptable) % len(FLAWS)] if n >= acceptable else ""
        made = photo(rng, flaw)
        yield made, as_upload(made.image, rng)


def save_samples(folder: Path, seed: int, count: int) -> None:
    """Write a few of the photos as files, to look at."""
    folder.mkdir(parents=True, exist_ok=True)
    for n, (made, upload) in enumerate(photo_set(seed, acceptable=count, unacceptable=len(FLAWS))):
        name = f"{n:03d}-{made.flaw or 'ok'}.{upload.name.rsplit('.', 1)[1]}"
        (folder / name).write_bytes(upload.read())


if __name__ == "__main__":
    save_samples(Path(sys.argv[1] if len(sys.argv) > 1 else "var/photo_samples"), 2026, 12)
    print("photos written; measure the check with bench/photo_bench.py")
