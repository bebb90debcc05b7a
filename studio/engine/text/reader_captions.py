"""Tagged training captions for the prompt reader, generated from `reader_words.py`.

A caption is a sentence, the tag of each of its words ("fill", "out" or "group:value") and the value
of each attribute group ("open" when the sentence leaves it to the seed). Captions vary the sentence
order, put words in any position, negate motion ("not moving"), name the background by colour,
leave attributes unsaid, add words outside the shapes world and sometimes ask for two motions (the
label is the first one, the motion the clip follows). A share of them are the shapes models' own
training captions (`world/captions.py`), tagged, so that those read exactly as the models were taught.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..world import captions as WC
from ..world.attributes import GROUPS, Attributes, is_valid
from . import reader_words as W

WORD = re.compile(r"[a-z]+")
OPEN = "open"
TAGS = ["fill", "out"] + [f"{g}:{v}" for g, vals in GROUPS.items() for v in vals]


@dataclass
class Caption:
    text: str
    words: list = field(default_factory=list)       # (start, end, tag) per word of `text`
    labels: dict = field(default_factory=dict)      # group -> value or "open"


class _Builder:
    def __init__(self):
        self.parts: list[tuple[str, str]] = []

    def add(self, text: str, tag: str = "fill") -> "_Builder":
        if text:
            self.parts.append((text, tag))
        return self

    def build(self, labels: dict) -> Caption:
        text, words = "", []
        for piece, tag in self.parts:
            glue = "" if not text or piece[0] in ",.:;!?" or text.endswith("\n") else " "
            start = len(text) + len(glue)
            text += glue + piece
            for m in WORD.finditer(piece.lower()):
                w = m.group()
                t = "fill" if w in W.FILLERS else tag
                words.append((start + m.start(), start + m.end(), t))
        return Caption(text, words, labels)


def _pick(rng, items):
    return items[int(rng.integers(len(items)))]


def _article(next_word: str) -> str:
    return "an" if next_word[:1] in "aeiou" else "a"


@dataclass(frozen=True)
class CaptionConfig:
    p_color: float = 0.85
    p_shape: float = 0.85
    p_size: float = 0.5
    p_motion: float = 0.8
    p_speed: float = 0.45
    p_background: float = 0.6
    p_outside: float = 0.2
    p_two_motions: float = 0.06
    p_world: float = 0.2               # share of the shapes models' own captions
    # the defaults make the shipped reader's captions; session 6's runs changed these four
    p_lexicon: float = 0.0             # share of attribute words taken from the WordNet/survey lexicon
    lexicon: str = "train"             # its "train" words, or its "dev" words (tuning captions only)
    p_colour_after: float = 0.15       # the colour said after the noun ("a star painted red")
    colour_after_ways: int = 4         # how many of COLOUR_AFTER's ways to say it
    survey_filter: bool = False        # drop survey names too close to a held-out word ("vermillion")
    p_auxiliary: float = 0.0           # a motion said after a verb that carries none ("which carries on rolling")
    p_predicate: float = 0.0           # the colour said in a clause of its own ("... . the colour should be red")
    p_more_colour: float = 0.0         # a colour said by a name only the larger lists have ("lichen", `more_colours`)
    p_more_shape: float = 0.0          # a shape said by a noun whose definitions name it ("bagel", `more_shapes`)
    more_plain: bool = False           # those two lists without words that read as a motion ("orbital", "sprouted")


def _values(rng, cfg: CaptionConfig) -> dict:
    while True:
        v = {g: _pick(rng, vals) for g, vals in GROUPS.items()}
        if is_valid(Attributes(**v)):
            break
    keep = {"color": cfg.p_color, "shape": cfg.p_shape, "size": cfg.p_size, "motion": cfg.p_motion,
            "speed": cfg.p_speed, "background": cfg.p_background}
    out = {g: (v[g] if rng.random() < keep[g] else OPEN) for g in GROUPS}
    if out["motion"] in (OPEN, "still"):
        out["speed"] = OPEN
    return out


def _word(rng, group: str, value: str, hand: list, cfg: CaptionConfig) -> str:
    """A phrase for a value: from the WordNet/survey lexicon (share `cfg.p_lexicon`) or the hand list."""
    lex = W.lexicon(cfg.lexicon)[group].get(value, []) if cfg.p_lexicon > 0 else []
    return _pick(rng, lex) if lex and rng.random() < cfg.p_lexicon else _pick(rng, hand)


def colour_word(rng, value: str, cfg: CaptionConfig = CaptionConfig()) -> str:
    """A colour name: from the lexicon, or the XKCD colour survey (half the time) or the hand-written list."""
    more = W.more_colours(cfg.more_plain).get(value) if cfg.p_more_colour > 0 else None
    if more and rng.random() < cfg.p_more_colour:
        return _pick(rng, more)
    survey = W.survey_colors(cfg.survey_filter)[value]
    hand = survey if survey and rng.random() < 0.5 else W.COLOR[value]
    return _word(rng, "color", value, hand, cfg)


def _motion_phrase(b: _Builder, rng, motion: str, speed: str, finite: bool, cfg: CaptionConfig) -> None:
    phrase = _pick(rng, W.MOTION_FINITE[motion]) if finite else _word(rng, "motion", motion, W.MOTION[motion], cfg)
    sp = _word(rng, "speed", speed, W.SPEED[speed], cfg) if speed != OPEN else ""
    if sp and rng.random() < 0.35 and " " not in sp:
        b.add(sp, f"speed:{speed}").add(phrase, f"motion:{motion}")
    else:
        b.add(phrase, f"motion:{motion}")
        if sp:
            b.add(sp, f"speed:{speed}")


def _background_phrase(b: _Builder, rng, bg: str, labels: dict, cfg: CaptionConfig) -> None:
    """Adds a background phrase; a background colour the world has no background for is outside it."""
    if bg == OPEN:
        colour = _pick(rng, [c for c in W.COLOR_ONLY_WORDS if c not in ("blue",)])
        word = _pick(rng, W.COLOR_ONLY_WORDS[colour])
        b.add(_pick(rng, ["on", "against", "in front of", "over"]))
        b.add(_article(word)).add(word, "out").add(_pick(rng, W.BACKGROUND_NOUNS[:3]))
        return
    tag = f"background:{bg}"
    r = rng.random()
    if r < 0.1 and bg in ("night", "sunset"):
        b.add("at").add(bg, tag)
        return
    phrase = _word(rng, "background", bg, W.BACKGROUND[bg], cfg)
    self_noun = phrase.split()[-1] in W.BACKGROUND_SELF_NOUN
    if r < 0.25:                                              # "..., night background" / "background: sunset"
        if rng.random() < 0.5:
            b.add(",").add(phrase, tag).add(_pick(rng, W.BACKGROUND_NOUNS[:2]), tag)
        else:
            b.add(",").add(_pick(rng, ["the background is", "background:", "the scene is", "with the background"]))
            b.add(phrase, tag)
        return
    if r < 0.35:
        b.add("with").add(_article(phrase)).add(phrase, tag).add(_pick(rng, W.BACKGROUND_NOUNS[:2]), tag)
        return
    b.add(_pick(rng, W.BACKGROUND_PREPOSITIONS))
    b.add(_pick(rng, [_article(phrase), "the"]))
    b.add(phrase, tag)
    if not self_noun or rng.random() < 0.3:
        b.add(_pick(rng, W.BACKGROUND_NOUNS), tag)


def _noun_phrase(b: _Builder, rng, v: dict, motion_adj: bool, cfg: CaptionConfig) -> None:
    size = _word(rng, "size", v["size"], W.SIZE[v["size"]], cfg) if v["size"] != OPEN else ""
    colour = colour_word(rng, v["color"], cfg) if v["color"] != OPEN and not v.get("_predicate") else ""
    noun = _word(rng, "shape", v["shape"], W.SHAPE[v["shape"]], cfg) if v["shape"] != OPEN else _pick(rng, W.GENERIC_NOUNS)
    if v["shape"] != OPEN and cfg.p_more_shape > 0 and rng.random() < cfg.p_more_shape:
        noun = _pick(rng, W.more_shapes(cfg.more_plain)[v["shape"]])
    noun_tag = f"shape:{v['shape']}" if v["shape"] != OPEN else "fill"
    if v["shape"] == OPEN and rng.random() < 0.4:          # a subject outside the world: the shape stays open
        noun, noun_tag = _pick(rng, W.OUTSIDE_SUBJECTS), "out"
    adj = []
    if size:
        adj.append((size, f"size:{v['size']}"))
    colour_after = colour and rng.random() < cfg.p_colour_after
    if colour and not colour_after:
        adj.insert(int(rng.integers(len(adj) + 1)), (colour, f"color:{v['color']}"))
    if motion_adj:
        adj.insert(int(rng.integers(len(adj) + 1)), (_pick(rng, W.MOTION_ADJECTIVE[v["motion"]]),
                                                     f"motion:{v['motion']}"))
    if rng.random() < 0.08:
        adj.insert(0, (_pick(rng, W.OUTSIDE[-40:-20]), "out"))
    first = adj[0][0] if adj else noun
    det = _pick(rng, [_article(first), _article(first), "the", "", "this", "my"])
    b.add(det)
    for text, tag in adj:
        b.add(text, tag)
    b.add(noun, noun_tag)
    if colour_after:
        before, after = COLOUR_AFTER[int(rng.integers(cfg.colour_after_ways))]
        b.add(before).add(colour, f"color:{v['color']}").add(after)


# the colour said in a clause of its own, after the rest (session 10; not the tuning probes' "it's", "make it",
# "... please"): (words before it, words after it)
COLOUR_PREDICATE = [("the colour should be", ""), ("colour:", ""), ("paint it", ""), ("colour it", ""),
                    ("i want it", ""), ("", "is the colour"), ("", "would be nice"), ("it should look", ""),
                    ("the colour is", ""), ("go with", "for the colour"), ("its colour:", ""), ("", "for the colour")]

# the colour said after the noun: (words before it, words after it)
COLOUR_AFTER = [("that is", ""), ("in", ""), (",", ""), ("painted", ""), ("dyed", ""), ("tinged", ""),
                ("coated in", ""), ("", "in colour"), ("with a", "colour"), ("in a", "shade"), ("of a", "color"),
                ("which is", ""), (",", "all over")]


def _outside(b: _Builder, rng) -> None:
    b.add(_pick(rng, W.OUTSIDE_PHRASES), "out")


def reader_caption(rng: np.random.Generator, cfg: CaptionConfig = CaptionConfig()) -> Caption:
    """One tagged caption in the reader's own words."""
    v = _values(rng, cfg)
    labels = dict(v)
    if cfg.p_predicate and v["color"] != OPEN and rng.random() < cfg.p_predicate:
        v["_predicate"] = True                  # the noun phrase leaves the colour for a clause of its own
    b = _Builder()
    has_motion = v["motion"] != OPEN
    motion_adj = has_motion and rng.random() < 0.15
    finite = rng.random() < 0.25
    order = int(rng.integers(6))
    frame = _pick(rng, W.FRAMES)
    second = None
    if has_motion and not motion_adj and rng.random() < cfg.p_two_motions:
        second = _pick(rng, [m for m in GROUPS["motion"] if m != v["motion"]])

    def motion_part():
        if has_motion and not motion_adj:
            if finite:
                b.add(_pick(rng, ["that", "which", "and it", "it"]))
            elif cfg.p_auxiliary and v["motion"] != "still" and rng.random() < cfg.p_auxiliary:
                b.add(_pick(rng, ["that", "which", "and it", "it", ""])).add(_pick(rng, W.AUXILIARIES))
            elif rng.random() < 0.3:
                b.add(_pick(rng, ["that is", "which is", "is", "and it is", "just"]))
            _motion_phrase(b, rng, v["motion"], v["speed"], finite, cfg)
            if second:
                b.add(_pick(rng, [", then", "and then", ", after that", "then"]))
                b.add(_pick(rng, W.MOTION[second]), f"motion:{second}")
        elif v["speed"] != OPEN and motion_adj:
            b.add(_word(rng, "speed", v["speed"], W.SPEED[v["speed"]], cfg), f"speed:{v['speed']}")
        elif not has_motion and rng.random() < 0.3:        # an action outside the world: the motion stays open
            b.add(_pick(rng, W.OUTSIDE_ACTIONS), "out")

    def bg_part():
        if v["background"] != OPEN or rng.random() < 0.08:
            _background_phrase(b, rng, v["background"], labels, cfg)

    if order == 1 and v["background"] != OPEN:           # background first
        bg_b = _Builder()
        _background_phrase(bg_b, rng, v["background"], labels, cfg)
        for text, tag in bg_b.parts:
            if text != ",":
                b.add(text.capitalize() if not b.parts and tag == "fill" else text, tag)
        b.add(",")
        if frame:
            b.add(_pick(rng, ["there is", "we see", "you see"]))
        _noun_phrase(b, rng, v, motion_adj, cfg)
        motion_part()
    elif order == 2 and has_motion and not motion_adj and not finite:   # motion first
        b.add(frame)
        _motion_phrase(b, rng, v["motion"], v["speed"], False, cfg)
        b.add(_pick(rng, [":", ",", ""]) or ",")
        _noun_phrase(b, rng, v, False, cfg)
        bg_part()
    elif order == 3:                                     # a comma list in any order
        parts = []
        for g in ("size", "color", "shape", "motion", "background"):
            if v[g] == OPEN or (g == "color" and v.get("_predicate")):
                continue
            sub = _Builder()
            if g == "motion":
                _motion_phrase(sub, rng, v["motion"], v["speed"], False, cfg)
            elif g == "background":
                ph = _word(rng, "background", v["background"], W.BACKGROUND[v["background"]], cfg)
                sub.add(ph, f"background:{v['background']}")
                if rng.random() < 0.6:
                    sub.add(_pick(rng, W.BACKGROUND_NOUNS[:2]), f"background:{v['background']}")
            elif g == "color":
                sub.add(colour_word(rng, v[g], cfg), f"{g}:{v[g]}")
            else:
                sub.add(_word(rng, g, v[g], getattr(W, g.upper())[v[g]], cfg), f"{g}:{v[g]}")
            parts.append(sub.parts)
        order_idx = rng.permutation(len(parts))
        for k, i in enumerate(order_idx):
            if k:
                b.add(",")
            for text, tag in parts[i]:
                b.add(text, tag)
        if not parts:
            b.add(_pick(rng, W.GENERIC_NOUNS))
    else:
        b.add(frame)
        if order == 4 and rng.random() < 0.5:
            b.add(_pick(rng, ["there is", "there's", "we see"]))
        _noun_phrase(b, rng, v, motion_adj, cfg)
        if rng.random() < 0.5:
            motion_part()
            bg_part()
        else:
            bg_part()
            motion_part()
    if v.get("_predicate"):
        before, after = _pick(rng, COLOUR_PREDICATE)
        b.add(_pick(rng, [".", ",", ";", "-"])).add(before).add(colour_word(rng, v["color"], cfg), f"color:{v['color']}")
        b.add(after)
    if rng.random() < cfg.p_outside:
        if rng.random() < 0.5:
            _outside(b, rng)
        else:
            b.parts.insert(int(rng.integers(len(b.parts) + 1)), (_pick(rng, W.OUTSIDE), "out"))
    return b.build(labels)


