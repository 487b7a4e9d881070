"""The ECS photo guidance, as far as it can be judged without a face-recognition model.

Checks: a JPEG or PNG; at least 600 × 750 pixels; portrait proportions near 7:9 (passport style); a plain, light
background (the top and the sides above the shoulders are light and even); a face-sized region of skin tones near
the centre; neither too dark nor burnt out; in focus. Limits, honestly: skin is found by colour (YCbCr ranges), so
an unusual light or a skin-coloured background can fool it, and a second face is not detected. A person checks every
photo again at the JIB."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from PIL import Image, ImageFilter, ImageStat

from portal.documents.validators import bomb_guard, validate_image

MIN_WIDTH, MIN_HEIGHT = 600, 750
RATIO, RATIO_TOLERANCE = 7 / 9, 0.08
MAX_BYTES = 10 * 1024 * 1024


@dataclass
class PhotoCheck:
    reasons: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reasons


def _skin_fraction(image: Image.Image) -> float:
    ycbcr = image.convert("YCbCr")
    _, cb, cr = (channel.getdata() for channel in ycbcr.split())
    skin = sum(1 for b, r in zip(cb, cr, strict=True) if 77 <= b <= 127 and 133 <= r <= 173)
    return skin / max(1, image.width * image.height)


def photo_check(file) -> PhotoCheck:
    check = PhotoCheck()
    try:
        width, height = validate_image(file, max_bytes=MAX_BYTES, what="The photo")
    except ValidationError as exc:
        check.reasons.extend(exc.messages)
        return check
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        check.reasons.append(f"The photo is too small: it must be at least {MIN_WIDTH} × {MIN_HEIGHT} pixels.")
    if abs(width / height - RATIO) > RATIO_TOLERANCE:
        check.reasons.append("The photo must be portrait, in passport proportions (about 7 wide to 9 high).")
    if check.reasons and (width < MIN_WIDTH / 2 or height < MIN_HEIGHT / 2):
        return check  # too small to judge what it shows: the size is the one reason given
    with bomb_guard(), Image.open(file) as opened:
        # The checks look at the photo at most 420 × 540: a JPEG is decoded at a reduced scale (PNG cannot be).
        opened.draft("RGB", (2 * MIN_WIDTH, 2 * MIN_HEIGHT))
        image = opened.convert("RGB")
    file.seek(0)
    small = image.resize((140, 180))
    grey = small.convert("L")
    brightness = ImageStat.Stat(grey).mean[0]
    if brightness < 60:
        check.reasons.append("The photo is too dark.")
    elif brightness > 225:
        check.reasons.append("The photo is too bright: the face must be clearly visible.")
    # The background is judged above the shoulders: shoulders reaching the frame's edges are normal.
    # The top corners and the sides down to the shoulders (a large head may reach the top's middle).
    strips = [grey.crop((0, 0, 30, 18)), grey.crop((110, 0, 140, 18)), grey.crop((0, 0, 8, 72)),
              grey.crop((132, 0, 140, 72))]  # fmt: skip
    border = [ImageStat.Stat(strip) for strip in strips]
    if any(s.mean[0] < 150 for s in border) or any(s.stddev[0] > 28 for s in border):
        check.reasons.append("The background must be plain and light, with nothing behind the person.")
    centre = small.crop((35, 30, 105, 130))
    burnt = sum(grey.crop((35, 30, 105, 130)).histogram()[250:]) / (70 * 100)
    if burnt > 0.25 and not any("too bright" in r for r in check.reasons):
        check.reasons.append("The photo is too bright: the face must be clearly visible.")
    if _skin_fraction(centre) < 0.2:
        check.reasons.append(
            "We could not find a face in the middle of the photo: it must show the head and shoulders."
        )
    # Edge strength inside the frame (the frame itself always shows as an edge): a sharp photo has strong edges.
    edges = image.convert("L").resize((420, 540)).filter(ImageFilter.FIND_EDGES).crop((4, 4, 416, 536))
    if edges.getextrema()[1] < 64 or ImageStat.Stat(edges).var[0] < 15:
        check.reasons.append("The photo is blurred: it must be sharp and in focus.")
    return check
