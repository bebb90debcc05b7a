"""Small pieces of the window on their own: word spans, history, slider order, player, card text."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from studio.ui.latent_panel import LatentPanel, order_directions, pretty
from studio.ui.player import Player
from studio.ui.prompt_editor import PromptEditor, word_spans


def test_word_spans_match_engine_tokens():
    import re
    for text in ["A Large RED star, moving-right!", "İstanbul cafés are red", "", "123 go", "Kelvin \u212a"]:
        spans = word_spans(text)
        assert [w for _, _, w in spans] == re.findall(r"[a-z]+", text.lower())
        for start, end, word in spans:
            assert text[start:end].lower().startswith(word[:1]) or not text[start:end].isascii()
    assert word_spans("a Red  star") == [(0, 1, "a"), (2, 5, "red"), (7, 11, "star")]


def test_history_up_down_in_empty_editor(qtbot):
    ed = PromptEditor()
    qtbot.addWidget(ed)
    ed.remember("first prompt")
    ed.remember("second prompt")
    qtbot.keyClick(ed, Qt.Key.Key_Up)
    assert ed.text() == "second prompt"
    qtbot.keyClick(ed, Qt.Key.Key_Up)
    assert ed.text() == "first prompt"
    qtbot.keyClick(ed, Qt.Key.Key_Down)
    assert ed.text() == "second prompt"
    qtbot.keyClick(ed, Qt.Key.Key_Down)
    assert ed.text() == ""
    ed.set_text("typed text")
    qtbot.keyClick(ed, Qt.Key.Key_Up)                  # not empty: the cursor moves, the text stays
    assert ed.text() == "typed text"


def test_ctrl_enter_generates(qtbot):
    ed = PromptEditor()
    qtbot.addWidget(ed)
    with qtbot.waitSignal(ed.generateRequested, timeout=1000):
        qtbot.keyClick(ed, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "\n" not in ed.text()


def test_slider_order_and_range(qtbot):
    names = ["sefa10", "sefa2", "size", "color-red", "sefa1", "background-sky", "speed"]
    assert order_directions(names) == ["size", "color-red", "background-sky", "speed", "sefa1", "sefa2", "sefa10"]
    assert pretty("color-red") == "Red" and pretty("sefa3") == "Direction 3"
    panel = LatentPanel()
    qtbot.addWidget(panel)
    panel.set_directions(names)
    s = panel.sliders["size"]
    assert (s.minimum() / 100, s.maximum() / 100) == (-3.0, 3.0)
    with qtbot.waitSignal(panel.changed, timeout=1000) as changed:
        s.setValue(150)
    assert changed.args[0] == {"size": 1.5}
    panel.set_values({"sefa2": 9.0})                   # clamped to the range, no signal
    assert panel.values() == {"sefa2": 3.0}
    panel.set_directions(["sefa2", "sefa3"])           # shared directions keep their values
    assert panel.values() == {"sefa2": 3.0}


def test_player_progressive_frames(qtbot):
    p = Player()
    p.begin_clip(8)
    assert p.count == 8 and p.frame(3) is None and not p.complete()
    p.update_frames([3], np.full((1, 64, 64, 3), 7, np.uint8))
    assert p.frame(3)[0, 0, 0] == 7 and not p.complete()
    p.update_frames(range(8), np.zeros((8, 64, 64, 3), np.uint8))
    assert p.complete()
    p.seek(20)
    assert p.index == 7
    p.set_loop(False)
    p.set_fps(60)
    p.seek(5)
    p.play()
    qtbot.waitUntil(lambda: not p.playing, timeout=2000)
    assert p.index == 7


def test_model_card_text():
    from studio.ui.model_card import card_html
    html = card_html("m", {"family": "vae", "fps": 8, "frames": 16, "resolution": 64, "conditioning": "attributes",
                           "directions": {"size": {"vector": [0.1] * 40}}, "training": {"steps": 100},
                           "metrics": {"recon": 0.0123456}})
    assert "vae" in html and "size" in html and "0.01235" in html and "0.1, 0.1" not in html
