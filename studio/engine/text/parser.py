"""Reads a prompt into attribute values, and says which words the model understood.

The reading is the learned prompt reader's (`reader.py`, models/prompt-reader): a small network over
MiniLM's token states that gives every attribute group a value or leaves it open (the seed chooses),
and tags every word. The per-word statuses come from those tags:

  stop      a word that carries no attribute ("a", "the", "please")
  known     a word the reader was trained on, tagged with an attribute value
  matched   a word it never saw in training, read as an attribute value by meaning ("crimson" -> red)
  unknown   a word outside the shapes world ("cat", "piano"), or one it never saw that it used for
            nothing ("giraffe"); the prompt keeps it, the model ignores it

A prompt that asks for two motions gets one (the first); its words carry both values, so a caller
can say which one the clip follows. Any other word it never saw whose reading the clip does not follow
("diamond" read as red in a prompt whose colour is another word's, "keeps" read as staying still in
"a star that keeps spinning") counts as unknown, so that what the editor says was understood is what
the clip shows.

One more hand-written rule, not learned: when the reader chose "still", said only by words it never
saw, and words it was trained on ask for a motion ("a ball that keeps rolling right": the reader
takes "keeps" for staying still; since session 10 also a never-seen word whose definitions say a
motion), the clip follows the trained words' motion and the never-seen words
count as unknown. And a group the reader left open takes the value that a word it was trained on is
tagged with ("periwinkle" is tagged blue, but the colour head left the colour to the seed); so does
a colour, shape or motion the reader chose that no word is tagged with ("a periwinkle ball hopping
about": the colour head said green). All were measured in session 9 (docs/NOTES.md): no figure on
the gate lists fell, and the tuning probes rose.

Colour names are grounded, not guessed: MiniLM's token state of a rare colour name does not carry
its hue ("crimson" and "scarlet" read as purple or yellow), so for a word the reader never saw and
tagged as the object's colour, the colour comes from the sRGB value of that name in the XKCD colour
survey or CSS (data shipped in matplotlib) or of its WordNet colour sense, and that value's palette
colour from how the survey's people named such colours (`color_names.py`). The reader decides which
words name the object's colour (and which the background's); colour data decides which colour a name is.
This grounding is a hand-written rule over data, not something the reader learned. A word the reader
took for the object's colour that those three do not name is looked up in two larger lists of colour
names too (Wikipedia's colour pages and meodai's color-names, `colour_table.json` "more"); they name
many everyday words ("adrift"), so no other word is looked up there.

Session 10 added one more rule, also hand-written: a never-seen word is read through its dictionary
definitions. The reader reads the word's first two WordNet definitions as a prompt of their own, and
the words there that it was trained on for a colour, shape or motion (`group_words`) say what the
definitions say ("ketchup": "thick spicy sauce made from tomatoes", red). A never-seen word the reader
used for nothing, or read as what a trained word of the prompt already says, gives a colour, shape or
motion the prompt left open (or a colour no word says); a word read as the colour that no colour data
names takes its definitions' colour over the reader's guess. Measured in session 10 (docs/NOTES.md).

Session 11 added two more, hand-written, each over something learned (the reader's per-group attention, `focus`):
a colour no word says is named by the never-seen word the colour head attends to most, when that word is free
(used for nothing, or for a group another word says too) and a colour list, the larger ones included, names it
("a lichen pizza"); and an open shape (or motion) is read from a free never-seen word its head attends to, when
plain words of that word's definitions name one value ("bagel": "doughnut-shaped", `DEFINITION_WORDS`). Measured
in session 11 (docs/NOTES.md, docs/reader_runs_session11.json).
"""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache

from ..world.attributes import GROUPS
from .color_names import palette_color
from .encoder import TextEncoder

