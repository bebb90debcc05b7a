import cv2
import numpy as np


def fit_square(image: np.ndarray, res: int, mode: str = "crop") -> np.ndarray:
    """Any RGB image -> uint8 (res, res, 3): centre crop (or pad with edge colour) then area resize."""
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, 2)
    image = image[..., :3]
    h, w = image.shape[:2]
    if mode == "crop":
        s = min(h, w)
        y, x = (h - s) // 2, (w - s) // 2
        image = image[y:y + s, x:x + s]
    else:
        s = max(h, w)
        image = cv2.copyMakeBorder(image, (s - h) // 2, s - h - (s - h) // 2, (s - w) // 2, s - w - (s - w) // 2,
                                   cv2.BORDER_REPLICATE)
    interp = cv2.INTER_AREA if image.shape[0] > res else cv2.INTER_CUBIC
    return np.ascontiguousarray(cv2.resize(image, (res, res), interpolation=interp))
