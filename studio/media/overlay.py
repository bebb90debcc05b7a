"""Titles and captions drawn onto exported frames (for lesson videos)."""
from __future__ import annotations

import cv2
import numpy as np


def _draw_text(img: np.ndarray, text: str, y_frac: float, scale_frac: float) -> None:
    h, w = img.shape[:2]
    scale = max(0.3, h * scale_frac / 22)
    thick = max(1, int(round(scale * 1.5)))
    font = cv2.FONT_HERSHEY_SIMPLEX
    (tw, th), base = cv2.getTextSize(text, font, scale, thick)
    while tw > w * 0.94 and scale > 0.3:
        scale *= 0.9
        (tw, th), base = cv2.getTextSize(text, font, scale, thick)
    x, y = (w - tw) // 2, int(h * y_frac) + th // 2
    pad = max(2, th // 3)
    sub = img[max(0, y - th - pad):min(h, y + base + pad), max(0, x - pad):min(w, x + tw + pad)]
    sub[:] = (sub * 0.45).astype(np.uint8)
    cv2.putText(img, text, (x, y), font, scale, (255, 255, 255), thick, cv2.LINE_AA)


def text_overlay(title: str | None, caption: str | None, frames: int, fps: int):
    """A function (frame, index) -> frame, or None when there is nothing to draw."""
    if not title and not caption:
        return None
    title_frames = max(1, fps)

    def draw(frame: np.ndarray, i: int) -> np.ndarray:
        img = frame.copy()
        if title and i < title_frames:
            _draw_text(img, title, 0.18, 0.09)
        if caption:
            _draw_text(img, caption, 0.88, 0.06)
        return img
    return draw