_TOKEN = re.compile(r"[a-z]+")
CACHE = 4096
BACKDROP = ("background", "backdrop", "backgrounds")     # a colour name before these names no object colour
FOLLOW_TAGS = ("color", "shape", "motion")    # a value no word says gives way to a trained word's tag
FOCUS = 0.3                  # the colour head's attention share that picks out a never-seen colour name
SHAPE_FOCUS = 0.15           # ... and that of the shape (or motion) head that picks a never-seen word to read
OPEN_BY_DEFINITIONS = ("shape", "motion")   # the groups an open value of which a word's definitions may fill in plain words
DEFINITIONS = 2              # how many of a never-seen word's WordNet definitions the reader reads (0: none)


def definition_text(word: str) -> str:
    """What the reader reads for a never-seen word: its first WordNet definitions."""
    from .glosses import gloss
    return "; ".join((gloss(word) or "").split("; ")[:DEFINITIONS])


@lru_cache(maxsize=1)
def group_words() -> dict:
    """word -> the groups (colour, shape, motion) whose trained phrases hold it: the reader's hand-written words
    and its lexicon's training words (a colour or a shape is said in one word, a motion in its phrases' words)."""
    from . import reader_words as W
    out: dict = {}
    lex = W.lexicon("train")
    for group, bank in (("color", W.COLOR), ("shape", W.SHAPE), ("motion", W.MOTION), ("motion", W.MOTION_FINITE),
                        ("motion", W.MOTION_ADJECTIVE), ("color", lex["color"]), ("shape", lex["shape"]),
                        ("motion", lex["motion"])):
        for phrases in bank.values():
            for p in phrases:
                words = _TOKEN.findall(p) if group == "motion" else ([p] if _TOKEN.fullmatch(p) else [])
                for w in words:
                    if w not in W.FILLERS:
                        out.setdefault(w, set()).add(group)
    return out


def _says(words: list, group: str, value) -> bool:
    """Whether a word of the prompt is tagged with that value of the group."""
    return any(w.group == group and w.value == value for w in words)


def _before_backdrop(words: list, i: int) -> bool:
    """Whether word i comes right before the background's words ("crimson" in "on a crimson background")."""
    after = words[i + 1] if i + 1 < len(words) else None
    return bool(after and (after.group == "background" or after.word in BACKDROP))


def _free_in_focus(words: list, focus: list, least: float | None = None) -> int | None:
    """The word a group's head attends to most, when that is at least `FOCUS` of its attention, a word the reader never
    saw, not right before the background's words, and free: used for nothing, or for a group another word says too."""
    if not focus:
        return None
    i = max(range(len(words)), key=lambda k: focus[k])
    w = words[i]
    shared = any(k is not w and k.group == w.group and k.status in ("known", "matched") for k in words)
    free = w.status == "unknown" or (w.status == "matched" and shared)    # not the clip's only word for a group
    return i if focus[i] >= (FOCUS if least is None else least) and free and not _before_backdrop(words, i) else None


# plain words of a dictionary definition that name a shape or a motion (hand-written; `said_by_definitions`)
DEFINITION_WORDS = {
    "shape": {"circle": "round circular disk disc ring sphere spherical globe globular ball doughnut donut oval "
                        "ellipse hoop wheel coin",
              "square": "square rectangular rectangle box cube cubic block oblong quadrilateral slab tile brick",
              "triangle": "triangle triangular cone conical pyramid pyramidal wedge pointed spike arrowhead",
              "star": "star stellate asterisk radiating rays sparkle"},
    "motion": {"up": "rise rising up upward upwards ascend ascending climb higher raise lift",
               "down": "fall falling down downward downwards descend descending sink drop lower",
               "left": "left west", "right": "right east",
               "bouncing": "bounce bouncing jump jumping spring leap hop bob",
               "orbiting": "circle around revolve rotate spin turn whirl orbit spiral",
               "growing": "grow larger expand swell increase bigger",
               "shrinking": "shrink smaller contract decrease reduce less",
               "still": "still rest motionless stay remain stationary stop idle inactive"},
}


def named_in_definitions(word: str, keywords: dict) -> list[str]:
    """The values (value -> its plain words, space-separated) whose words the word's first definitions hold."""
    said = set(_TOKEN.findall(definition_text(word).lower()))
    return [v for v, ws in keywords.items() if said & set(ws.split())]


