"""The soak driver (`python -m studio bench --soak`) runs the real window through its scripted work.

A few seconds only, to prove the driver works on the tiny models; the soak itself runs for minutes
and is not a timed test."""
from __future__ import annotations

from studio.bench.soak import Soak

WORK = ("render", "scrub", "drag", "play", "key")


def test_the_soak_drives_the_real_window_and_reports_the_count_on_none(models_env, qtbot):
    soak = Soak(5.0, model="tiny-vae", train=False, actions=WORK)
    report = soak.run()
    assert report["window_alive"] and report["errors"] == []
    assert report["minutes"] >= 5 / 60
    assert all(report["per_action"][a] >= 1 for a in WORK)
    assert report["actions"] == sum(report["per_action"].values())
    assert report["none_refcount_min"] <= report["none_refcount_start"]
    assert report["none_refcount_steady"]
    assert soak.win.undo.count() > 0 and len(soak.win._keyframes) >= 1       # the work really happened
    assert "PySide6" in report["binding"]


def test_bench_takes_soak_and_minutes():
    from studio.cli import build_parser
    args = build_parser().parse_args(["bench", "--soak", "--minutes", "0.5"])
    assert args.soak and args.minutes == 0.5
    assert build_parser().parse_args(["bench"]).soak is False
