"""The one table of export sizes, formats, fits and scalings (the writer, the project file, the
export dialogs and the CLI all read it)."""
from __future__ import annotations

SIZES = {"native": None, "256": (256, 256), "512": (512, 512), "720p": (1280, 720), "1080p": (1920, 1080)}
FORMATS = ("mp4", "webm", "gif", "png")          # "png" is a PNG sequence (a folder)
FITS = ("letterbox", "crop")
SCALINGS = ("native", "pixel", "smooth")


def size_label(name: str) -> str:
    """What a size is called in a menu: "Native (model resolution)", "720p (1280 × 720)"."""
    wh = SIZES[name]
    if wh is None:
        return "Native (model resolution)"
    w, h = wh
    return f"{w} × {h}" if name.isdigit() else f"{name} ({w} × {h})"
