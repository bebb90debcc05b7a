"""The tables of measured figures in README.md and docs/NOTES.md, generated from the committed JSON of
the runs that made them (docs/eval_*.json, docs/bench_*.json, the model cards), never retyped.

    python scripts/doc_tables.py           # rewrites every generated block
    python scripts/doc_tables.py --check   # exit 1 when a block differs from its JSON (a test runs this)

A block sits between `<!-- generated: NAME -->` and `<!-- end generated -->`; NAME picks the table.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ("README.md", "docs/NOTES.md")
BLOCK = re.compile(r"(<!-- generated: (\S+) -->\n)(.*?)(<!-- end generated -->)", re.S)


def _json(path: str) -> dict:
    return json.loads((ROOT / path).read_text(encoding="utf-8"))


def _minutes(name: str) -> tuple[float, list[float]]:
    """A model's CPU minutes of training, with those of the model it started from (--init-from)."""
    cfg = _json(f"models/{name}/model.json")["recipe"]["config"]
    own = float(cfg["minutes"])
    if cfg.get("init_from"):
        before, parts = _minutes(Path(cfg["init_from"]).name)
        return before + own, parts + [own]
    return own, [own]


def _count(per_caption: dict, key: str) -> str:
    missed = [c for c, v in per_caption.items() if not v[key]]
    return f"{len(per_caption) - len(missed)} of {len(per_caption)}" + (f" (not: {'; '.join(missed)})" if missed else "")


def footage_figures() -> str:
    names = ("footage-vae", "footage-gan")
    ev = {n: _json(f"docs/eval_{n}.json") for n in names}
    be = {n: _json(f"docs/bench_{n}.json") for n in names}
    rows = [
        ("reconstruction PSNR at 64 px, held-out frames",
         {n: f"{ev[n]['reconstruction']['psnr_db_mean']:.2f} dB (worst video {ev[n]['reconstruction']['psnr_db_min']:.2f})"
          for n in names}, "26 dB"),
        ("generated sharpness vs the footage's", {n: f"{ev[n]['sharpness_ratio_mean']:.0%}" for n in names}, "30%"),
        (f"captions whose clips still move at {ev[names[0]]['long_frames']} frames (10x)",
         {n: _count(ev[n]["per_caption"], "keeps_moving") for n in names}, "all"),
        ("generated clip nearest its own caption's footage (colour)",
         {n: _count(ev[n]["per_caption"], "nearest_own_footage") for n in names}, "all but one"),
        ("training step, achieved vs matmul GFLOP/s (bench, cores shared)",
         {n: f"{be[n]['footage_train_achieved_gflops']:.0f} / {be[n]['matmul_gflops']:.0f} = "
             f"{be[n]['footage_train_achieved_to_matmul_ratio']:.0%} ({be[n]['footage_train_pixel_frames_per_s']:.0f} "
             f"pixel frames/s)" for n in names}, "25%"),
    ]
    minutes = {}
    for n in names:
        total, parts = _minutes(n)
        minutes[n] = f"{total:g}" + (f" ({' + '.join(f'{p:g}' for p in parts)})" if len(parts) > 1 else "")
    rows.append(("CPU minutes of training", minutes, "10"))
    lines = ["| figure | " + " | ".join(names) + " | goal |", "| --- " * (len(names) + 2) + "|"]
    lines += [f"| {what} | " + " | ".join(vals[n] for n in names) + f" | {goal} |" for what, vals, goal in rows]
    return "\n".join(lines) + "\n"


def _triple(group: dict | None) -> str:
    if group is None:
        return "not measured"
    return " / ".join(f"{100 * group[g]:.1f}" for g in ("color", "shape", "motion")) + " %"


