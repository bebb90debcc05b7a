"""Colour words grounded in colour data (text/color_names.py): which palette colour an sRGB value is, and
where a word's sRGB comes from. The words are of none of the test lists (checked below)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from studio.engine.text.color_names import palette_color, palette_of_rgb
from studio.engine.text.glosses import colour_sense_rgb
from studio.engine.world.attributes import COLORS

WORDS = ("grape", "burgundy", "xanthous", "gamboge", "lazuline", "sanguine", "whitish", "teal")


def test_the_words_here_are_of_no_test_list():
    lexicon = json.loads((Path(__file__).resolve().parents[1] / "studio/engine/text/reader_lexicon.json").read_text())
    assert not set(WORDS) & set(lexicon["held_out"]["words"])


def test_the_palette_names_its_own_colours():
    for name, rgb in COLORS.items():
        assert palette_of_rgb(np.array(rgb) / 255) == name


def test_dark_and_muted_colours_go_by_how_people_named_them_not_by_hue():
    # the survey's "grape" and "burgundy": by hue alone pink and pink; people call such colours purple and red
    assert palette_color("grape") == "purple"
    assert palette_color("burgundy") == "red"
    assert palette_color("teal") == "cyan"              # the survey's word for the palette's cyan


def test_greys_and_blacks_name_no_object_colour():
    assert palette_of_rgb((0.5, 0.5, 0.52)) is None
    assert palette_of_rgb((0.05, 0.05, 0.05)) is None
    assert palette_of_rgb((0.95, 0.95, 0.93)) == "white"


def test_a_word_the_survey_lacks_takes_its_wordnet_colour_sense():
    assert colour_sense_rgb("xanthous") is not None and palette_color("xanthous") == "yellow"
    assert palette_color("gamboge") == "yellow"
    assert palette_color("lazuline") == "blue"
    assert palette_color("sanguine") == "red"
    assert palette_color("whitish") == "white"


def test_words_without_a_colour_sense_name_no_colour():
    for w in ("ball", "night", "tree", "bouncing", "slowly", "xyzzyq"):
        assert palette_color(w) is None, w
