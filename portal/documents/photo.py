"""The ECS photo guidance, as far as it can be judged without a face-recognition model.

Checks: a JPEG or PNG; at least 600 × 750 pixels; portrait proportions near 7:9 (passport style); a plain, light
background (the top corners light and even); a face-sized region of skin tones near the centre; neither too dark nor
burnt out (the face's darkest detail, its eyes and brows, still dark); in focus. Limits, honestly: skin is found by
colour (YCbCr ranges), so an unusual light or a skin-coloured background can fool it, and a second face is not
detected. A person checks every photo again at the JIB."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from PIL import Image, ImageChops, ImageFilter, ImageStat

from portal.documents.validators import bomb_guard, validate_image

MIN_WIDTH, MIN_HEIGHT = 600, 750
RATIO, RATIO_TOLERANCE = 7 / 9, 0.08
MAX_BYTES = 10 * 1024 * 1024
# Tuned on bench/photo_set.py's development set (bench/photo_bench.py reports it and a held-out set).
TOO_DARK = 70  # mean grey level of the whole photo
TOO_BRIGHT = 225  # ... above which the face must still read as skin
FACE_SKIN_WHEN_BRIGHT = 0.5
FACE_DARKEST_MAX = 55  # the darkest detail of the face (eyes, brows): dark in a photo exposed normally
BACKGROUND_MIN_LIGHT = 130  # each top-corner cell's mean grey level (a side light's shadow may darken one)
BACKGROUND_MAX_SPREAD = 12  # and its standard deviation
FACE_SKIN_SHARE = 0.2  # share of skin tones in the middle
FINE_DETAIL_SHARE = 0.09  # fine detail against coarse: sharp photos about 0.11 to 0.16, blurred under 0.07


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
    centre = small.crop((35, 30, 105, 130))
    skin = _skin_fraction(centre)
    # Exposure judged on the face itself, not on its colour: the eyes and brows are the darkest detail of any face
    # exposed normally (grey about 15 to 40), whatever the skin; lit far too brightly, even they turn grey. Looked
    # at 280 × 360, in the middle where a passport-style photo's eyes always are; a 3 × 3 median keeps a JPEG's odd
    # dark pixel from counting as an eye.
    face = image.convert("L").resize((280, 360)).crop((70, 60, 210, 260)).filter(ImageFilter.MedianFilter(3))
    darkest = face.getextrema()[0]
    if brightness < TOO_DARK:
        check.reasons.append("The photo is too dark.")
    elif darkest > FACE_DARKEST_MAX or (brightness > TOO_BRIGHT and skin < FACE_SKIN_WHEN_BRIGHT):
        # A face without dark detail (burnt out or washed out, whatever the skin: a medium-dark face lit twice too
        # brightly reads, by colour, as a fair face on white; its eyes do not), or a bright photo whose face has lost
        # its colour. The share of white in the middle is not judged: a white shirt below a small head fills it.
        check.reasons.append("The photo is too bright: the face must be clearly visible.")
    # The background is judged in the top corners, where a passport-style photo always shows it: hair, a head
    # covering and shoulders may reach the sides and the bottom of the frame. Four cells of 14 × 14 (at 140 × 180):
    # each must be light and even (a plain background's cells vary by a level or two; a pattern by tens).
    cells = [grey.crop((x, 0, x + 14, 14)) for x in (0, 126)]
    stats = [ImageStat.Stat(cell) for cell in cells]
    if any(s.mean[0] < BACKGROUND_MIN_LIGHT for s in stats) or any(s.stddev[0] > BACKGROUND_MAX_SPREAD for s in stats):
        check.reasons.append("The background must be plain and light, with nothing behind the person.")
    if skin < FACE_SKIN_SHARE:
        check.reasons.append(
            "We could not find a face in the middle of the photo: it must show the head and shoulders."
        )
    # Focus: edge strength inside the frame (the frame itself always shows as an edge), and the share of the detail
    # that is fine (within a pixel) rather than coarse (within six): an enlarged small photo has edges, but soft ones.
    sharp = image.convert("L").resize((420, 540))
    edges = sharp.filter(ImageFilter.FIND_EDGES).crop((4, 4, 416, 536))
    fine = ImageStat.Stat(
        ImageChops.difference(sharp, sharp.filter(ImageFilter.GaussianBlur(1))).crop((4, 4, 416, 536))
    )
    coarse = ImageStat.Stat(
        ImageChops.difference(sharp, sharp.filter(ImageFilter.GaussianBlur(6))).crop((4, 4, 416, 536))
    )
    soft = fine.mean[0] < FINE_DETAIL_SHARE * coarse.mean[0]
    if edges.getextrema()[1] < 64 or ImageStat.Stat(edges).var[0] < 15 or soft:
        check.reasons.append("The photo is blurred: it must be sharp and in focus.")
    return check
