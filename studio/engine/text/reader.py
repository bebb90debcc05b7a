"""The learned prompt reader: a small network over MiniLM's token states (models/prompt-reader).

For every attribute group it pools the tokens with its own attention and predicts the group's value
or "open" (left to the seed); for every token it predicts a tag: "fill" (a word that carries no
attribute), "out" (a word outside the shapes world) or "group:value" (what that word says; a colour
word of the background is tagged with the background). The editor colours words from these tags.

A word it was not trained on also brings gloss features (`word_glosses`): MiniLM's embedding of its
WordNet definitions, together and (`gloss_senses`) one by one, and (`colour`) the palette colour its
colour data names. The groups in `gloss_attention` pick one (word, definition) with an attention of
their own, or none; the other groups read the features where their token attention looks.

Trained by `scripts/train_prompt_reader.py` on `reader_captions.py`; weights are safetensors and the
card JSON (config, tags, recipe, figures): data only, no pickle.
"""
from __future__ import annotations

import json
import math
import re
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..world.attributes import GROUPS
from .encoder import default_encoder
from .minilm import BertLayer

FOLDER = Path(__file__).resolve().parents[3] / "models" / "prompt-reader"
WORD = re.compile(r"[a-z]+")
OPEN = "open"
GLOSS_DIM = 384
COLOUR_DIM = 10            # with `cfg.colour`: the palette colour a word's colour data names (one-hot) and a 1
WORD_CACHE = 4096          # words whose gloss features a reader keeps (typing re-reads the same words)


@dataclass
class ReaderConfig:
    d_in: int = 384
    d: int = 192
    heads: int = 4
    layers: int = 1
    dropout: float = 0.2
    noise: float = 0.1          # Gaussian noise on the token states while training
    linear_values: bool = True  # values read linearly from the (normalised) MiniLM states the attention picks
    tuned_layers: int = 0       # MiniLM's last layers, fine-tuned and shipped with the reader (0: MiniLM as is)
    gloss: bool = False         # each word also gives MiniLM's sentence embedding of its WordNet definitions
    gloss_unfamiliar: bool = False   # ... only a word it was not trained on
    colour: bool = False        # ... and, beside its definitions, the palette colour its colour data names
                                # (`color_names.palette_color`: the XKCD survey, CSS, WordNet's colour senses)
    gloss_attention: list = field(default_factory=list)   # the groups that pick the words whose definitions they
                                # read with their own attention over the definitions (or none), not with the
                                # attention over the token states
    gloss_senses: int = 0       # > 0: that own attention picks one of each word's definitions (up to this many,
                                # each embedded alone), not all of them embedded together
    tags: list = field(default_factory=list)
    groups: dict = field(default_factory=lambda: {g: list(v) for g, v in GROUPS.items()})


