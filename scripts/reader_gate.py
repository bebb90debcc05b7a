"""Session 6's ship rule, applied to two runs of a runs file (docs/reader_runs_session*.json, written by
record_reader_run.py): the shipped state (BASE, a prefix of its name) against a candidate (CANDIDATE, a prefix).

It ships when all of these hold:
- training-style prompts keep 100 / 100 / 98 %;
- none of the nine colour / shape / motion figures falls by more than 3 points: the v1 list (clip), the
  paraphrases and the held-out combinations;
- their sum rises;
- paraphrase backgrounds fall by no more than 3 points;
- since session 11, the two vocabulary probes' colour + shape + motion sum does not fall.

    python scripts/reader_gate.py docs/reader_runs_session12.json "K2 drawn on the torus" "R6"
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

LISTS = (("v1", "reader_heldout_list"), ("paraphrase", "paraphrase"), ("held-out combinations", "held_out_paraphrase"))
GROUPS = ("color", "shape", "motion")


def nine(run: dict) -> dict:
    e = run["eval"]
    return {f"{name} {g}": 100 * e[key].get("clip", e[key])[g] for name, key in LISTS for g in GROUPS}


def probe_sum(run: dict) -> float:
    return sum(run[p][g] for p in ("vocab_probe", "objects_probe") for g in GROUPS)


def verdict(base: dict, cand: dict) -> tuple[bool, list[str]]:
    a, b = nine(base), nine(cand)
    lines = [f"{k:28s} {a[k]:6.1f} -> {b[k]:6.1f} {b[k] - a[k]:+5.1f}" + ("  falls > 3" if b[k] - a[k] < -3 else "")
             for k in a]
    tr = cand["eval"]["training"]
    bg_a, bg_b = (100 * r["eval"]["paraphrase"]["background"] for r in (base, cand))
    checks = {"no figure falls by more than 3 points": all(b[k] - a[k] >= -3 for k in a),
              f"the sum rises ({sum(a.values()):.1f} -> {sum(b.values()):.1f})": sum(b.values()) > sum(a.values()),
              "training-style prompts keep 100 / 100 / 98 %": tr["color"] >= 1 and tr["shape"] >= 1
              and tr["motion"] >= 0.98,
              f"paraphrase background within 3 points ({bg_a:.1f} -> {bg_b:.1f})": bg_b >= bg_a - 3,
              f"the probes' sum does not fall ({probe_sum(base):.1f} -> {probe_sum(cand):.1f})":
              probe_sum(cand) >= probe_sum(base)}
    lines += [("yes  " if ok else "NO   ") + what for what, ok in checks.items()]
    return all(checks.values()), lines


def main() -> int:
    path, base_name, cand_name = sys.argv[1:4]
    runs = json.loads(Path(path).read_text())["runs"]

    def find(prefix: str) -> dict:
        found = [v for k, v in runs.items() if k.startswith(prefix)]
        if len(found) != 1:
            raise SystemExit(f"{len(found)} runs start with {prefix!r}")
        return found[0]
    ok, lines = verdict(find(base_name), find(cand_name))
    print("\n".join(lines))
    print("ships" if ok else "does not ship")
    return 0


if __name__ == "__main__":
    sys.exit(main())
