"""The engine worker: latest request wins, stale results are dropped, errors leave it alive."""
import numpy as np
import pytest

from studio.engine_client import EngineClient
from studio.requests import ExportRequest, RenderRequest

PROMPT = "a large red star moving right on a sunset background"


@pytest.fixture()
def engine(models_env, qtbot):
    eng = EngineClient(device="cpu", warm_encoder=False)
    with qtbot.waitSignal(eng.ready, timeout=30000) as ready:
        eng.start()
    assert {"tiny-vae", "tiny-gan"} <= set(ready.args[1])
    with qtbot.waitSignal(eng.modelLoaded, timeout=30000):
        eng.load_model("tiny-vae")
    yield eng
    assert eng.shutdown(2000)


class Collector:
    def __init__(self, engine):
        self.started, self.chunks, self.finished = [], [], []
        engine.clipStarted.connect(lambda rid, n, p: self.started.append((rid, n, p)))
        engine.framesReady.connect(lambda rid, idx, f: self.chunks.append((rid, list(idx), f)))
        engine.clipFinished.connect(lambda rid, t: self.finished.append((rid, t)))

    def clip(self, rid, n):
        out = np.zeros((n, 64, 64, 3), np.uint8)
        for r, idx, f in self.chunks:
            if r == rid:
                out[idx] = f
        return out


def test_render_visible_frame_first_then_rest(engine, qtbot):
    got = Collector(engine)
    with qtbot.waitSignal(engine.clipFinished, timeout=30000):
        req = engine.render(RenderRequest.make(PROMPT, 3, 24, {"size": 1.0}, visible=10))
    assert got.chunks[0][1] == [10]
    seen = [i for _, idx, _ in got.chunks for i in idx]
    assert sorted(seen) == list(range(24))
    expected = engine.worker.model.generate(PROMPT, 3, 24, {"size": 1.0})
    assert np.array_equal(got.clip(req.id, 24), expected)
    assert got.finished[-1][1]["total_ms"] > 0
    assert [w.status for w in got.started[0][2].words][:2] == ["stop", "known"]


def test_burst_of_100_requests_runs_at_most_3(engine, qtbot):
    got = Collector(engine)
    before = engine.worker.executed["render"]
    last = None
    for seed in range(100):
        last = engine.render(RenderRequest.make(PROMPT, seed, 64, {}))
    qtbot.waitUntil(lambda: bool(got.finished) and got.finished[-1][0] == last.id, timeout=30000)
    qtbot.wait(200)                                       # nothing else may arrive afterwards
    assert engine.worker.executed["render"] - before <= 3
    assert [rid for rid, _ in got.finished] == [last.id]   # only the newest request's result is shown
    assert {rid for rid, _, _ in got.chunks} == {last.id}
    assert np.array_equal(got.clip(last.id, 64), engine.worker.model.generate(PROMPT, 99, 64))


def test_engine_error_is_reported_and_worker_lives_on(engine, qtbot):
    with qtbot.waitSignal(engine.failed, timeout=30000) as failed:
        engine.render(RenderRequest.make(PROMPT, 0, 8, {"no-such-direction": 1.0}))
    assert failed.args[0] == "render" and "unknown direction" in failed.args[1]
    with qtbot.waitSignal(engine.failed, timeout=30000) as failed:
        engine.load_model("no-such-model")
    assert "unknown model" in failed.args[1]
    with qtbot.waitSignal(engine.modelLoaded, timeout=30000):
        engine.load_model("tiny-gan")
    with qtbot.waitSignal(engine.clipFinished, timeout=30000):
        engine.render(RenderRequest.make(PROMPT, 0, 8, {}))


def test_parse_reports_word_status(engine, qtbot):
    with qtbot.waitSignal(engine.parsed, timeout=30000) as parsed:
        engine.parse("the small blue circle")
    result = parsed.args[0]
    assert [(w.word, w.status) for w in result.words] == [
        ("the", "stop"), ("small", "known"), ("blue", "known"), ("circle", "known")]
    assert result.unknown == []


def test_export_cancel_leaves_no_file(engine, qtbot, tmp_path):
    out = tmp_path / "clip.mp4"
    progress = []
    engine.exportProgress.connect(lambda done, total: (progress.append(done),
                                                       done >= 5 and engine.cancel_export()))
    with qtbot.waitSignal(engine.exportCancelled, timeout=60000):
        engine.export(ExportRequest(RenderRequest.make(PROMPT, 0, 400, {}), str(out), size="512", fps=8))
    assert progress and max(progress) < 800
    assert list(tmp_path.iterdir()) == []


