"""Where the app's resources live (repo `resources/`): icons, the stylesheet, example prompts."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PySide6.QtGui import QIcon

ROOT = Path(__file__).resolve().parents[2] / "resources"
ICONS = ROOT / "icons"


@lru_cache(maxsize=None)
def icon(name: str) -> QIcon:
    return QIcon(str(ICONS / f"{name}.svg"))


def stylesheet() -> str:
    path = ROOT / "style.qss"
    if not path.is_file():
        return ""
    return path.read_text(encoding="utf-8").replace("url(ICONS/", f"url({ICONS.as_posix()}/")


def example_prompts() -> list[str]:
    path = ROOT / "example_prompts.txt"
    if not path.is_file():
        return []
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
