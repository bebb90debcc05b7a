"""Reads a prompt word by word into attribute values, and says which words the model knows.

Each word is looked up in the training vocabulary. A word outside it is matched by meaning: its
MiniLM embedding is compared with the vocabulary's (cosine); below `threshold` it is unknown.
Before that, a colour lexicon and WordNet (`color_names.py`, `lexicon.py`) map words such as
"crimson" or "hopping" to the value they name. Colour words are tied to the object or the
background by the words around them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..world.attributes import GROUPS
from .color_names import palette_color
from .lexicon import match as lexicon_match
from .encoder import TextEncoder, default_encoder
from .vocabulary import STOPWORDS, VOCAB

THRESHOLD = 0.5
MAX_WORDS = 256                 # distinct words considered in one prompt; the rest count as unknown
BG_NOUNS = {"background", "backdrop", "behind", "scene", "setting", "sky"}
BG_PREPOSITIONS = {"on", "against", "over", "before", "front", "behind"}
# how a word of an attribute group is put in context before it is compared within that group
GROUP_CONTEXT = {"shape": "the outline of a {}", "background": "a picture of {}"}
_TOKEN = re.compile(r"[a-z]+")
# English function words (closed classes: pronouns, determiners, prepositions, conjunctions,
# auxiliaries, adverbs of degree and time). They never name an attribute, but matched by meaning
# they did: "really" read as *right*, "under" as *orbiting*, "then" and "only" as *still*. A word
# of the vocabulary ("around", "over", "still", "not") is looked up there first and keeps its meaning.
FUNCTION_WORDS = frozenset("""
then and or but nor so yet for if because although though unless until after before during again
also just only even very really quite rather somewhat slightly pretty too than more most less least
much many each every both either neither all any no none such own same other another these those
what who whom whose when why how here now always never sometimes often soon once twice
i me my mine we us our you your he him his she her they them their theirs itself am was were been
do does did doing have has had having will would shall should can could may might must
across through throughout toward towards upon within without about above below beneath between under
beyond near along among inside outside off out away via per like kind sort lot bit underneath beside past since
""".split())


@dataclass
class WordInfo:
    word: str
    status: str                 # "known", "matched", "unknown", "stop"
    group: str = ""
    value: str = ""
    similarity: float = 1.0


@dataclass
class ParsedPrompt:
    values: dict = field(default_factory=dict)      # group -> value or None when the prompt leaves it open
    words: list = field(default_factory=list)       # WordInfo per token, in order

    @property
    def unknown(self) -> list[str]:
        return list(dict.fromkeys(w.word for w in self.words if w.status == "unknown"))


class PromptParser:
    def __init__(self, encoder: TextEncoder | None = None, threshold: float = THRESHOLD):
        self.encoder = encoder or default_encoder()
        self.threshold = threshold
        self.vocab_words = list(VOCAB)
        self._vocab_emb = None
        self._group_emb: dict[str, tuple[list, np.ndarray]] = {}

    def _vocab(self) -> np.ndarray:
        if self._vocab_emb is None:
            self._vocab_emb = self.encoder.encode(self.vocab_words)
        return self._vocab_emb

    def _in_group(self, group: str, words: list[str]) -> list[tuple[str, float]]:
        """Best value of `group` for each word, comparing in the group's context sentence."""
        tmpl = GROUP_CONTEXT.get(group, "{}")
        if group not in self._group_emb:
            entries = [w for w, (g, _) in VOCAB.items() if g == group]
            self._group_emb[group] = (entries, self.encoder.encode([tmpl.format(w) for w in entries]))
        entries, emb = self._group_emb[group]
        sims = self.encoder.encode([tmpl.format(w) for w in words]) @ emb.T
        return [(VOCAB[entries[int(i)]][1], float(s[i])) for s, i in zip(sims, sims.argmax(1))]

    def lookup(self, tokens: list[str]) -> list[WordInfo]:
        infos = []
        todo = []
        for tok in tokens:
            if tok in VOCAB:
                g, v = VOCAB[tok]
                infos.append(WordInfo(tok, "known", g, v))
            elif tok in STOPWORDS or tok in FUNCTION_WORDS or len(tok) < 2:
                infos.append(WordInfo(tok, "stop"))
            else:
                infos.append(WordInfo(tok, "unknown", similarity=0.0))
                todo.append(tok)
        distinct = list(dict.fromkeys(todo))[:MAX_WORDS]
        found = self._lexical(distinct)                                 # colour names and WordNet first
        found.update(self._by_meaning([w for w in distinct if w not in found]))
        for info in infos:
            if info.status == "unknown" and info.word in found:
                info.status = "matched"
                info.group, info.value, info.similarity = found[info.word]
        return infos

    @staticmethod
    def _lexical(words: list[str]) -> dict:
        out = {}
        for w in words:
            colour, wnm = palette_color(w), lexicon_match(w)
            if colour and (wnm is None or wnm[0] == "color"):
                out[w] = ("color", colour, 0.99)
            elif wnm:
                out[w] = wnm
        return out

    def _by_meaning(self, words: list[str]) -> dict:
        """MiniLM: the nearest vocabulary word (cosine >= threshold) picks the group, then the value is
        chosen within that group in the group's context sentence."""
        if not words:
            return {}
        sims = self.encoder.encode(words) @ self._vocab().T
        best = {w: (int(s.argmax()), float(s.max())) for w, s in zip(words, sims)}
        by_group: dict[str, list[str]] = {}
        for w, (i, s) in best.items():
            if s >= self.threshold:
                by_group.setdefault(VOCAB[self.vocab_words[i]][0], []).append(w)
        out = {}
        for g, ws in by_group.items():
            if g in GROUPS:
                out.update({w: (g, v, sim) for w, (v, sim) in zip(ws, self._in_group(g, ws))})
            else:
                out.update({w: (g, VOCAB[self.vocab_words[best[w][0]]][1], best[w][1]) for w in ws})
        return out

    def parse(self, prompt: str) -> ParsedPrompt:
        tokens = _TOKEN.findall(prompt.lower())
        infos = self.lookup(tokens)
        values: dict[str, str | None] = {g: None for g in GROUPS}
        score: dict[str, float] = {g: -1.0 for g in GROUPS}
        motion_type, direction = None, None
        for i, info in enumerate(infos):
            g, v = info.group, info.value
            if g == "color" or (g == "background" and v in ("black", "white", "gray")):
                g, v = self._colour_role(infos, i, v)
            if g == "shape" and any(w.word in ("around", "in") for w in infos[max(0, i - 2):i]):
                g, v = "motion", "orbiting"          # "going around in a circle"
            if g == "motion":
                if v in ("left", "right", "up", "down"):       # the surest direction word (first of equals)
                    if direction is None or info.similarity > direction[1]:
                        direction = (v, info.similarity)
                else:
                    if motion_type is None or info.similarity > motion_type[1]:
                        motion_type = (v, info.similarity)
                continue
            if g in GROUPS and info.similarity > score[g] and (values[g] is None or info.status == "known"):
                values[g], score[g] = v, info.similarity
        values["motion"] = (motion_type or direction or (None,))[0]
        return ParsedPrompt(values, infos)

    @staticmethod
    def _colour_role(infos: list[WordInfo], i: int, value: str) -> tuple[str, str]:
        """Is the colour word at i the object's colour or the background's?"""
        after = [w.word for w in infos[i + 1:i + 3]]
        if any(w in BG_NOUNS for w in after) or any(w.group == "role" for w in infos[i + 1:i + 3]):
            if value in GROUPS["background"]:
                return "background", value
            return ("background", "sky") if value == "blue" else ("", "")
        before = [w.word for w in infos[max(0, i - 3):i]]
        if before and before[-1] in BG_PREPOSITIONS or (len(before) >= 2 and before[-2] in BG_PREPOSITIONS
                                                          and before[-1] in ("a", "an", "the")):
            if value in GROUPS["background"]:
                return "background", value
        if value in GROUPS["color"]:
            return "color", value
        return "background", value
