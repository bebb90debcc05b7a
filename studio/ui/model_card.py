"""The current model's card (its model.json) as readable text, for Help > Model Card."""
from __future__ import annotations

import html

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout

FIRST = ("family", "conditioning", "resolution", "frames", "fps")
HIDDEN = ("format", "version", "config", "directions")


def _value(v, depth: int = 0) -> str:
    if isinstance(v, dict):
        if not v:
            return "<i>none</i>"
        rows = "".join(f"<tr><td style='color:#8d92a3;padding-right:12px;vertical-align:top'>{html.escape(str(k))}"
                       f"</td><td>{_value(x, depth + 1)}</td></tr>" for k, x in v.items())
        return f"<table cellspacing='0' cellpadding='1'>{rows}</table>"
    if isinstance(v, list):
        if len(v) > 12 and all(isinstance(x, (int, float)) for x in v):
            return f"<i>{len(v)} numbers</i>"
        return ", ".join(_value(x, depth + 1) for x in v) or "<i>none</i>"
    if isinstance(v, float):
        return f"{v:.4g}"
    return html.escape(str(v))


def card_html(name: str, card: dict) -> str:
    """The card as HTML: the main facts first, then everything else (weights' vectors left out)."""
    title = html.escape(card.get("title") or name)
    parts = [f"<h2 style='margin-bottom:2px'>{title}</h2>"]
    if card.get("description"):
        parts.append(f"<p>{html.escape(str(card['description']))}</p>")
    facts = {k: card[k] for k in FIRST if k in card}
    parts.append(_value(facts))
    directions = card.get("directions") or {}
    if directions:
        parts.append("<h3>Latent directions</h3>")
        parts.append("<p>" + ", ".join(html.escape(str(d)) for d in directions) + "</p>")
    rest = {k: v for k, v in card.items() if k not in FIRST and k not in HIDDEN and k not in ("title", "description")}
    for key, value in rest.items():
        parts.append(f"<h3>{html.escape(key.replace('_', ' ').capitalize())}</h3>")
        parts.append(_value(value))
    if "config" in card:
        parts.append("<h3>Architecture</h3>")
        parts.append(_value(card["config"]))
    return "".join(parts)


class ModelCardDialog(QDialog):
    def __init__(self, name: str, card: dict, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Model card: {name}")
        self.resize(640, 620)
        lay = QVBoxLayout(self)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(True)
        self.text.setHtml(card_html(name, card))
        lay.addWidget(self.text)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.rejected.connect(self.reject)
        lay.addWidget(box)
