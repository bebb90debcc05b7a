"""`python -m studio bench --worker`: latency from a request to the frame on screen, through the
engine worker (its thread, its slots, its signals), headless. QtCore only: no window.

- drag: a slider moves on a keyframed 600-frame clip; each step is a new latent (a re-plan)
- scrub: the playhead jumps while the clip is still being drawn; the plan is kept
"""
from __future__ import annotations

import time

import numpy as np


def run_worker_bench(model_name: str = "shapes-vae", steps: int = 60) -> dict:
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    from ..project import Keyframe, Project
    from ..engine_client import EngineClient
    from ..requests import RenderRequest

    app = QCoreApplication.instance() or QCoreApplication([])
    engine = EngineClient(device="auto", warm_encoder=False)
    state = {"want": None, "t": 0.0, "lat": []}
    loop = QEventLoop()

    def on_frames(rid, idx, _frames):
        if state["want"] is not None and rid == state["want"][0] and state["want"][1] in list(idx):
            state["lat"].append((time.perf_counter() - state["t"]) * 1e3)
            state["want"] = None
            loop.quit()
    engine.framesReady.connect(on_frames)
    engine.modelLoaded.connect(lambda _i: loop.quit())
    engine.start()
    engine.load_model(model_name)
    loop.exec()
    p = Project(model=model_name, prompt="a large red star moving right on a sunset background", seed=3,
                frames=600, fps=8, keyframes=[Keyframe(0.0, {"size": -1.0}), Keyframe(40.0, {"size": 1.5}, seed=7),
                                              Keyframe(74.0, {"color-blue": 1.0})])
    rng = np.random.default_rng(0)

    def ask(req, visible):
        state["t"] = time.perf_counter()
        sent = engine.render(req)
        state["want"] = (sent.id, visible)
        QTimer.singleShot(5000, loop.quit)
        loop.exec()

    figures = {}
    for kind in ("drag", "scrub"):
        state["lat"] = []
        for i in range(steps):
            visible = int(rng.integers(600))
            if kind == "drag":
                p.sliders = {"sefa1": float(np.sin(i / 5) * 2)}
            ask(RenderRequest.from_project(p, visible), visible)
        lat = np.array(state["lat"][5:])                      # after warm-up
        figures[f"{kind}_to_frame_p50_ms"] = round(float(np.percentile(lat, 50)), 2)
        figures[f"{kind}_to_frame_p95_ms"] = round(float(np.percentile(lat, 95)), 2)
    engine.shutdown(3000)
    del app
    return figures

