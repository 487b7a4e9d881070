"""The face hint of the delegate's verification: how many faces OpenCV's bundled frontal-face Haar cascade finds
in an image (the webcam photograph, the photo ID held to the camera).

It is a hint shown to the delegate and to the invigilator, never a decision: exactly one face is what a good
photograph shows; none or several asks for a second look. The invigilator decides.

    face_hint(data=upload.read()) -> FaceHint(faces=1, ok=True, message="One face is visible.")
"""

from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

# Images are scaled down to this width before detection: faster, and a webcam's noise matters less.
WORK_WIDTH = 640
CASCADE = "haarcascade_frontalface_default.xml"


@dataclass(frozen=True)
class FaceHint:
    faces: int | None  # None: the image could not be read
    ok: bool  # exactly one face
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


@lru_cache(maxsize=1)
def _cascade():
    import cv2

    path = Path(cv2.data.haarcascades) / CASCADE
    classifier = cv2.CascadeClassifier(str(path))
    if classifier.empty():
        raise RuntimeError(f"OpenCV's face cascade could not be loaded from {path}.")
    return classifier


def faces_in(image) -> list[tuple[int, int, int, int]]:
    """The faces found in a greyscale image (numpy array), as (x, y, width, height) boxes."""
    height, width = image.shape[:2]
    smallest = max(24, min(width, height) // 8)
    found = _cascade().detectMultiScale(image, scaleFactor=1.1, minNeighbors=6, minSize=(smallest, smallest))
    return [tuple(int(v) for v in box) for box in found]


def _greyscale(data: bytes):
    import cv2
    import numpy as np

    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_GRAYSCALE)
    if image is None or image.size == 0:
        return None
    height, width = image.shape[:2]
    if width > WORK_WIDTH:
        image = cv2.resize(image, (WORK_WIDTH, round(height * WORK_WIDTH / width)), interpolation=cv2.INTER_AREA)
    return cv2.equalizeHist(image)


def face_hint(*, data: bytes) -> FaceHint:
    """How many faces are visible in the image `data` (JPEG or PNG bytes), as a hint for a person."""
    image = _greyscale(data) if data else None
    if image is None:
        return FaceHint(faces=None, ok=False, message="The image could not be read. Take the photograph again.")
    count = len(faces_in(image))
    if count == 1:
        return FaceHint(faces=1, ok=True, message="One face is visible.")
    if count == 0:
        return FaceHint(
            faces=0,
            ok=False,
            message="No face could be seen. Face the camera in good light; the invigilator will check the photograph.",
        )
    return FaceHint(
        faces=count,
        ok=False,
        message=f"{count} faces could be seen. Only you should be in view; the invigilator will check the photograph.",
    )