@lru_cache(maxsize=4096)
def said_by_definitions(word: str, group: str) -> str | None:
    """The one value of the group (shape or motion) that plain words of the word's first definitions name
    (`DEFINITION_WORDS`: "bagel": "glazed yeast-raised doughnut-shaped roll" -> circle), or None when they name none
    or several."""
    values = named_in_definitions(word, DEFINITION_WORDS[group])
    return values[0] if len(values) == 1 else None


@dataclass
class WordInfo:
    word: str
    status: str                 # "known", "matched", "unknown", "stop"
    group: str = ""
    value: str = ""
    similarity: float = 1.0     # the reader's probability for the word's tag


@dataclass
class ParsedPrompt:
    values: dict = field(default_factory=dict)      # group -> value or None when the prompt leaves it open
    words: list = field(default_factory=list)       # WordInfo per token, in order

    @property
    def unknown(self) -> list[str]:
        return list(dict.fromkeys(w.word for w in self.words if w.status == "unknown"))


class PromptParser:
    """`encoder` and `threshold` are accepted for older callers; the reader uses the shared MiniLM."""

    def __init__(self, encoder: TextEncoder | None = None, threshold: float | None = None, reader=None):
        self._reader = reader
        self._cache: OrderedDict[str, object] = OrderedDict()
        self._defs: OrderedDict[str, dict] = OrderedDict()      # never-seen word -> what its definitions say
        self._lock = threading.Lock()

    @property
    def reader(self):
        if self._reader is None:
            from .reader import default_reader
            self._reader = default_reader()
        return self._reader

    def parse(self, prompt: str) -> ParsedPrompt:
        return self.parse_many([prompt])[0]

    def parse_many(self, prompts: list[str]) -> list[ParsedPrompt]:
        """Reads many prompts in one batched MiniLM pass (captions of a training batch)."""
        texts = [p.lower() for p in prompts]
        with self._lock:
            todo = [t for t in dict.fromkeys(texts) if t not in self._cache and _TOKEN.search(t)]
        if todo:
            readings = self.reader.read_many(todo)
            with self._lock:
                for t, r in zip(todo, readings):
                    self._cache[t] = r
                while len(self._cache) > CACHE:
                    self._cache.popitem(last=False)
        with self._lock:
            got = [self._cache.get(t) for t in texts]
        known = self.reader.known_words
        unseen = {w for r in got if r is not None for w, *_ in r.words if w not in known and len(w) > 2}
        defs = self._definitions(unseen) if DEFINITIONS else {}
        return [self._parsed(r, defs) for r in got]

    def _definitions(self, words: set) -> dict:
        """Never-seen word -> {group: value} said by the trained words of its first WordNet definitions, as the
        reader reads those definitions (one batched pass for the words not read before; the definitions' own
        never-seen words bring no definitions of theirs: same figures, 47 against 520 ms a prompt in the bench)."""
        with self._lock:
            todo = sorted(w for w in words if w not in self._defs)
        texts = {w: definition_text(w) for w in todo}
        have = [w for w in todo if texts[w]]
        readings = self.reader.read_many([texts[w] for w in have], definitions=False) if have else []
        bank = group_words()
        said = {w: {} for w in todo}
        for w, r in zip(have, readings):
            for word, tag, _p, _a in r.words:
                group, _, value = tag.partition(":")
                if group in bank.get(word, ()):
                    said[w].setdefault(group, value)
        with self._lock:
            self._defs.update(said)
            while len(self._defs) > CACHE:
                self._defs.popitem(last=False)
            return {w: self._defs.get(w, said.get(w, {})) for w in words}

    def _parsed(self, reading, defs: dict | None = None) -> ParsedPrompt:
        if reading is None:                                   # no words at all: everything is open
            return ParsedPrompt({g: None for g in GROUPS}, [])
        known = self.reader.known_words
        values = dict(reading.values)
        words, grounded, backdrop_colour = [], False, False
        unused = []                  # never-seen words it used for nothing or read as outside the world
        following = [w for w, *_ in reading.words[1:]] + [""]
        # the larger colour lists only where no trained word names the colour ("pickle green" is green)
        more = not any(t.startswith("color:") and w in known for w, t, *_ in reading.words)
        for (word, tag, prob, _att), after in zip(reading.words, following):
            if tag.startswith("color:") and word not in known and after in BACKDROP:
                tag, backdrop_colour = "out", True   # "a crimson background": a colour the world has no background for
            if tag == "fill" and word not in known:      # never seen and used for nothing: not understood
                unused.append(len(words))
                words.append(WordInfo(word, "unknown", similarity=prob))
            elif tag == "fill":
                words.append(WordInfo(word, "stop", similarity=prob))
            elif tag == "out":
                if word not in known:
                    unused.append(len(words))
                words.append(WordInfo(word, "unknown", similarity=prob))
            else:
                group, value = tag.split(":", 1)
                hue = palette_color(word, more=more) if group == "color" and word not in known else None
                if hue is None and word not in known and reading.values.get(group) is None:
                    words.append(WordInfo(word, "unknown", similarity=prob))    # a guess the sentence did not use
                    continue
                if hue is not None:                 # a colour name it never saw: the survey's hue
                    if not grounded:
                        values["color"] = hue
                    value, grounded = hue, True
                words.append(WordInfo(word, "known" if word in known else "matched", group, value, prob))
        if not any(w.group == "color" for w in words):
            if backdrop_colour:             # ... and the only colour word named it: the object's colour stays open
                values["color"] = None
            self._ground_unused(words, unused, values)
        self._read_definitions(words, values, defs or {})
        self._still_gives_way(words, values, defs or {})
        self._colour_in_focus(words, values, reading.focus.get("color", []))
        self._open_by_definitions(words, values, reading.focus)
        self._follow_trained_tags(words, values)
        for i, w in enumerate(words):       # a never-seen word whose reading the clip does not follow was not used
            second_motion = w.group == "motion" and w.value != "still"    # "..., then soaring": a second motion
            if w.status == "matched" and not second_motion and values.get(w.group) != w.value:
                words[i] = WordInfo(w.word, "unknown", similarity=w.similarity)
        return ParsedPrompt(values, words)

    @staticmethod
    def _follow_trained_tags(words: list, values: dict) -> None:
        """A group left open, or (`FOLLOW_TAGS`) whose value no word is tagged with, takes the value of the first
        word it was trained on that is tagged with that group ("a periwinkle ball": the colour head left it open)."""
        for g in GROUPS:
            tagged = [w for w in words if w.group == g and w.status == "known"]
            unsaid = g in FOLLOW_TAGS and not _says(words, g, values.get(g))
            if tagged and (values.get(g) is None or unsaid):
                values[g] = tagged[0].value

    @staticmethod
    def _read_definitions(words: list, values: dict, defs: dict) -> None:
        """What a never-seen word's definitions say, read by the reader (`_definitions`): the trained words there
        tagged with a colour, shape or motion.

        - A word the reader used for nothing, or read as what a trained word of the prompt already says ("a
          ketchup ball": ketchup read as a shape), gives a colour, shape or motion the prompt left open, or a
          colour that no word says ("thick spicy sauce made from tomatoes": red). Only for colour: a motion
          no single word says is often the reader's reading of a whole phrase (paraphrase motion fell 3 points
          when the rule took motion too).
        - A word read as the object's colour that no colour data names takes its definitions' colour over the
          reader's guess ("verdure", guessed purple: "green foliage").
        """
        for i, w in enumerate(words):
            said = defs.get(w.word, {})
            if _before_backdrop(words, i):
                continue                    # "on a crimson background": it names a background, not the object
            redundant = w.status == "matched" and any(k.status == "known" and k.group == w.group for k in words)
            if w.status == "unknown" or redundant:
                for g in FOLLOW_TAGS:
                    unsaid = g == "color" and not _says(words, g, values.get(g))
                    if g in said and (values.get(g) is None or unsaid):
                        values[g] = said[g]
                        words[i] = WordInfo(w.word, "matched", g, said[g], w.similarity)
                        break
            elif w.status == "matched" and w.group == "color" and said.get("color", w.value) != w.value \
                    and not palette_color(w.word, more=True):
                if values.get("color") == w.value:
                    values["color"] = said["color"]
                words[i] = WordInfo(w.word, "matched", "color", said["color"], w.similarity)

    @staticmethod
    def _still_gives_way(words: list, values: dict, defs: dict) -> None:
        """The reader chose "still", said only by words it never saw ("it keeps rolling right": "keeps" read as
        staying still), while words it was trained on ask for a motion: the clip follows those (and the never-seen
        words, which the clip no longer follows, count as unknown). Only for "still": the tags of trained words are
        not surer than the reader's choice of a motion ("floating" is tagged down in "a disc floating upward").
        Since session 10 a never-seen word read as a motion counts too when its definitions say a motion ("it
        keeps climbing": "an event that involves rising to a higher point"); without that check, v1's motion
        fell in session 9."""
        if values.get("motion") != "still":
            return
        said = [w for w in words if w.group == "motion" and w.status in ("known", "matched")]
        chosen = [w for w in said if w.value == "still"]
        moving = [w for w in said if w.value != "still"
                  and (w.status == "known" or defs.get(w.word, {}).get("motion", "still") != "still")]
        if chosen and moving and all(w.status == "matched" for w in chosen):
            values["motion"] = moving[0].value

    @staticmethod
    def _colour_in_focus(words: list, values: dict, focus: list) -> None:
        """No word says the object's colour, and the word the colour head attends to most (at least `FOCUS` of its
        attention) is one it never saw that a colour list names ("a lichen pizza"), and the word was used for
        nothing, or for a group another word says too ("the die is frost": "frost" read as a shape): that word names
        the colour, when another word names the object's shape. A word that is the only one saying its group is left
        alone ("a ball adrift": read as a motion), and so is a prompt whose only object is that word ("a giraffe").
        The colour head's attention is learned; the colour comes from the colour lists, the larger ones included,
        since the reader has picked the word out."""
        i = _free_in_focus(words, focus)
        if i is None or _says(words, "color", values.get("color")):
            return
        w = words[i]
        if not any(k.group == "shape" for k in words if k is not w):
            return                          # "a giraffe": the word is the object, outside the world, not its colour
        hue = palette_color(w.word, more=True)
        if hue is not None:
            values["color"] = hue
            words[i] = WordInfo(w.word, "matched", "color", hue, w.similarity)

    @staticmethod
    def _open_by_definitions(words: list, values: dict, focus: dict) -> None:
        """The shape (or the motion, `OPEN_BY_DEFINITIONS`) is still open, and its head attends most (at least
        `SHAPE_FOCUS`) to a free never-seen word (see `_colour_in_focus`) whose first definitions name one value of it
        in plain words (`said_by_definitions`): that value. Hand-written, measured in session 11 (docs/NOTES.md)."""
        for group in (g for g in OPEN_BY_DEFINITIONS if values.get(g) is None):
            i = _free_in_focus(words, focus.get(group, []), SHAPE_FOCUS)
            said = said_by_definitions(words[i].word, group) if i is not None else None
            if said:
                values[group] = said
                words[i] = WordInfo(words[i].word, "matched", group, said, words[i].similarity)

    @staticmethod
    def _ground_unused(words: list, unused: list, values: dict) -> None:
        """No word was read as the object's colour: the first colour name among the words the reader
        never saw and used for nothing (or read as outside the world) names it, unless it names a
        background ("on a crimson background": the world has no such background, the object keeps
        its open colour)."""
        for i in unused:
            w = words[i]
            hue = palette_color(w.word)
            if hue is not None and not _before_backdrop(words, i):
                values["color"] = hue
                words[i] = WordInfo(w.word, "matched", "color", hue, w.similarity)
                return
