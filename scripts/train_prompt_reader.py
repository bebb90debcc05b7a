"""Trains the learned prompt reader and ships it to models/prompt-reader (safetensors + JSON card).

    nice -n 15 .venv/bin/python scripts/train_prompt_reader.py [--captions 10000] [--epochs 12]

1. generates tagged captions (`studio/engine/text/reader_captions.py`, seed `--seed`),
2. runs MiniLM once over them and caches the token states (fp16, safetensors) in --cache,
3. trains the head (tags per token, value-or-open per group) on CPU, tuning on a validation slice
   of those captions only,
4. measures, once, on the held-out list (data/reader_heldout.jsonl, never trained or tuned on),
   on studio eval's paraphrases and on the shapes models' own captions, and writes the card.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from studio.engine.text import reader as R  # noqa: E402
from studio.engine.text.reader_captions import (COLOUR_AFTER, OPEN, TAGS, CaptionConfig, caption_set,  # noqa: E402
                                                training_vocabulary)
from studio.engine.world.attributes import GROUPS  # noqa: E402


@dataclass
class Recipe:
    captions: int = 10000
    seed: int = 18
    epochs: int = 12
    batch: int = 128
    lr: float = 2e-3
    weight_decay: float = 0.01
    val_share: float = 0.05
    tag_weight: float = 1.0
    p_lexicon: float = 0.0       # these four: see reader_captions.CaptionConfig (defaults: the shipped reader)
    p_colour_after: float = 0.15
    colour_after_ways: int = 4
    survey_filter: bool = False
    p_auxiliary: float = 0.0     # a motion after a verb that says none of it ("that carries on rolling")
    p_more_colour: float = 0.0   # a colour said by a name only the larger colour lists have ("make it lichen")
    p_more_shape: float = 0.0    # a shape said by a noun whose definitions name it ("a bagel")
    more_plain: bool = False     # those two lists without the words that read as a motion (session 12)
    tuned_layers: int = 0        # MiniLM's last layers fine-tuned with the head (a copy ships with the reader)
    lr_top: float = 1e-4         # their learning rate
    gloss: bool = False          # each word also gives the embedding of its WordNet definitions (text/glosses.py)
    p_mask: float = 0.0          # while training, a word with definitions loses its own token states this often
    p_unfamiliar: float = 1.0    # < 1: a word gets its definitions this often while training, and when reading only
                                 # if it is not a training word (ReaderConfig.gloss_unfamiliar)
    gloss_only: str = ""         # a reader folder (the shipped one): start from its weights, frozen, and train only
                                 # the new gloss pathway, whose weights start at zero (familiar words read as before)
    gloss_groups: str = ""       # with gloss_only: the groups whose value heads read the definitions (comma list;
                                 # empty: all); the others keep their gloss weights at zero and read as the base
    gloss_heads_only: bool = False  # with gloss_only: the definitions reach only the value and tag heads, not the
                                 # context layer, so where the reader looks stays the base reader's
    colour: bool = False         # with gloss: a word's features also say which palette colour its colour data names
    gloss_attention: str = ""    # with gloss: the groups (comma list) that pick the words whose definitions they
                                 # read by their own attention over the definitions (ReaderConfig.gloss_attention)
    gloss_senses: int = 0        # with gloss_attention: it picks one of each word's first definitions, each embedded
                                 # alone (ReaderConfig.gloss_senses)
    unfreeze: str = ""           # with gloss_only: groups (comma list) whose value head and attention query train
                                 # whole, not only their gloss columns (the base's reading of them may move)
    p_predicate: float = 0.0     # the colour said in a clause of its own (reader_captions.CaptionConfig.p_predicate)
    tags_only: bool = False      # with gloss_only: only the word-tag heads train (the values read exactly as before)
    init: str = ""               # with gloss_only: a reader folder of the same config (a shipped gloss reader) whose
                                 # gloss weights are the start, not zero (a fine-tune of that reader)


def targets(caps, encoded):
    """Per token tag index (-100 outside words) and per group label index (len(values) = open)."""
    tag_index = {t: i for i, t in enumerate(TAGS)}
    rows = []
    for c, (states, offsets) in zip(caps, encoded):
        spans = [(s, e) for s, e, _ in c.words]
        owner = R.token_word_index(offsets, spans)
        tags = [tag_index[c.words[o][2]] if o >= 0 else -100 for o in owner]
        labels = [len(v) if c.labels[g] == OPEN else v.index(c.labels[g]) for g, v in GROUPS.items()]
        rows.append((tags, labels, owner))
    return rows


def gloss_table(caps, familiar: set | None = None, colour: bool = False, senses: int = 0):
    """The gloss features (n, `R.feature_width`) of every distinct caption word WordNet has (or, with `colour`,
    that names a colour); for each caption the row of each of its words (-1: none), and whether each word is outside
    `familiar` (always given its definitions)."""
    words = sorted({c.text[s:e].lower() for c in caps for s, e, _ in c.words})
    have = [w for w in words if R.has_gloss(w, colour)]
    t = time.perf_counter()
    feats = R.word_glosses(have, colour=colour, senses=senses)
    print(f"  definitions of {len(have)} of {len(words)} words encoded ({time.perf_counter() - t:.0f} s)", flush=True)
    row = {w: i for i, w in enumerate(have)}
    forced = [[familiar is not None and c.text[s:e].lower() not in familiar for s, e, _ in c.words] for c in caps]
    return feats, [[row.get(c.text[s:e].lower(), -1) for s, e, _ in c.words] for c in caps], forced


def cache(caps, path: Path, layers: int = 6):
    from safetensors.torch import load_file, save_file
    if path.exists():
        d = load_file(str(path))
        lens = d["lens"].tolist()
        parts = torch.split(d["states"].float(), lens)
        offs = d["offsets"].tolist()
        o = np.cumsum([0] + lens)
        return [(parts[i], [tuple(x) for x in offs[o[i]:o[i + 1]]]) for i in range(len(lens))]
    t = time.perf_counter()
    enc = []
    step = 512
    for k in range(0, len(caps), step):
        enc += R.encode_states([c.text for c in caps[k:k + step]], layers=layers)
        print(f"  MiniLM states {len(enc)}/{len(caps)} ({time.perf_counter() - t:.0f} s)", flush=True)
    save_file({"states": torch.cat([s for s, _ in enc]).half(), "lens": torch.tensor([len(s) for s, _ in enc]),
               "offsets": torch.tensor([o for _, off in enc for o in off])}, str(path))
    return enc


def batches(encoded, rows, idx, batch, rng, glosses=None, p_mask=0.0, p_unfamiliar=1.0):
    """Padded batches; with `glosses` (features, per-caption word rows), the gloss features per token and,
    when training (`rng`), a word with definitions loses its own states with probability p_mask."""
    idx = np.array(idx)
    if rng is not None:
        idx = idx[rng.permutation(len(idx))]
    for k in range(0, len(idx), batch):
        b = idx[k:k + batch]
        n = max(len(encoded[i][0]) for i in b)
        x = torch.zeros(len(b), n, 384)
        mask = torch.zeros(len(b), n, dtype=torch.bool)
        tags = torch.full((len(b), n), -100, dtype=torch.long)
        g = torch.zeros(len(b), n, glosses[0].shape[1]) if glosses is not None else None
        for r, i in enumerate(b):
            s = encoded[i][0]
            x[r, :len(s)], mask[r, :len(s)] = s, True
            tags[r, :len(s)] = torch.tensor(rows[i][0])
            if glosses is not None:
                feats, word_rows, forced = glosses
                wr = torch.tensor(word_rows[i] + [-1])           # -1 (the appended row) for tokens outside words
                if p_unfamiliar < 1:            # the words taken as unfamiliar: the same in validation every epoch
                    pick = (rng if rng is not None else np.random.default_rng(int(i))).random(len(wr)) < p_unfamiliar
                    pick |= np.array(forced[i] + [False])
                    wr = torch.where(torch.from_numpy(pick), wr, -1)
                tok = wr[torch.tensor(rows[i][2])]
                have = tok >= 0
                g[r, :len(s)][have] = feats[tok[have]]
                if rng is not None and p_mask:
                    drop = torch.from_numpy(rng.random(len(wr)) < p_mask) & (wr >= 0)
                    x[r, :len(s)][drop[torch.tensor(rows[i][2])]] = 0.0
        labels = torch.tensor([rows[i][1] for i in b])
        yield x, mask, tags, labels, g


def base_reader(folder: Path) -> dict:
    """What a gloss-only reader was trained on top of: the base's weights' SHA-256 and recipe."""
    import hashlib
    card = json.loads((folder / "model.json").read_text())
    return {"sha256": hashlib.sha256((folder / "model.safetensors").read_bytes()).hexdigest(),
            "recipe": card["recipe"], "validation_all_groups": card.get("validation_all_groups")}


def freeze_all_but_glosses(net, folder: Path, heads_only: bool = False, groups: list | None = None,
                           unfrozen: list | None = None) -> None:
    """The reader in `folder` (trained without glosses) copied into `net` and frozen; only the gloss input and the
    gloss columns of the value and tag heads train, from zero, so a prompt without definitions reads exactly as
    that reader reads it. The groups in `unfrozen` also train their whole value head and their row of the
    attention query (their reading of the reader's own words may then move)."""
    from safetensors.torch import load_file
    base = load_file(str(folder / "model.safetensors"))
    own = net.state_dict()
    for k, v in base.items():
        if own[k].shape == v.shape:
            own[k] = v
        else:                                     # a head over [states, gloss]: the states' columns copied
            own[k] = torch.cat([v, torch.zeros(v.shape[0], own[k].shape[1] - v.shape[1])], 1)
    own["gloss_in.weight"].zero_()
    own["gloss_in.bias"].zero_()
    net.load_state_dict(own)
    d_in = net.cfg.d_in
    names = list(net.cfg.groups)
    free = [names.index(g) for g in unfrozen or []]
    for n, p in net.named_parameters():
        widened = n in base and base[n].shape != p.shape
        if widened and groups and n.startswith("out.") and names[int(n.split(".")[1])] not in groups:
            widened = False                       # this group's head reads no definitions
        whole = n.startswith("out.") and int(n.split(".")[1]) in free
        own_attention = n.startswith(("gloss_key.", "gloss_query", "gloss_null"))
        p.requires_grad_((n.startswith("gloss_in.") and not heads_only) or widened or own_attention or whole
                         or (n == "query" and bool(free)))
        if widened and not whole:                 # only the gloss columns learn
            p.register_hook(lambda g, k=d_in: torch.cat([torch.zeros_like(g[:, :k]), g[:, k:]], 1))
        if n == "query" and free:                 # only the unfrozen groups' rows learn
            keep = torch.zeros(p.shape[0], 1)
            keep[free] = 1.0
            p.register_hook(lambda g, m=keep: g * m)


def loss_fn(out, tags, labels, tag_weight):
    loss = tag_weight * F.cross_entropy(out["tags"].flatten(0, 1), tags.flatten(), ignore_index=-100)
    for gi, logits in enumerate(out["groups"].values()):
        loss = loss + F.cross_entropy(logits, labels[:, gi])
    return loss


def accuracy(reader_fn, prompts, labels) -> dict:
    got = reader_fn(prompts)
    acc = {}
    for g in GROUPS:
        ok = [(r.values[g] or OPEN) == lab[g] for r, lab in zip(got, labels)]
        acc[g] = round(float(np.mean(ok)), 4)
    acc["all"] = round(float(np.mean([all((r.values[g] or OPEN) == lab[g] for g in GROUPS)
                                      for r, lab in zip(got, labels)])), 4)
    acc["n"] = len(prompts)
    return acc


def dev_words(reader, n: int = 600) -> dict:
    """Accuracy on captions whose attribute words are the lexicon's dev words (never trained on): what
    the recipe is tuned on."""
    caps = caption_set(n, 4242, CaptionConfig(p_world=0.0, p_lexicon=1.0, lexicon="dev", p_outside=0.0,
                                              p_colour_after=0.25, colour_after_ways=len(COLOUR_AFTER), survey_filter=True))
    return accuracy(reader.read_many, [c.text for c in caps], [c.labels for c in caps])


def measure(reader) -> dict:
    from studio.engine.world.attributes import Attributes, is_valid
    from studio.engine.world.captions import caption
    from studio.engine.world.paraphrases import paraphrase
    fn = reader.read_many
    out = {}
    rows = [json.loads(ln) for ln in (ROOT / "data" / "reader_heldout.jsonl").read_text().splitlines() if ln]
    out["heldout_list"] = accuracy(fn, [r["text"] for r in rows], [r["labels"] for r in rows])
    rng = np.random.default_rng(777)
    attrs = []
    while len(attrs) < 300:
        a = Attributes(**{g: v[int(rng.integers(len(v)))] for g, v in GROUPS.items()})
        if is_valid(a):
            attrs.append(a)

    def lab(a, speed_open):
        d = a.as_dict()
        if speed_open and a.motion == "still":
            d["speed"] = OPEN
        return d
    out["world_captions"] = accuracy(fn, [caption(a, rng) for a in attrs], [lab(a, True) for a in attrs])
    para = [paraphrase(a, rng) for a in attrs]
    out["eval_paraphrases"] = accuracy(fn, para, [lab(a, True) for a in attrs])
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    for k, v in asdict(Recipe()).items():
        kind = (lambda x: x.lower() in ("1", "true", "yes")) if isinstance(v, bool) else type(v)
        ap.add_argument(f"--{k.replace('_', '-')}", type=kind, default=v)
    ap.add_argument("--cache", default="/tmp/prompt_reader_states.safetensors")
    ap.add_argument("--out", default=str(R.FOLDER))
    ap.add_argument("--no-measure", action="store_true")
    args = ap.parse_args()
    recipe = Recipe(**{k: getattr(args, k) for k in asdict(Recipe())})
    torch.manual_seed(recipe.seed)
    t0 = time.perf_counter()
    caption_cfg = CaptionConfig(p_lexicon=recipe.p_lexicon, p_colour_after=recipe.p_colour_after,
                                colour_after_ways=recipe.colour_after_ways, survey_filter=recipe.survey_filter,
                                p_auxiliary=recipe.p_auxiliary, p_predicate=recipe.p_predicate,
                                p_more_colour=recipe.p_more_colour, p_more_shape=recipe.p_more_shape,
                                more_plain=recipe.more_plain)
    caps = caption_set(recipe.captions, recipe.seed, caption_cfg)
    encoded = cache(caps, Path(args.cache), 6 - recipe.tuned_layers)
    t_cache = time.perf_counter() - t0
    rows = targets(caps, encoded)
    rng = np.random.default_rng(recipe.seed)
    perm = rng.permutation(len(caps))
    n_val = int(len(caps) * recipe.val_share)
    val, train = perm[:n_val].tolist(), perm[n_val:].tolist()
    familiar = None                    # gloss_only: the words the frozen base reader was trained on
    if recipe.gloss_only:
        familiar = set(json.loads((Path(recipe.gloss_only) / "model.json").read_text())["training_words"])
    glosses = gloss_table(caps, familiar, recipe.colour, recipe.gloss_senses) if recipe.gloss else None
    net = R.PromptReaderNet(R.ReaderConfig(tags=list(TAGS), tuned_layers=recipe.tuned_layers, gloss=recipe.gloss,
                                           gloss_unfamiliar=recipe.p_unfamiliar < 1, colour=recipe.colour,
                                           gloss_attention=[g for g in recipe.gloss_attention.split(",") if g],
                                           gloss_senses=recipe.gloss_senses))
    if recipe.tuned_layers:
        from studio.engine.text.encoder import default_encoder
        enc = default_encoder()
        enc._load()                                   # not loaded yet when the states came from the cache
        for k, layer in enumerate(net.top):
            layer.load_state_dict(enc._model.blocks[6 - recipe.tuned_layers + k].state_dict())
    if recipe.gloss_only:
        freeze_all_but_glosses(net, Path(recipe.gloss_only), recipe.gloss_heads_only,
                               [g for g in recipe.gloss_groups.split(",") if g],
                               [g for g in recipe.unfreeze.split(",") if g])
        if recipe.init:
            from safetensors.torch import load_file
            net.load_state_dict(load_file(str(Path(recipe.init) / "model.safetensors")))
        if recipe.tags_only:
            for n, p in net.named_parameters():
                p.requires_grad_(n.startswith(("tag.", "tag_raw.")))
    top = list(net.top.parameters())
    head = [p for n, p in net.named_parameters() if not n.startswith("top.") and p.requires_grad]
    groups = [{"params": head, "lr": recipe.lr}] + ([{"params": top, "lr": recipe.lr_top}] if top else [])
    opt = torch.optim.AdamW(groups, lr=recipe.lr, weight_decay=recipe.weight_decay)
    steps = recipe.epochs * ((len(train) + recipe.batch - 1) // recipe.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, [g["lr"] for g in groups], total_steps=steps, pct_start=0.1)
    t1 = time.perf_counter()
    for ep in range(recipe.epochs):
        net.train()
        losses = []
        for x, mask, tags, labels, g in batches(encoded, rows, train, recipe.batch, rng, glosses, recipe.p_mask,
                                                recipe.p_unfamiliar):
            loss = loss_fn(net(x, mask, g), tags, labels, recipe.tag_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            losses.append(float(loss.detach()))
        net.eval()
        with torch.no_grad():
            right = total = 0
            for x, mask, tags, labels, g in batches(encoded, rows, val, 256, None, glosses, 0.0, recipe.p_unfamiliar):
                out = net(x, mask, g)
                pred = torch.stack([lg.argmax(-1) for lg in out["groups"].values()], 1)
                right += int((pred == labels).all(1).sum())
                total += len(labels)
        print(f"epoch {ep + 1}: loss {np.mean(losses):.4f}  validation all-groups {right / total:.4f}", flush=True)
    t_train = time.perf_counter() - t1
    folder = Path(args.out)
    card = {"about": "Reads a prompt into shapes-world attribute values (or open) and tags each word; "
                     "a head over all-MiniLM-L6-v2 token states",
            "text_encoder": "all-MiniLM-L6-v2 (last hidden states, uncased wordpieces)",
            "recipe": {**asdict(recipe), "captions_generator": "studio/engine/text/reader_captions.py",
                       "script": "scripts/train_prompt_reader.py", "device": "cpu",
                       "minilm_cache_seconds": round(t_cache, 1), "train_seconds": round(t_train, 1)},
            "validation_all_groups": round(right / total, 4),
            **({"base_reader": base_reader(Path(recipe.gloss_only))} if recipe.gloss_only else {}),
            **({"init_reader": base_reader(Path(recipe.init))} if recipe.init else {}),
            "training_words": sorted(familiar if familiar is not None
                                     else training_vocabulary(recipe.captions, recipe.seed, caption_cfg))}
    R.save_reader(net, folder, card)
    card["dev_words"] = dev_words(R.PromptReader(folder))
    R.save_reader(net, folder, card)
    print("dev words:", json.dumps(card["dev_words"]), flush=True)
    if args.no_measure:
        return
    reader = R.PromptReader(folder)
    card["metrics"] = measure(reader)
    R.save_reader(net, folder, card)
    print(json.dumps(card["metrics"], indent=1))


if __name__ == "__main__":
    main()