def test_export_mp4(engine, qtbot, tmp_path):
    import cv2
    out = tmp_path / "clip.mp4"
    with qtbot.waitSignal(engine.exportFinished, timeout=60000) as done:
        engine.export(ExportRequest(RenderRequest.make(PROMPT, 0, 12, {}), str(out), size="256", fps=10))
    assert done.args[0] == str(out)
    cap = cv2.VideoCapture(str(out))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 12
    assert (cap.get(cv2.CAP_PROP_FRAME_WIDTH), cap.get(cv2.CAP_PROP_FRAME_HEIGHT)) == (256, 256)
    assert cap.get(cv2.CAP_PROP_FPS) == pytest.approx(10)
    cap.release()


def test_shutdown_mid_render_is_quick(engine, qtbot, capfd):
    import time
    with qtbot.waitSignal(engine.framesReady, timeout=30000):
        engine.render(RenderRequest.make(PROMPT, 0, 4096, {}))
    t = time.perf_counter()
    assert engine.shutdown(2000)
    assert time.perf_counter() - t < 2.0
    assert "Destroyed while thread" not in capfd.readouterr().err


def test_cancel_render_stops_it_and_the_next_one_runs(engine, qtbot):
    got = Collector(engine)
    with qtbot.waitSignal(engine.framesReady, timeout=30000):
        engine.render(RenderRequest.make(PROMPT, 0, 4096, {}))
    with qtbot.waitSignal(engine.renderCancelled, timeout=5000):
        engine.cancel_render()
    assert not got.finished
    done = sum(len(idx) for _, idx, _ in got.chunks)
    assert 0 < done < 4096
    with qtbot.waitSignal(engine.clipFinished, timeout=30000):
        engine.render(RenderRequest.make(PROMPT, 0, 8, {}))


def test_a_keyframed_project_previews_as_it_exports(engine, qtbot):
    from studio.project import Keyframe, Project
    from studio.project_frames import render_project
    p = Project(model="tiny-vae", prompt=PROMPT, seed=4, frames=40, fps=8, loop=True, sliders={"noise": 0.7},
                keyframes=[Keyframe(0.0, {"size": -1.0}, "ease-out", seed=4), Keyframe(2.5, {"size": 1.2}, "hold", seed=8)])
    got = Collector(engine)
    with qtbot.waitSignal(engine.clipFinished, timeout=30000):
        req = engine.render(RenderRequest.from_project(p, visible=23))
    assert got.chunks[0][1] == [23]
    assert np.array_equal(got.clip(req.id, 40), render_project(engine.worker.model, p))


def test_a_scrub_during_a_render_keeps_the_plan_and_draws_the_new_frame_first(engine, qtbot):
    from studio.project import Keyframe, Project
    p = Project(model="tiny-vae", prompt=PROMPT, seed=1, frames=600, fps=8,
                keyframes=[Keyframe(0.0, {"size": -1.0}), Keyframe(70.0, {"size": 1.0})])
    got = Collector(engine)
    first = engine.render(RenderRequest.from_project(p, visible=0))
    qtbot.waitUntil(lambda: any(r == first.id for r, _, _ in got.chunks), timeout=30000)
    second = engine.render(RenderRequest.from_project(p, visible=500))
    qtbot.waitUntil(lambda: bool(got.finished) and got.finished[-1][0] == second.id, timeout=30000)
    mine = [idx for r, idx, _ in got.chunks if r == second.id]
    kept, drawn = mine[0], mine[1:]
    assert 0 in kept and 500 not in kept                  # the frames drawn before the scrub are shown again at once
    assert drawn[0] == [500]                              # then the frame under the playhead
    new = [i for idx in drawn for i in idx]
    assert not set(new) & set(kept) and sorted(kept + new) == list(range(600))   # nothing is drawn twice


def test_native_frames_come_after_the_clip_and_yield_to_a_new_render(engine, qtbot):
    first = RenderRequest.make(PROMPT, 3, 200, {})
    with qtbot.waitSignal(engine.clipFinished, timeout=30000):
        engine.render(first)
    native = []
    engine.nativeFramesReady.connect(lambda key, idx, f: native.append((key, list(idx), f.shape)))
    engine.draw_native(first.key(), range(200), 600)
    engine.draw_native(("another clip",), range(5), 600)              # a newer request replaces it: nothing drawn
    qtbot.wait(300)
    assert native == []
    engine.draw_native(first.key(), range(200), 600)
    qtbot.waitUntil(lambda: len(native) > 0, timeout=10000)
    assert native[0][0] == first.key() and native[0][1][0] == 0 and native[0][2][1:] == (600, 600, 3)
    with qtbot.waitSignal(engine.clipFinished, timeout=30000):        # a render stops the native job at once
        engine.render(RenderRequest.make(PROMPT, 4, 16, {}))
    drawn = sum(len(idx) for _, idx, _ in native)
    qtbot.wait(300)
    assert drawn < 200 and sum(len(idx) for _, idx, _ in native) == drawn     # ... and it does not come back