class PromptReaderNet(nn.Module):
    def __init__(self, cfg: ReaderConfig):
        super().__init__()
        self.cfg = cfg
        self.top = nn.ModuleList(BertLayer() for _ in range(cfg.tuned_layers))
        self.inp = nn.Sequential(nn.LayerNorm(cfg.d_in), nn.Dropout(cfg.dropout), nn.Linear(cfg.d_in, cfg.d), nn.GELU())
        layer = nn.TransformerEncoderLayer(cfg.d, cfg.heads, 2 * cfg.d, cfg.dropout, batch_first=True, norm_first=True)
        self.ctx = nn.TransformerEncoder(layer, cfg.layers, enable_nested_tensor=False)
        self.tag = nn.Linear(cfg.d, len(cfg.tags))
        self.query = nn.Parameter(torch.randn(len(cfg.groups), cfg.d) * 0.02)
        self.key = nn.Linear(cfg.d, cfg.d)
        d_raw = cfg.d_in + (gloss_width(cfg) - 1 if cfg.gloss else 0)
        d_val = d_raw if cfg.linear_values else cfg.d
        self.out = nn.ModuleList(nn.Linear(d_val, len(v) + 1) for v in cfg.groups.values())   # values + open
        self.tag_raw = nn.Linear(d_raw, len(cfg.tags)) if cfg.linear_values else None
        self.gloss_in = nn.Linear(gloss_width(cfg), cfg.d) if cfg.gloss else None
        if cfg.gloss and cfg.gloss_attention:
            self.gloss_key = nn.Linear(gloss_width(cfg), cfg.d)
            self.gloss_query = nn.Parameter(torch.randn(len(cfg.groups), cfg.d) * 0.02)
            self.gloss_null = nn.Parameter(torch.zeros(len(cfg.groups)))     # the logit of reading no definitions

    def forward(self, states: torch.Tensor, mask: torch.Tensor, gloss: torch.Tensor | None = None) -> dict:
        """states (B, T, 384) MiniLM token states, mask (B, T) bool; with `cfg.gloss`, gloss (B, T,
        `feature_width(cfg)`): each token's word's `word_glosses` features (zeros for a token without). Returns tag
        logits (B, T, n_tags), per group logits (B, n_values + 1) and attention (B, T). With tuned layers,
        `states` are MiniLM's states before them."""
        for layer in self.top:
            states = layer(states, mask)
        if self.training and self.cfg.noise:
            states = states + self.cfg.noise * torch.randn_like(states)
        raw = F.layer_norm(states, states.shape[-1:])
        x = self.inp(states)
        if self.gloss_in is not None:
            if gloss is None:
                gloss = states.new_zeros(*states.shape[:2], feature_width(self.cfg))
            gw, n_senses = gloss_width(self.cfg), self.cfg.gloss_senses
            senses = _scaled(gloss[..., gw:].unflatten(-1, (n_senses, gw))) if n_senses else None
            gloss = _scaled(gloss[..., :gw])
            x = x + self.gloss_in(gloss)
            raw = torch.cat([raw, gloss[..., :GLOSS_DIM], gloss[..., GLOSS_DIM + 1:]], -1)
        h = self.ctx(x, src_key_padding_mask=~mask)
        att = torch.einsum("btd,gd->bgt", self.key(h), self.query) / math.sqrt(self.cfg.d)
        att = torch.softmax(att.masked_fill(~mask[:, None], float("-inf")), -1)
        pooled = torch.einsum("bgt,btd->bgd", att, raw if self.cfg.linear_values else h)
        if self.gloss_in is not None and self.cfg.gloss_attention:
            own = torch.tensor([g in self.cfg.gloss_attention for g in self.cfg.groups])[None, :, None]
            d_in = self.cfg.d_in
            if senses is None:
                picked = self._gloss_pool(gloss, mask)
            else:                                         # every (word, definition) is a choice of its own
                picked = self._gloss_pool(senses.flatten(1, 2), mask[:, :, None].expand(-1, -1, n_senses).flatten(1))
            pooled = torch.cat([pooled[..., :d_in], torch.where(own, picked, pooled[..., d_in:])], -1)
        tags = self.tag(h) + (self.tag_raw(raw) if self.tag_raw is not None else 0)
        return {"tags": tags, "att": att,
                "groups": {g: head(pooled[:, i]) for i, (g, head) in enumerate(zip(self.cfg.groups, self.out))}}

    def _gloss_pool(self, gloss: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """(B, G, width - 1): per group, the definitions (and colour) of the words its own attention picks over
        the tokens that have any, beside a null choice that reads nothing."""
        has = mask & (gloss[..., GLOSS_DIM] > 0) | mask & (gloss[..., -1] > 0)
        logits = torch.einsum("btd,gd->bgt", self.gloss_key(gloss), self.gloss_query) / math.sqrt(self.cfg.d)
        logits = logits.masked_fill(~has[:, None], float("-inf"))
        null = self.gloss_null[None, :, None].expand(logits.shape[0], -1, 1)
        att = torch.softmax(torch.cat([logits, null], -1), -1)[..., :-1]
        feats = torch.cat([gloss[..., :GLOSS_DIM], gloss[..., GLOSS_DIM + 1:]], -1)
        return torch.einsum("bgt,btd->bgd", att, feats)


def token_word_index(offsets: list, words: list) -> list[int]:
    """For each wordpiece (char offsets), the index of the regex word (start, end) it lies in, or -1."""
    out, j = [], 0
    for s, e in offsets:
        if e <= s:
            out.append(-1)
            continue
        while j < len(words) and words[j][1] <= s:
            j += 1
        out.append(j if j < len(words) and words[j][0] <= s < words[j][1] else -1)
    return out


def encode_states(texts: list[str], batch: int = 64, layers: int | None = None) -> list[tuple[torch.Tensor, list]]:
    """MiniLM token states (T, 384) and char offsets for each text, batched by length; with `layers`,
    the states after that many layers."""
    enc = default_encoder()
    enc._load()
    m = enc._model
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out: list = [None] * len(texts)
    for k in range(0, len(order), batch):
        idx = order[k:k + batch]
        encs = m.tokenizer.encode_batch([texts[i].lower() for i in idx])
        ids = torch.tensor([e.ids for e in encs])
        mask = torch.tensor([e.attention_mask for e in encs])
        states = m.states(ids, mask, layers)
        for row, i in enumerate(idx):
            n = int(mask[row].sum())
            out[i] = (states[row, :n].clone(), list(encs[row].offsets[:n]))
    return out


def _gloss_width(colour: bool) -> int:
    return GLOSS_DIM + 1 + (COLOUR_DIM if colour else 0)


def gloss_width(cfg: ReaderConfig) -> int:
    return _gloss_width(cfg.colour)


def feature_width(cfg: ReaderConfig) -> int:
    """A word's gloss features: its definitions together, then (with `gloss_senses`) each one alone."""
    return gloss_width(cfg) * (1 + cfg.gloss_senses)


def _scaled(g: torch.Tensor) -> torch.Tensor:
    """Unit definition embeddings scaled to the token states' layer-norm size."""
    return torch.cat([g[..., :GLOSS_DIM] * math.sqrt(GLOSS_DIM), g[..., GLOSS_DIM:]], -1)


def has_gloss(word: str, colour: bool = False) -> bool:
    """Whether a word gives any gloss features: WordNet defines it, or (with `colour`) it names a colour."""
    from .color_names import palette_color
    from .glosses import gloss
    return bool(gloss(word)) or (colour and palette_color(word) is not None)


def word_glosses(words: list[str], batch: int = 128, colour: bool = False, senses: int = 0) -> torch.Tensor:
    """(n, 385): MiniLM's sentence embedding of each word's WordNet definitions and a 1, or zeros for a
    word WordNet does not have; with `colour` (n, 395), then the one-hot of the palette colour the word
    names and a 1 (zeros for a word that names none). With `senses`, that many more such blocks follow:
    each of its first definitions embedded alone (a word with a colour and no definitions: the colour in
    the first)."""
    from .color_names import palette_color
    from .glosses import gloss
    texts = [gloss(w) for w in words]
    parts = [(t.split("; ")[:senses] if t and senses else []) for t in texts]
    todo = [t for t in texts if t] + [d for p in parts for d in p]
    enc = default_encoder()
    emb = iter([torch.from_numpy(e) for k in range(0, len(todo), batch) for e in enc.encode(todo[k:k + batch])])
    out = torch.zeros(len(words), 1 + senses, _gloss_width(colour))
    values = list(GROUPS["color"])
    for i, (w, t) in enumerate(zip(words, texts)):
        if t:
            out[i, 0, :GLOSS_DIM], out[i, 0, GLOSS_DIM] = next(emb), 1.0
        hue = palette_color(w) if colour else None
        if hue is not None:
            out[i, :1 + max(1, len(parts[i])), GLOSS_DIM + 1 + values.index(hue)] = 1.0
            out[i, :1 + max(1, len(parts[i])), -1] = 1.0
    for i, p in enumerate(parts):
        for k in range(len(p)):
            out[i, 1 + k, :GLOSS_DIM], out[i, 1 + k, GLOSS_DIM] = next(emb), 1.0
    return out.flatten(1)


def token_glosses(owner: list[int], word_feats: torch.Tensor) -> torch.Tensor:
    """(T, width): each wordpiece gets its word's gloss features (zeros outside words)."""
    out = torch.zeros(len(owner), word_feats.shape[-1])
    idx = torch.tensor(owner)
    inside = idx >= 0
    if inside.any():
        out[inside] = word_feats[idx[inside]]
    return out


@dataclass
class Reading:
    values: dict                      # group -> value or None (open)
    words: list                       # (word, tag, probability, attention share) per regex word
    confidence: dict                  # group -> probability of the chosen value or of open
    focus: dict = field(default_factory=dict)   # group -> the share of its attention each regex word got


class PromptReader:
    def __init__(self, folder: Path = FOLDER):
        from safetensors.torch import load_file
        self.card = json.loads((Path(folder) / "model.json").read_text(encoding="utf-8"))
        cfg = ReaderConfig(**self.card["config"])
        self.net = PromptReaderNet(cfg).eval()
        self.net.load_state_dict(load_file(str(Path(folder) / "model.safetensors")))
        self.tags = cfg.tags
        self.known_words = frozenset(self.card.get("training_words", []))
        self._lock = threading.Lock()
        self._features: OrderedDict[str, torch.Tensor] = OrderedDict()     # word -> its gloss features

    @torch.inference_mode()
    def read_many(self, prompts: list[str], definitions: bool = True) -> list[Reading]:
        """Readings of many prompts in one batched pass. Without `definitions`, the words it never saw bring no
        gloss features (zeros, as for a word WordNet lacks): a cheap reading of the trained words in a text."""
        texts = [p.lower() for p in prompts]
        with self._lock:
            encoded = encode_states(texts, layers=6 - self.net.cfg.tuned_layers)
            glossed = {}                     # word -> its gloss features, every prompt's words in one pass
            if self.net.cfg.gloss and definitions:
                words = list(dict.fromkeys(w for t in texts for w in WORD.findall(t) if self._glossed(w)))
                glossed = self._word_features(words)
        return [self._read(t, s, o, glossed) for t, (s, o) in zip(texts, encoded)]

    def _word_features(self, words: list[str]) -> dict:
        """Each word's gloss features: from the cache, or encoded (all new words in one pass) and kept."""
        new = [w for w in words if w not in self._features]
        made = dict(zip(new, word_glosses(new, colour=self.net.cfg.colour, senses=self.net.cfg.gloss_senses)))
        out = {w: made[w] if w in made else self._features[w] for w in words}
        for w in words:
            self._features[w] = out[w]
            self._features.move_to_end(w)
        while len(self._features) > WORD_CACHE:
            self._features.popitem(last=False)
        return out

    def _glossed(self, word: str) -> str:
        """The word whose definitions the reader reads ("" for none: a familiar or two-letter word, when it reads
        only unfamiliar words')."""
        return "" if self.net.cfg.gloss_unfamiliar and (word in self.known_words or len(word) < 3) else word

    def read(self, prompt: str) -> Reading:
        return self.read_many([prompt])[0]

    def _read(self, text: str, states: torch.Tensor, offsets: list, glossed: dict) -> Reading:
        spans = [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]
        owner = token_word_index(offsets, spans)
        gloss = None
        if self.net.cfg.gloss:
            none = torch.zeros(feature_width(self.net.cfg))
            gloss = token_glosses(owner, torch.stack([glossed.get(w, none) for _, _, w in spans] or [none]))[None]
        out = self.net(states[None], torch.ones(1, len(states), dtype=torch.bool), gloss)
        values, conf = {}, {}
        for g, logits in out["groups"].items():
            p = torch.softmax(logits[0], -1)
            i = int(p.argmax())
            vals = self.net.cfg.groups[g]
            values[g] = vals[i] if i < len(vals) else None
            conf[g] = round(float(p[i]), 4)
        logp = F.log_softmax(out["tags"][0], -1)
        by_group = out["att"][0]
        att = by_group.max(0).values                        # the most any group's attention gave the token
        words = []
        pieces_of = [[k for k, o in enumerate(owner) if o == j] for j in range(len(spans))]
        for (_, _, w), pieces in zip(spans, pieces_of):
            if not pieces:
                words.append((w, "fill", 1.0, 0.0))
                continue
            mean = logp[pieces].mean(0)
            t = int(mean.argmax())
            words.append((w, self.tags[t], round(float(mean[t].exp()), 4), round(float(att[pieces].sum()), 4)))
        focus = {g: [round(float(by_group[i, pieces].sum()), 4) for pieces in pieces_of]
                 for i, g in enumerate(self.net.cfg.groups)}
        return Reading(values, words, conf, focus)


_lock = threading.Lock()


@lru_cache(maxsize=1)
def default_reader() -> PromptReader:
    """The shipped reader, loaded once."""
    with _lock:
        return PromptReader()


def save_reader(net: PromptReaderNet, folder: Path, card: dict) -> None:
    from safetensors.torch import save_file
    folder.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in net.state_dict().items()}, str(folder / "model.safetensors"))
    card = {"kind": "prompt-reader", "config": asdict(net.cfg), **card}
    (folder / "model.json").write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")