def world_caption(a: Attributes, rng: np.random.Generator) -> Caption:
    """`world.captions.caption(a, rng)`, the same sentence, with its words tagged."""
    bg_phrase = WC._pick(rng, WC.BACKGROUND_PHRASES[a.background])
    bg_a = bg_phrase if bg_phrase.startswith(("a ", "an ")) else f"a {bg_phrase} background"
    bg_word = WC._pick(rng, WC.BACKGROUND_WORDS[a.background])
    speed = "" if a.motion == "still" else WC._pick(rng, WC.SPEED_WORDS[a.speed])
    motion = WC._pick(rng, WC.MOTION_PHRASES[a.motion])
    mot = [(motion, f"motion:{a.motion}")]
    if speed:
        sp = (speed, f"speed:{a.speed}")
        mot = mot + [sp] if rng.random() < 0.7 or not speed.endswith("ly") else [sp] + mot
    size = WC._pick(rng, WC.SIZE_WORDS[a.size])
    bgt = f"background:{a.background}"
    fields = {"size": [(size, f"size:{a.size}")], "color": [(WC._pick(rng, WC.COLOR_WORDS[a.color]), f"color:{a.color}")],
              "shape": [(WC._pick(rng, WC.SHAPE_WORDS[a.shape]), f"shape:{a.shape}")], "motion": mot,
              "motion_cap": [(mot[0][0][0].upper() + mot[0][0][1:], mot[0][1])] + mot[1:],
              "bg_a": [(bg_a, bgt)], "bg": [(bg_word, bgt)]}
    template = WC._pick(rng, WC.TEMPLATES)
    if template.startswith("a {size}") and size[0] in "aeiou":
        template = "an" + template[1:]
    b = _Builder()
    for i, piece in enumerate(re.split(r"\{([a-z_]+)\}", template)):
        if i % 2:
            for k, (text, tag) in enumerate(fields[piece]):
                b.parts.append(((" " if k else "") + text, tag))
        elif piece:
            b.parts.append((piece, "fill"))
    labels = a.as_dict()
    if a.motion == "still":
        labels["speed"] = OPEN
    cap = _join_exact(b, labels)
    return cap


