"""Whether a static word embedding from a large language model knows what the tuning probes' never-seen words look
like: a linear classifier on the embedding of the word alone, trained on the larger colour lists' names and the
shape nouns the captions may use (`reader_words.more_colours(True)`, `more_shapes(True)`: no probe, test-list or
studio eval word), read on the never-seen colour words of data/reader_tuning_v4.jsonl and shape words of
data/reader_tuning_v5.jsonl (tuning lists, never test lists). Beside it, the same classifier on MiniLM's embedding
of "a {word}". WordLlama (PyPI `wordllama`, MIT; its l2_supercat weights, Llama 2 token embeddings distilled to 256
values, are inside the wheel) is not one of the app's packages: install it to run this.

    .venv/bin/pip install wordllama==0.4.0.post1
    OMP_NUM_THREADS=1 .venv/bin/python scripts/static_embedding_check.py [--json docs/static_embeddings.json]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from knowledge_ceiling import words_of  # noqa: E402
from studio.engine.text import reader_words as W  # noqa: E402


def wordllama():
    """The wheel's own weights and tokenizer (its loader looks for the tokenizer in a folder the wheel lacks and
    then asks huggingface.co, which cannot be reached)."""
    import wordllama as pkg
    from safetensors import safe_open
    from wordllama.inference import WordLlamaInference
    from wordllama.wordllama import WordLlama
    root = Path(pkg.__file__).parent
    tok = WordLlama.load_tokenizer(root / "tokenizers" / "l2_supercat_tokenizer_config.json")
    with safe_open(str(root / "weights" / "l2_supercat_256.safetensors"), framework="np") as f:
        return WordLlamaInference(f.get_tensor("embedding.weight"), tok)


def accuracy(x_train, y_train, x_test, y_test, classes, l2: float) -> float:
    """A multinomial logistic regression (L-BFGS, L2 penalty `l2`) on standardised features."""
    xtr, xte = torch.tensor(x_train, dtype=torch.float32), torch.tensor(x_test, dtype=torch.float32)
    mu, sd = xtr.mean(0), xtr.std(0) + 1e-6
    xtr, xte = (xtr - mu) / sd, (xte - mu) / sd
    ytr = torch.tensor([classes.index(y) for y in y_train])
    torch.manual_seed(0)
    lin = torch.nn.Linear(xtr.shape[1], len(classes))
    opt = torch.optim.LBFGS(lin.parameters(), max_iter=300)

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(lin(xtr), ytr) + l2 * (lin.weight ** 2).sum()
        loss.backward()
        return loss
    opt.step(closure)
    pred = lin(xte).argmax(1).tolist()
    return float(np.mean([classes[p] == y for p, y in zip(pred, y_test)]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args()
    from studio.engine.text.encoder import TextEncoder
    enc, wl = TextEncoder(), wordllama()
    embed = {"wordllama": lambda ws: wl.embed(ws, norm=True), "minilm": lambda ws: enc.encode([f"a {w}" for w in ws])}
    report = {}
    for group, train, probe in (("color", W.more_colours(True), "reader_tuning_v4.jsonl"),
                                ("shape", W.more_shapes(True), "reader_tuning_v5.jsonl")):
        classes = sorted(train)
        tr = [(w, v) for v, ws in train.items() for w in ws]
        te = [(w, v) for w, v in words_of([probe], group) if v in classes]
        report[group] = {"train_words": len(tr), "probe_words": len(te), "percent": {}}
        for name, f in embed.items():
            xtr, xte = f([w for w, _ in tr]), f([w for w, _ in te])
            for l2 in (0.1, 0.01, 0.001):
                acc = accuracy(xtr, [v for _, v in tr], xte, [v for _, v in te], classes, l2)
                report[group]["percent"][f"{name}, l2 {l2}"] = round(100 * acc, 1)
                print(f"{group:6s} {name:10s} l2 {l2:<6} {100 * acc:5.1f} % of {len(te)} words")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
