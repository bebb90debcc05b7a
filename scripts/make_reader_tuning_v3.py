"""Writes data/reader_tuning_v3.jsonl: a probe of sentence shapes for tuning the prompt reader,
written in session 9. Its sentences are never trained on.

It is a tuning list, not a test list: its rows may be read, and decisions may be made on them, so
that the two held-out lists stay clean (v2 is read only for a reader that ships). Its attribute
phrases are the reader's own hand-written words (`reader_words.py`), so a miss here is a miss of
sentence shape, not of vocabulary: participles first, several short sentences with "it", the
attributes said as predicates ("the star is red and small"), questions, brackets, interrupted
clauses, the background first. The dev words (`train_prompt_reader.dev_words`) probe vocabulary in
the training sentence shapes; the two together say which of the two a reader lacks.
Each row holds the prompt, its labels (group -> value or "open"), its template and phrases.

    nice -n 15 .venv/bin/python scripts/make_reader_tuning_v3.py
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_reader_heldout import _pick, write_rows  # noqa: E402

from studio.engine.world.attributes import GROUPS  # noqa: E402

OUT = ROOT / "data" / "reader_tuning_v3.jsonl"
SEED = 2026

TEMPLATES = [
    "{motion_cap} {speed}, a {size} {color} {shape}.",
    "a {shape}. it's {color}. it is {motion} {speed}.",
    "the {shape} is {color} and {size}; it keeps {motion}",
    "{color} please! a {size} {shape} {motion} on a {bg} background",
    "could you animate a {size} {shape}? make it {color}, and have it {motion} {speed}",
    "a {shape} coloured {color} that is {motion} {speed} in front of a {bg} backdrop",
    "{size} and {color}, the {shape} is {motion}",
    "something {color}: a {shape}, {motion}",
    "i'd love to see a {shape} ({color}, {size}) {motion} {speed}",
    "on a {bg} background there should be a {color} {shape} {motion}",
    "a {color} {shape} which, {speed}, keeps {motion}",
    "ok so, {bg} background... and a {size} {color} {shape}... {motion}",
]
STILL = {"{speed}": "", " {speed}": "", "{speed} ": "", ", {speed}": ""}


def fill(template: str, phrases: dict) -> str:
    """The template with its phrases ("motion_cap": the motion capitalised), spaces and stray punctuation
    tidied (an empty slot leaves none)."""
    phrases = {**phrases, "motion_cap": phrases["motion"][:1].upper() + phrases["motion"][1:]}
    text = re.sub(r"\s+", " ", template.format(**phrases)).strip()
    return re.sub(r" ([,.;?)])", r"\1", text).replace("(,", "(")


def probe_row(template: str, values: dict, phrases: dict) -> dict:
    """A probe row: the template filled with the phrases (keyed "bg" for the background; a still motion says no
    speed), its labels (group -> value, "open" where the template says nothing of the group), template, phrases."""
    text = template
    if values["motion"] == "still":
        for k, v in STILL.items():
            text = text.replace(k, v)
    key = {g: "bg" if g == "background" else g for g in GROUPS}
    said = {g: "{" + key[g] + "}" in text or (g == "motion" and "{motion_cap}" in text) for g in GROUPS}
    return {"text": fill(text, phrases), "labels": {g: (values[g] if said[g] else "open") for g in GROUPS},
            "template": template, "phrases": {g: phrases[key[g]] for g in GROUPS if said[g]}}


def main(n: int = 480) -> None:
    from studio.engine.text import reader_words as W
    banks = {"color": W.COLOR, "shape": W.SHAPE, "size": W.SIZE, "speed": W.SPEED, "motion": W.MOTION,
             "bg": W.BACKGROUND}

    def row(a, rng) -> dict:
        template = _pick(rng, TEMPLATES)
        phrases = {k: _pick(rng, b[getattr(a, "background" if k == "bg" else k)]) for k, b in banks.items()}
        return probe_row(template, a.as_dict(), phrases)

    write_rows(OUT, n, SEED, row)


if __name__ == "__main__":
    main()
