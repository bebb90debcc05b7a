"""The one image reader (the CLI's `animate --image`, the app's dropped image)."""
from __future__ import annotations

from pathlib import Path

from .errors import StudioError

IMAGE_KINDS = "PNG, JPEG, BMP, WebP, TIFF"


def read_image(path: str | Path):
    """uint8 RGB (H, W, 3); StudioError when the file is missing or not a readable image."""
    import cv2
    if not Path(path).is_file():
        raise StudioError(f"no such image: {path}")
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise StudioError(f"{path} is not an image that can be read ({IMAGE_KINDS})")
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
