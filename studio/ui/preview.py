"""The big preview: the frame under the playhead, zoomed to fit, pixel-exact or smooth.

Pixel-exact scaling snaps to a whole multiple of the frame size, so a 64x64 frame shows crisp
square pixels at 512 px and above. Dropping an image file on it asks to animate that image; dropping
a video or GIF asks what its Content Credentials say; dropping a song puts it under the clip.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from .player import to_qimage

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff")
VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".webm", ".gif")       # dropped: their Content Credentials are shown
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3")                  # dropped: the clip's music
ZOOMS = {"fit": 0, "100%": 1, "200%": 2, "400%": 4, "800%": 8}


class PreviewView(QWidget):
    imageDropped = Signal(str)
    videoDropped = Signal(str)
    audioDropped = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 200)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)   # a click leaves the prompt: Space and arrows play
        self.setToolTip("Drop an image here to animate it (image to video, VAE models), or a video or GIF to "
                        "see its Content Credentials")
        self.image: QImage | None = None
        self.scaling = "pixel"              # pixel, smooth or native (frames drawn at the shown size)
        self.zoom = 0                       # 0: fit, else a whole factor of the model's resolution
        self.base_res = 64                  # the model's resolution (native frames arrive larger)
        self.placeholder = ""
        self.caption = ""
        self._drop_hover = False

    # ------------------------------------------------------------------ state
    def set_frame(self, frame: np.ndarray | None) -> None:
        self.image = None if frame is None else to_qimage(frame)
        self.update()

    def set_scaling(self, scaling: str) -> None:
        self.scaling = scaling
        self.update()

    def set_zoom(self, zoom: int) -> None:
        self.zoom = int(zoom)
        self.update()

    def set_placeholder(self, text: str) -> None:
        self.placeholder = text
        self.update()

    def display_side(self, res: int) -> int:
        """The side, in widget pixels, at which a res x res frame is shown (fit, or the zoom)."""
        if self.zoom:
            return int(self.zoom * res)
        margin = 16
        return int(max(1, min(self.width() - 2 * margin, self.height() - 2 * margin - 18)))

    def image_rect(self) -> QRect:
        """Where the frame is drawn, in widget pixels."""
        if self.image is None:
            return QRect()
        w, h = self.image.width(), self.image.height()
        margin = 16
        avail_w, avail_h = max(1, self.width() - 2 * margin), max(1, self.height() - 2 * margin - 18)
        if self.zoom:
            scale = float(self.zoom) * (self.base_res / w if self.scaling == "native" else 1.0)
        else:
            scale = min(avail_w / w, avail_h / h)
            if self.scaling == "pixel" and scale >= 1:
                scale = float(int(scale))   # whole multiples keep every source pixel the same size
        dw, dh = max(1, round(w * scale)), max(1, round(h * scale))
        x = (self.width() - dw) // 2
        y = (self.height() - 18 - dh) // 2
        return QRect(x, y, dw, dh)

    # ------------------------------------------------------------------ painting
    def paintEvent(self, _e):                          # noqa: N802 (Qt name)
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#121317"))
        if self.image is not None:
            r = self.image_rect()
            p.save()
            shadow = r.adjusted(-1, -1, 1, 1)
            p.setPen(QPen(QColor("#2c2f3a"), 1))
            p.drawRect(shadow)
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.scaling != "pixel")
            p.drawImage(QRectF(r), self.image)
            p.restore()
            p.setPen(QColor("#6f7486"))
            small = QFont(self.font())
            small.setPointSizeF(8.5)
            p.setFont(small)
            factor = r.width() / self.image.width()
            mode = {"pixel": "pixel-exact", "smooth": "smooth"}.get(self.scaling, "native")
            if self.scaling == "native" and self.image.width() <= 128:
                mode = "native: drawing…"              # the model's own frame until the crisp one arrives
            text = f"{self.image.width()}×{self.image.height()}  ·  {factor:.3g}×  ·  {mode}"
            if self.caption:
                text = f"{self.caption}  ·  {text}"
            p.drawText(QRect(0, self.height() - 22, self.width(), 18), Qt.AlignmentFlag.AlignCenter, text)
        elif self.placeholder:
            p.setPen(QColor("#8d92a3"))
            big = QFont(self.font())
            big.setPointSizeF(12)
            p.setFont(big)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.placeholder)
        if self._drop_hover:
            p.setPen(QPen(QColor("#7c6cf2"), 3, Qt.PenStyle.DashLine))
            p.drawRect(self.rect().adjusted(4, 4, -5, -5))
        p.end()

    # ------------------------------------------------------------------ drop an image
    def _dropped(self, event) -> tuple:
        """(the signal a dropped file goes to, its path), or (None, "")."""
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        for url in urls:
            path = url.toLocalFile()
            if path.lower().endswith(IMAGE_SUFFIXES):
                return self.imageDropped, path
            if path.lower().endswith(VIDEO_SUFFIXES):
                return self.videoDropped, path
            if path.lower().endswith(AUDIO_SUFFIXES):
                return self.audioDropped, path
        return None, ""

    def dragEnterEvent(self, e):                       # noqa: N802 (Qt name)
        signal, path = self._dropped(e)
        if signal is self.audioDropped:
            from ..engine.audio_features import preload
            preload()                                  # librosa imports while the song is dragged
        if path:
            self._drop_hover = True
            self.update()
            e.acceptProposedAction()

    def dragLeaveEvent(self, _e):                      # noqa: N802 (Qt name)
        self._drop_hover = False
        self.update()

    def dropEvent(self, e):                            # noqa: N802 (Qt name)
        self._drop_hover = False
        self.update()
        signal, path = self._dropped(e)
        if path:
            e.acceptProposedAction()
            signal.emit(path)
