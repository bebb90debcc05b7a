"""Data-parallel training under PyTorch's own launcher: two CPU workers with gloo."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TINY = ["--data", "shapes", "--batch", "4", "--frames", "8", "--tiny", "--sample-every", "2"]


def _env() -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    env.pop("WORLD_SIZE", None)
    return env


def torchrun(*args, timeout=180) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", *map(str, args)]
    return subprocess.run(cmd, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=timeout)


def _log(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "train" / "log.jsonl").read_text().splitlines()]


def test_two_gloo_workers_write_one_model_folder_and_resume(tmp_path):
    out = tmp_path / "ddp-vae"
    r = torchrun("-m", "studio", "train", *TINY, "--family", "vae", "--out", out, "--steps", 4)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "trained 4 steps" in r.stdout and "on 2 workers" in r.stdout
    assert r.stdout.count("trained 4 steps") == 1                     # rank 1 says nothing
    # one model folder, written once: only rank 0's files
    assert sorted(p.name for p in out.iterdir()) == ["model.json", "model.safetensors", "train"]
    assert sorted(p.name for p in (out / "train").iterdir()) == ["checkpoint.safetensors", "log.jsonl", "samples"]
    log = _log(out)
    assert [rec["step"] for rec in log] == [1, 2, 3, 4]                # one line per step, not one per worker
    assert all(rec["world_size"] == 2 for rec in log)
    card = json.loads((out / "model.json").read_text())
    assert card["recipe"]["world_size"] == 2 and card["recipe"]["clips_per_step"] == 8
    assert card["recipe"]["command"].startswith("torchrun --nnodes=1 --nproc_per_node=2 -m studio train")
    assert card["directions"]

    r = torchrun("-m", "studio", "train", *TINY, "--family", "vae", "--out", out, "--steps", 7, "--resume")
    assert r.returncode == 0, r.stderr[-2000:]
    assert "resumed at step 4" in r.stderr
    log = _log(out)
    assert [rec["step"] for rec in log] == list(range(1, 8)) and all(rec["world_size"] == 2 for rec in log)
    assert json.loads((out / "model.json").read_text())["recipe"]["steps_done"] == 7

    from studio.engine import load_model
    assert load_model(str(out), device="cpu").generate("a red star", seed=1, frames=4).shape == (4, 64, 64, 3)


WORKER = textwrap.dedent("""
    import hashlib, sys, torch
    from studio.engine import distributed
    from studio.engine.train import TrainConfig, Trainer
    ctx = distributed.setup(torch.device("cpu"))
    cfg = TrainConfig(family="gan", out=sys.argv[1], steps=3, batch=4, frames=8, tiny=True, sample_every=0)
    t = Trainer(cfg, log=lambda *_: None, ctx=ctx)
    batches = [t.source.make(k)["captions"][0] for k in range(2)]
    t.run()
    h = hashlib.sha256()
    for v in t.model.state_dict().values():
        h.update(v.detach().numpy().tobytes())
    print("RESULT", ctx.rank, ctx.world_size, h.hexdigest(), "|".join(batches), flush=True)
    distributed.teardown(ctx)
""")


def test_workers_draw_their_own_batches_and_stay_in_sync(tmp_path):
    """The GAN (two optimisers, a pass that leaves the generator unused) through DDP: after the
    steps both workers hold the same weights, and each trained on different batches."""
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    r = torchrun(script, tmp_path / "gan")
    assert r.returncode == 0, r.stderr[-2000:]
    rows = sorted(line.split()[1:] for line in r.stdout.splitlines() if line.startswith("RESULT"))
    assert [row[:2] for row in rows] == [["0", "2"], ["1", "2"]]
    assert rows[0][2] == rows[1][2]                       # identical weights on both workers
    assert rows[0][3] != rows[1][3]                       # ... trained on different data
    assert _log(tmp_path / "gan")[-1]["world_size"] == 2