def _join_exact(b: _Builder, labels: dict) -> Caption:
    """Joins template pieces as they are (the template carries its own spaces); "background" after a
    background phrase is tagged with the background."""
    text, words = "", []
    for piece, tag in b.parts:
        start = len(text)
        text += piece
        for m in WORD.finditer(piece.lower()):
            w = m.group()
            t = "fill" if w in W.FILLERS else tag
            if w == "background" and labels.get("background", OPEN) != OPEN:
                t = f"background:{labels['background']}"
            words.append((start + m.start(), start + m.end(), t))
    return Caption(text, words, labels)


def caption_set(n: int, seed: int, cfg: CaptionConfig = CaptionConfig()) -> list[Caption]:
    """n tagged captions: the reader's own words, and a share of the shapes models' captions."""
    rng = np.random.default_rng([seed, 18])
    out = []
    for _ in range(n):
        if rng.random() < cfg.p_world:
            while True:
                a = Attributes(**{g: _pick(rng, vals) for g, vals in GROUPS.items()})
                if is_valid(a):
                    break
            out.append(world_caption(a, rng))
        else:
            out.append(reader_caption(rng, cfg))
    return out


def training_vocabulary(n: int = 20000, seed: int = 0, cfg: CaptionConfig | None = None) -> set[str]:
    """Every word the reader's captions can use (the banks and templates). Without `cfg`, every bank
    any recipe may use, the lexicon's and the filtered survey's included (for disjointness checks);
    with it, the banks that recipe uses and the words of its n captions (a card's training words)."""
    words = set()
    wide = cfg is None
    cfg = cfg or CaptionConfig()
    banks = [W.survey_colors(cfg.survey_filter), W.COLOR, W.SHAPE, W.SIZE, W.SPEED, W.MOTION, W.MOTION_FINITE,
             W.MOTION_ADJECTIVE, W.BACKGROUND]
    if wide:
        banks.append(W.survey_colors(True))
    if wide or cfg.p_lexicon > 0:
        banks += list(W.lexicon(cfg.lexicon).values())
    if wide or cfg.p_more_colour > 0:
        banks.append(W.more_colours(cfg.more_plain))
    if wide or cfg.p_more_shape > 0:
        banks.append(W.more_shapes(cfg.more_plain))
    for bank in banks:
        for phrases in bank.values():
            for p in phrases:
                words |= set(WORD.findall(p))
    lists = [W.GENERIC_NOUNS, W.BACKGROUND_NOUNS, W.BACKGROUND_PREPOSITIONS, W.OUTSIDE, W.OUTSIDE_PHRASES,
             W.OUTSIDE_SUBJECTS, W.OUTSIDE_ACTIONS, W.FRAMES, W.MOVE_VERBS]
    if wide or cfg.p_auxiliary > 0:
        lists.append(W.AUXILIARIES)
    for lst in lists:
        for p in lst:
            words |= set(WORD.findall(p))
    for c in caption_set(n, seed, cfg):
        words |= set(WORD.findall(c.text.lower()))
    return words
