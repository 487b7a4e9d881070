"""Generated applicant photos, acceptable and not, for measuring the photo guidance check.

    .venv/bin/python bench/photo_set.py [photos]

Acceptable: plain light backgrounds (white, grey, cream, pale blue, with a slight gradient and noise), heads of
several sizes (crown to chin 50 to 72% of the height), shoulders up to and past the frame's edges, glasses, several
skin tones and hair colours, normal lighting, JPEG or PNG. Not acceptable: a dark or a busy background, too dark,
burnt out, blurred, no face, landscape, too small. Prints false refusals (acceptable photos refused) and false
acceptances."""

import io
import os
import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")

SKIN = [(241, 200, 170), (224, 172, 140), (198, 140, 105), (160, 110, 80), (120, 80, 55)]
HAIR = [(60, 40, 30), (20, 20, 20), (150, 110, 60), (200, 170, 110), (120, 120, 120)]
LIGHT_BACKGROUNDS = [(245, 245, 245), (235, 235, 235), (225, 225, 228), (240, 235, 220), (220, 230, 240)]
FLAWS = ["dark-background", "busy-background", "too-dark", "burnt-out", "blurred", "no-face", "landscape", "tiny"]


def _person(image: Image.Image, rng: random.Random, *, head: float, shoulders: float, glasses: bool) -> None:
    draw = ImageDraw.Draw(image)
    w, h = image.size
    cx = w * rng.uniform(0.46, 0.54)
    top = h * rng.uniform(0.06, 0.14)
    bottom = top + h * head  # crown to chin
    half = h * head / 2.6
    clothing = rng.choice([(40, 50, 90), (30, 30, 30), (200, 200, 205), (120, 30, 40), (70, 90, 60)])
    spread = w * shoulders / 2
    draw.rounded_rectangle((cx - spread, bottom - h * 0.04, cx + spread, h + 20), radius=int(w * 0.12), fill=clothing)
    draw.rectangle((cx - half * 0.45, bottom - h * 0.08, cx + half * 0.45, bottom + h * 0.02), fill=SKIN[0])  # neck
    skin = rng.choice(SKIN)
    draw.rectangle((cx - half * 0.45, bottom - h * 0.08, cx + half * 0.45, bottom + h * 0.02), fill=skin)
    draw.ellipse((cx - half, top + half * 0.4, cx + half, bottom), fill=skin)
    draw.ellipse((cx - half * 1.05, top, cx + half * 1.05, top + half * 1.0), fill=rng.choice(HAIR))
    eyes = top + half * 1.35
    for side in (-1, 1):
        x = cx + side * half * 0.4
        draw.ellipse((x - w * 0.018, eyes - w * 0.011, x + w * 0.018, eyes + w * 0.011), fill=(40, 30, 30))
        if glasses:
            draw.ellipse((x - w * 0.06, eyes - w * 0.04, x + w * 0.06, eyes + w * 0.04), outline=(20, 20, 20), width=5)
    draw.line((cx - half * 0.3, top + half * 2.1, cx + half * 0.3, top + half * 2.1), fill=(150, 60, 60), width=6)


def photo(rng: random.Random, flaw: str = "") -> Image.Image:
    """A passport-style photo; `flaw` makes it one the guidance refuses."""
    size = (rng.choice([700, 800, 1050]), 0)
    size = (size[0], int(size[0] * 9 / 7))
    background = rng.choice(LIGHT_BACKGROUNDS)
    if flaw == "dark-background":
        background = rng.choice([(40, 40, 50), (90, 60, 40), (20, 60, 30)])
    image = Image.new("RGB", size, background)
    shade = Image.linear_gradient("L").resize(size).point(lambda v: int(v * rng.uniform(0.02, 0.07)))
    image = Image.composite(Image.new("RGB", size, (0, 0, 0)), image, shade)
    if flaw == "busy-background":
        draw = ImageDraw.Draw(image)
        for _ in range(300):
            x, y = rng.randrange(size[0]), rng.randrange(size[1])
            draw.rectangle((x, y, x + 40, y + 40), fill=tuple(rng.randrange(256) for _ in range(3)))
    if flaw != "no-face":
        # Crown to chin 50-72% of the height (UK passport photos: 64-76%).
        _person(image, rng, head=rng.uniform(0.5, 0.72), shoulders=rng.uniform(0.6, 1.4), glasses=rng.random() < 0.3)
    noise = Image.effect_noise(size, rng.uniform(2, 6)).convert("RGB")
    image = Image.blend(image, noise, 0.04)
    image = ImageEnhance.Brightness(image).enhance(rng.uniform(0.92, 1.06))
    if flaw == "too-dark":
        image = ImageEnhance.Brightness(image).enhance(0.2)
    elif flaw == "burnt-out":
        image = ImageEnhance.Brightness(image).enhance(2.6)
    elif flaw == "blurred":
        image = image.filter(ImageFilter.GaussianBlur(12))
    elif flaw == "landscape":
        image = image.resize((size[1], size[0]))
    elif flaw == "tiny":
        image = image.resize((210, 270))
    else:
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0, 0.8)))
    return image


def as_upload(image: Image.Image, rng: random.Random):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    if rng.random() < 0.8:
        image.save(buffer, "JPEG", quality=rng.randint(70, 95))
        return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")
    image.save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def measure(count: int, seed: int = 2026) -> dict:
    """False refusals and false acceptances of photo_check on `count` photos (two in three acceptable)."""
    from portal.documents.photo import photo_check

    rng = random.Random(seed)
    good = bad = refused = accepted = 0
    examples = []
    for n in range(count):
        flaw = "" if n % 3 else FLAWS[(n // 3) % len(FLAWS)]
        check = photo_check(as_upload(photo(rng, flaw), rng))
        if flaw:
            bad += 1
            if check.ok:
                accepted += 1
                examples.append(("accepted", flaw))
        else:
            good += 1
            if not check.ok:
                refused += 1
                examples.append(("refused", check.reasons))
    return {"acceptable": good, "unacceptable": bad, "false_refusals": refused, "false_acceptances": accepted,
            "examples": examples}  # fmt: skip


if __name__ == "__main__":
    import django

    django.setup()
    result = measure(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
    print(f"acceptable photos refused: {result['false_refusals']} of {result['acceptable']} "
          f"({result['false_refusals'] / result['acceptable'] * 100:.1f}%, target < 2%)")  # fmt: skip
    print(f"unacceptable photos accepted: {result['false_acceptances']} of {result['unacceptable']}")
    for example in result["examples"][:20]:
        print("  ", example)