def prompt_reader_figures() -> str:
    rules, reader = _json("docs/eval_prompt_rules.json"), _json("docs/eval_prompt_reader.json")
    held = reader["reader_heldout_list"]["n"]
    rows = [(f"reader held-out list, {held}, clip", lambda r: r["reader_heldout_list"]["clip"]),
            ("same, text only", lambda r: r["reader_heldout_list"]["text"])]
    if "reader_heldout_v2" in reader:
        rows.append((f"second held-out list (clean), {reader['reader_heldout_v2']['n']}, clip",
                     lambda r: r.get("reader_heldout_v2", {}).get("clip")))
    rows += [(f"studio eval paraphrase, {reader['per_group']}", lambda r: r["paraphrase"]),
             (f"held-out-combination paraphrase, {reader['per_group']}", lambda r: r["held_out_paraphrase"]),
             (f"training-style prompts, {reader['per_group']}", lambda r: r["training"])]
    lines = ["| group (colour / shape / motion) | word rules | reader + colour survey |", "| --- | --- | --- |"]
    lines += [f"| {what} | {_triple(get(rules))} | {_triple(get(reader))} |" for what, get in rows]
    return "\n".join(lines) + "\n"


def reader_session_figures(runs: str = "docs/reader_runs_session10.json",
                           now: str = "docs/eval_prompt_reader_session10.json", session: int = 10) -> str:
    """The state a session started from (the first run of its runs file) against the state it shipped (the eval of
    that state: docs/eval_prompt_reader.json for the last session), with the issue's targets."""
    before = next(iter(_json(runs)["runs"].values()))["eval"]
    if "reader_heldout_v2" not in before:            # that run's gate left v2 out: the previous session's own eval
        before = _json(f"docs/eval_prompt_reader_session{session - 1}.json")
    now = _json(now)
    rows = [("reader_heldout_v2", "v2, the clean list, 400", "95 / 90 / 90"),
            ("reader_heldout_list", "v1 held-out list, 600", ""),
            ("paraphrase", "paraphrases, 108 (background)", "90 / 90 / 90"),
            ("held_out_paraphrase", "held-out combinations, 108 (background)", "90 / 90 / 90"),
            ("training", "training-style prompts, 108", "100 / 100 / 98")]

    def cell(got: dict, key: str) -> str:
        got = got[key].get("clip", got[key])
        text = " / ".join(f"{100 * got[g]:.1f}" for g in ("color", "shape", "motion"))
        return text + (f" ({100 * got['background']:.1f})" if "background" in got and "paraphrase" in key else "")
    lines = [f"| list: colour / shape / motion, clip | session {session - 1} | session {session} | target |",
             "| --- | --- | --- | --- |"]
    lines += [f"| {what} | {cell(before, key)} | {cell(now, key)} | {target} |" for key, what, target in rows]
    return "\n".join(lines) + "\n"


def knowledge_ceiling_figures() -> str:
    """What share of the tuning probes' never-seen words each of the app's sources reads right
    (docs/knowledge_ceiling.json, scripts/knowledge_ceiling.py)."""
    got = _json("docs/knowledge_ceiling.json")
    cols = ("lists", "definitions", "minilm", "parser", "any source")
    names = {"lists": "colour lists", "definitions": "plain words of its definitions", "minilm": "MiniLM, nearest "
             "description", "parser": "the parser, word alone", "any source": "any of these (ceiling)"}
    lines = ["| words (probe) | " + " | ".join(names[c] for c in cols) + " | target |", "| --- " * (len(cols) + 2) + "|"]
    targets = {"color": "95", "shape": "90", "motion": "90"}
    for g, r in got.items():
        lines.append(f"| {g}, {r['words']} | " + " | ".join(f"{r['percent'][c]:.1f}" for c in cols)
                     + f" | {targets[g]} |")
    return "\n".join(lines) + "\n"


