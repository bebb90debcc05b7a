"""Adds one measured run to a session's runs file (default docs/reader_runs_session11.json): its gate figures
(the JSON of `eval_prompt_reader.py --per-group 108 --no-v2`) and tuning figures (the JSON of
`reader_tuning_check.py --json`), under a name and a note of the code it measured.

    python scripts/record_reader_run.py NAME CODE GATE.json TUNING.json [RUNS.json]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = ROOT / "docs" / "reader_runs_session11.json"
ABOUT = ("Session {n}: parser rules and reader runs measured before they were kept. eval: "
         "scripts/eval_prompt_reader.py --per-group 108 --no-v2 (clip); probe: data/reader_tuning_v3.jsonl; "
         "vocab_probe: data/reader_tuning_v4.jsonl; objects_probe: data/reader_tuning_v5.jsonl (never-seen "
         "everyday objects and rarer verbs; tuning only); dev_in_shapes: the lexicon's dev words in the probe's "
         "shapes (scripts/reader_tuning_check.py --json).")
GATE_KEYS = ("reader_heldout_list", "training", "paraphrase", "held_out_paraphrase")


def main() -> None:
    name, code, gate, tuning = sys.argv[1:5]
    path = Path(sys.argv[5]) if len(sys.argv) > 5 else RUNS
    session = path.stem.rsplit("session", 1)[-1]
    runs = json.loads(path.read_text()) if path.exists() else {"about": ABOUT.format(n=session), "runs": {}}
    g = json.loads(Path(gate).read_text())
    runs["runs"][name] = {"code": code, "eval": {k: g[k] for k in GATE_KEYS if k in g},
                          **json.loads(Path(tuning).read_text())}
    path.write_text(json.dumps(runs, indent=1) + "\n")
    print(f"{path}: {len(runs['runs'])} runs")


if __name__ == "__main__":
    main()
