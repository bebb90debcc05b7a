"""A project's music: the `audio` entry round-trips with its path relative to the project file, a
missing song is one sentence (the project opens, its drives move nothing), older projects save
byte for byte as before, and the preview, `studio export` and the API draw a driven project alike."""
import json
import shutil

import numpy as np
from sounds import click_track, quiet_loud, write_sound

from studio.cli import main
from studio.engine import load_model
from studio.engine.audio_drives import Drive
from studio.project import Project
from studio.project_audio import ProjectAudio
from studio.project_frames import render_project

PROMPT = "a medium white circle staying still on a black background"


def _project(song, model="shapes-vae", frames=16) -> Project:
    return Project(model=model, prompt=PROMPT, seed=3, frames=frames, fps=8,
                   audio=ProjectAudio(str(song), 0.5, [Drive("size", "loudness", 2.0, 0.25), Drive("noise", "beat", 0.8)]))


def test_a_project_with_music_round_trips_and_moves_with_its_song(tmp_path):
    (tmp_path / "a" / "music").mkdir(parents=True)
    song = write_sound(tmp_path / "a" / "music" / "song.wav", quiet_loud("qLq"))
    p = _project(song)
    path = p.save(tmp_path / "a" / "clip.lstudio")
    doc = json.loads(path.read_text())
    assert doc["version"] == 3 and doc["audio"] == {
        "path": "music/song.wav", "offset": 0.5,
        "drives": [{"direction": "size", "feature": "loudness", "amount": 2.0, "smoothing": 0.25},
                   {"direction": "noise", "feature": "beat", "amount": 0.8, "smoothing": 0.0}]}
    assert Project.load(path) == p
    shutil.move(tmp_path / "a", tmp_path / "b")                 # the folder moves: the song is found beside it
    q = Project.load(tmp_path / "b" / "clip.lstudio")
    assert q.audio.path == str(tmp_path / "b" / "music" / "song.wav") and q.audio_problem() is None
    assert q.audio.drives == p.audio.drives and q.audio.offset == 0.5
    spec = q.timeline()
    assert spec.driven and set(spec.features) == {"loudness", "beat"}


def test_a_missing_song_is_one_sentence_and_the_project_opens_without_it(tmp_path):
    song = write_sound(tmp_path / "song.wav", quiet_loud("qL"))
    path = _project(song).save(tmp_path / "clip.lstudio")
    song.unlink()
    p = Project.load(path)
    message = p.audio_problem()
    assert "song.wav is missing" in message and "drives move nothing" in message and "\n" not in message
    assert not p.timeline().driven
    m = load_model("shapes-vae", device="cpu")
    silent = Project(model="shapes-vae", prompt=PROMPT, seed=3, frames=16, fps=8)
    assert np.array_equal(render_project(m, p), render_project(m, silent))
    p.save(path)                                                # it is kept in the file all the same
    assert json.loads(path.read_text())["audio"]["path"] == "song.wav"


def test_an_older_project_without_audio_saves_byte_for_byte(tmp_path):
    doc = {"format": "latent-studio-project", "version": 2, "model": "shapes-vae", "prompt": "a red star", "seed": 4,
           "frames": 24, "fps": 12, "sliders": {"size": 1.0},
           "keyframes": [{"time": 0.0, "sliders": {"size": -1.0}, "easing": "ease-in", "seed": None}],
           "export": {"format": "mp4", "size": "512", "fit": "letterbox", "scaling": "native", "fps": None},
           "seed_locked": True, "loop": False, "noise_period": 2.0, "lesson": {"title": "", "shots": []}}
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    path = tmp_path / "old.lstudio"
    path.write_text(text, encoding="utf-8")
    p = Project.load(path)
    assert p.audio is None and not p.timeline().driven
    p.save(tmp_path / "again.lstudio")
    assert (tmp_path / "again.lstudio").read_text(encoding="utf-8") == text


def test_preview_export_and_api_draw_a_driven_project_alike(models_env, qtbot, tmp_path, capsys):
    from studio.engine_client import EngineClient
    from studio.requests import RenderRequest
    song = write_sound(tmp_path / "beat.wav", click_track(np.arange(0.3, 4, 0.5), 4.0) + quiet_loud("qLqL", 1.0) * 0.3)
    p = _project(song, model="tiny-vae", frames=24)
    p.audio.drives.append(Drive("sefa1", "onset", -1.5, 0.1))
    path = p.save(tmp_path / "driven.lstudio")
    api = render_project(load_model("tiny-vae", device="cpu"), Project.load(path))
    assert main(["export", str(path), "--out", str(tmp_path / "x.npy"), "--device", "cpu"]) == 0
    assert np.array_equal(np.load(tmp_path / "x.npy"), api)
    eng = EngineClient(device="cpu", warm_encoder=False)
    with qtbot.waitSignal(eng.ready, timeout=30000):
        eng.start()
    with qtbot.waitSignal(eng.modelLoaded, timeout=30000):
        eng.load_model("tiny-vae")
    chunks = []
    eng.framesReady.connect(lambda rid, idx, f: chunks.append((list(idx), f)))
    try:
        with qtbot.waitSignal(eng.clipFinished, timeout=60000):
            eng.render(RenderRequest.from_project(Project.load(path), visible=17))
    finally:
        assert eng.shutdown(2000)
    preview = np.zeros_like(api)
    for idx, f in chunks:
        preview[idx] = f
    assert chunks[0][0] == [17] and np.array_equal(preview, api)
    undriven = Project.load(path)
    undriven.audio = None
    assert not np.array_equal(render_project(load_model("tiny-vae", device="cpu"), undriven), api)