def reader_runs_figures(path: str = "docs/reader_runs_session6.json") -> str:
    """A session's retrained readers against the shipped one (docs/reader_runs_session*.json)."""
    runs = _json(path)["runs"]
    names = list(runs)
    groups = [("reader_heldout_list", "v1 held-out list, 600, clip"), ("paraphrase", "studio eval paraphrase, 108"),
              ("held_out_paraphrase", "held-out-combination paraphrase, 108"),
              ("training", "training-style prompts, 108")]

    def cell(run: dict, key: str, g: str) -> str:
        got = run["eval"][key]
        return f"{100 * got.get('clip', got)[g]:.1f}"

    lines = ["| group: colour / shape / motion (background) | " + " | ".join(names) + " |",
             "| --- |" + " --- |" * len(names)]
    for key, what in groups:
        extra = key in ("paraphrase", "held_out_paraphrase")
        lines.append(f"| {what} | " + " | ".join(
            " / ".join(cell(runs[n], key, g) for g in ("color", "shape", "motion"))
            + (f" ({cell(runs[n], key, 'background')})" if extra else "") for n in names) + " |")
    if any("dev_words" in r for r in runs.values()):
        lines.append("| lexicon dev words, 600 captions: colour / shape / motion (size, speed) | " + " | ".join(
            (" / ".join(f"{100 * runs[n]['dev_words'][g]:.1f}" for g in ("color", "shape", "motion"))
             + f" ({100 * runs[n]['dev_words']['size']:.1f}, {100 * runs[n]['dev_words']['speed']:.1f})")
            if runs[n].get("dev_words") else "not measured" for n in names) + " |")
    if any("probe" in r for r in runs.values()):
        lines.append("| sentence-shape probe (data/reader_tuning_v3.jsonl), 480, text: colour / shape / motion "
                     "(background) | " + " | ".join(
                         " / ".join(f"{runs[n]['probe'][g]:.1f}" for g in ("color", "shape", "motion"))
                         + f" ({runs[n]['probe']['background']:.1f})" for n in names) + " |")
    for key, what in (("vocab_probe", "vocabulary probe (data/reader_tuning_v4.jsonl), 600, text"),
                      ("objects_probe", "objects probe (data/reader_tuning_v5.jsonl), 600, text"),
                      ("dev_in_shapes", "lexicon dev words in the probe's shapes, 600, text")):
        if any(key in r for r in runs.values()):
            lines.append(f"| {what}: colour / shape / motion | " + " | ".join(
                " / ".join(f"{runs[n][key][g]:.1f}" for g in ("color", "shape", "motion")) for n in names) + " |")
    if any("background_dev" in r for r in runs.values()):
        lines.append("| WordNet background words: dev (all, 141 sentences) | " + " | ".join(
            f"{runs[n]['background_dev']} ({runs[n]['background_all']})" for n in names) + " |")
    if any("validation_all_groups" in r for r in runs.values()):
        lines.append("| validation on its own captions (all groups right) | " + " | ".join(
            f"{runs[n]['validation_all_groups']:.3f}" if "validation_all_groups" in runs[n] else "shipped reader"
            for n in names) + " |")
    return "\n".join(lines) + "\n"


def shapes_motion_figures() -> str:
    """Motion read right at each length and loops, image to video, from `studio eval` of the shapes models."""
    names = ("shapes-vae", "shapes-gan")
    ev = {n: _json(f"docs/eval_{n}.json") for n in names}
    lengths = [k for k in ev[names[0]]["long_motion"] if k.isdigit()]
    rows = [(f"motion read right at {k} frames, from the model ({ev[names[0]]['long_motion'][k]['n']} clips)",
             {n: f"{ev[n]['long_motion'][k]['motion']:.1%}" for n in names}, "90%" if k != "16" else "")
            for k in lengths]
    loop = {n: ev[n]["long_motion"]["loop_64"] for n in names}
    rows.append((f"64-frame seamless loops: motion read right ({loop[names[0]]['n']} clips)",
                 {n: f"{loop[n]['motion']:.1%}" for n in names}, ""))
    rows.append(("loops: seam over the median step between frames, median / 90th percentile",
                 {n: f"{loop[n]['seam_over_median_step']:.2f} / {loop[n]['seam_over_median_step_p90']:.2f}" for n in names},
                 "about 1"))
    i2v = ev["shapes-vae"]["image_to_video"]
    rows.append((f"image to video ({i2v['n']} stills): moves as prompted",
                 {"shapes-vae": f"{i2v['moves_as_prompted']:.1%}", "shapes-gan": "(VAE only)"}, "85%"))
    rows.append(("image to video: first frame at 25 dB or more (mean)",
                 {"shapes-vae": f"{i2v['first_frame_at_least_25db']:.1%} ({i2v['first_frame_psnr_db_mean']:.1f} dB)",
                  "shapes-gan": "(VAE only)"}, "90%"))
    lines = ["| figure | " + " | ".join(names) + " | goal |", "| --- " * (len(names) + 2) + "|"]
    lines += [f"| {what} | " + " | ".join(vals[n] for n in names) + f" | {goal} |" for what, vals, goal in rows]
    return "\n".join(lines) + "\n"


