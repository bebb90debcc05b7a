"""The words the shapes models' captions use, each tied to an attribute value or a role.

Built from the caption generator's own word lists, so the vocabulary is exactly the shapes models'
training vocabulary. The prompt reader (`reader.py`) does not use this table: callers use it to tell
whether a prompt holds words outside it, and `STOPWORDS` (plain English function words, none taken
from the evaluation templates) to leave such words out of a footage model's caption words.
"""
from __future__ import annotations

from ..world import captions as C

# word -> (group, value); group "role" marks words that tie a colour word to the background,
# group "verb" marks generic motion verbs that carry no value of their own.
STOPWORDS = frozenset("""a an the on in of is are and with there at by from into onto this which
while as be being some shape object thing size color colour sized front""".split())


def _entries() -> dict[str, tuple[str, str]]:
    v: dict[str, tuple[str, str]] = {}
    for group, table in (("color", C.COLOR_WORDS), ("shape", C.SHAPE_WORDS), ("size", C.SIZE_WORDS),
                         ("speed", C.SPEED_WORDS)):
        for value, words in table.items():
            for w in words:
                for part in w.replace("-", " ").split():
                    if part not in STOPWORDS:
                        v.setdefault(part, (group, value))
    motion_keys = {
        "left": ["left"], "right": ["right"], "up": ["up", "upwards", "rising"],
        "down": ["down", "downwards", "falling", "sinking"], "bouncing": ["bouncing", "jumping"],
        "orbiting": ["orbiting", "circling", "around", "centre", "middle"], "growing": ["growing", "bigger", "inflating"],
        "shrinking": ["shrinking", "smaller", "deflating"], "still": ["still", "not", "standing", "sitting", "staying"],
    }
    for value, words in motion_keys.items():
        for w in words:
            assert any(w in p for p in C.MOTION_PHRASES[value]), w   # only words the captions really use
            v[w] = ("motion", value)
    for value in C.BACKGROUND_PHRASES:
        v.setdefault(value, ("background", value))
    for value, phrases in C.BACKGROUND_PHRASES.items():
        for p in phrases + C.BACKGROUND_WORDS[value]:
            for part in p.split():
                if part not in STOPWORDS and part not in v and part != "background":
                    v[part] = ("background", value)
    for w in ("moving", "sliding", "going", "travelling", "getting", "to", "over", "against"):
        v.setdefault(w, ("verb", ""))
    v["background"] = ("role", "background")
    return v


VOCAB: dict[str, tuple[str, str]] = _entries()