def music_figures() -> str:
    """The music goals from `studio bench --model shapes-vae --json` (docs/bench_shapes-vae.json)."""
    b = _json("docs/bench_shapes-vae.json")
    ratio = {g: b[f"drive_render_600_still_{g}_ratio"] for g in ("size", "speed", "color", "background", "shape")}
    rows = [("a 3-minute song analysed cold in a new process, MP3 / WAV",
             f"{b['music_analysis_cold_mp3_s']:.2f} / {b['music_analysis_cold_wav_s']:.2f} s", "3 s"),
            ("the same MP3 in the app (librosa preloaded while the song was chosen, 3 s)",
             f"{b['music_analysis_in_app_mp3_s']:.2f} s", "3 s"),
            ("600 frames, one drive on size / speed / colour, driven vs not",
             " / ".join(f"{ratio[g]:.2f}x" for g in ("size", "speed", "color")), "1.1x"),
            ("600 frames, one drive on the background / the shape, driven vs not",
             f"{ratio['background']:.2f}x / {ratio['shape']:.2f}x", "1.1x"),
            ("600 frames, the bench's 3 drives (size, sefa1, noise), still look / keyframed loop",
             f"{b['drive_render_600_still_ratio']:.2f}x / {b['drive_render_600_keyframed_ratio']:.2f}x", "1.1x"),
            ("3-minute export: audio vs video stream end; clicks in its last 10 s",
             f"{b['music_export_duration_gap_ms']:.1f} ms; {b['music_export_end_click_drift_ms']:.1f} ms off",
             f"one frame ({b['music_export_frame_ms']:.0f} ms)")]
    lines = ["| figure | measured | goal |", "| --- | --- | --- |"]
    lines += [f"| {what} | {val} | {goal} |" for what, val, goal in rows]
    return "\n".join(lines) + "\n"


TABLES = {"music-figures": music_figures, "footage-figures": footage_figures, "prompt-reader-figures": prompt_reader_figures,
          "shapes-motion-figures": shapes_motion_figures, "reader-runs-session6": reader_runs_figures,
          "reader-runs-session7": lambda: reader_runs_figures("docs/reader_runs_session7.json"),
          "reader-runs-session8": lambda: reader_runs_figures("docs/reader_runs_session8.json"),
          "reader-runs-session9": lambda: reader_runs_figures("docs/reader_runs_session9.json"),
          "reader-runs-session10": lambda: reader_runs_figures("docs/reader_runs_session10.json"),
          "reader-session10": reader_session_figures,
          "knowledge-ceiling": knowledge_ceiling_figures,
          "reader-runs-session11": lambda: reader_runs_figures("docs/reader_runs_session11.json"),
          "reader-runs-session12": lambda: reader_runs_figures("docs/reader_runs_session12.json"),
          "reader-session11": lambda: reader_session_figures("docs/reader_runs_session11.json",
                                                             "docs/eval_prompt_reader_session11.json", 11),
          "reader-session12": lambda: reader_session_figures("docs/reader_runs_session12.json",
                                                             "docs/eval_prompt_reader.json", 12)}


def regenerate(text: str) -> str:
    def one(m: re.Match) -> str:
        if m.group(2) not in TABLES:
            raise SystemExit(f"unknown generated block {m.group(2)!r}; known: {', '.join(TABLES)}")
        return m.group(1) + TABLES[m.group(2)]() + m.group(4)
    return BLOCK.sub(one, text)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true", help="exit 1 when a generated block is out of date")
    args = ap.parse_args()
    stale = []
    for doc in DOCS:
        path = ROOT / doc
        text = path.read_text(encoding="utf-8")
        new = regenerate(text)
        if new != text:
            stale.append(doc)
            if not args.check:
                path.write_text(new, encoding="utf-8")
    if args.check and stale:
        print(f"out of date: {', '.join(stale)} (run python scripts/doc_tables.py)")
        return 1
    print("rewrote " + ", ".join(stale) if stale else "all generated tables are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
