"""The project document: round trip, atomic save, and one clear sentence for a bad file."""
import json

import pytest

from studio.basics.errors import StudioError
from studio.project import SILENT_VERSION, ExportOptions, Keyframe, Project


def _sample() -> Project:
    return Project(model="shapes-vae", prompt="a red star moving left", seed=42, frames=32, fps=12,
                   sliders={"size": 1.5, "sefa2": -0.25},
                   keyframes=[Keyframe(0.0, {"size": 0.0}), Keyframe(2.0, {"size": 2.0}, "ease-in-out")],
                   export=ExportOptions(format="gif", size="256", fit="crop", scaling="smooth", fps=10),
                   seed_locked=False)


def test_round_trip(tmp_path):
    p = _sample()
    path = p.save(tmp_path / "clip.lstudio")
    q = Project.load(path)
    assert q == p
    assert (q.model, q.prompt, q.seed, q.frames, q.fps, q.sliders) == (
        "shapes-vae", "a red star moving left", 42, 32, 12, {"size": 1.5, "sefa2": -0.25})
    doc = json.loads(path.read_text())
    assert doc["format"] == "latent-studio-project" and doc["version"] == SILENT_VERSION     # no audio: as version 2 wrote it


def test_save_is_atomic_and_leaves_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "a.lstudio"
    Project(prompt="first").save(path)
    import os

    def boom(*_a, **_k):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(StudioError, match="No space left"):
        Project(prompt="second").save(path)
    assert Project.load(path).prompt == "first"
    assert [f.name for f in tmp_path.iterdir()] == ["a.lstudio"]


def test_defaults_for_optional_fields(tmp_path):
    path = tmp_path / "min.lstudio"
    path.write_text(json.dumps({"format": "latent-studio-project", "version": 1, "model": "tiny-vae"}))
    p = Project.load(path)
    assert (p.model, p.prompt, p.seed, p.frames, p.fps, p.sliders, p.keyframes) == ("tiny-vae", "", 0, 16, 8, {}, [])


@pytest.mark.parametrize("content, reason", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "not a JSON object"),
    (json.dumps({"format": "something-else", "version": 1}), "not a Latent Studio project"),
    (json.dumps({"format": "latent-studio-project", "version": 99, "model": "m"}), "newer Latent Studio"),
    (json.dumps({"format": "latent-studio-project", "model": "m"}), "version is missing"),
    (json.dumps({"format": "latent-studio-project", "version": 1}), "model is missing"),
    (json.dumps({"format": "latent-studio-project", "version": 1, "model": "m", "frames": 0}), "frames"),
    (json.dumps({"format": "latent-studio-project", "version": 1, "model": "m", "seed": "x"}), "seed"),
    (json.dumps({"format": "latent-studio-project", "version": 1, "model": "m", "sliders": {"size": "big"}}), "size"),
    (json.dumps({"format": "latent-studio-project", "version": 1, "model": "m",
                 "keyframes": [{"time": 1, "easing": "wobble"}]}), "easing"),
    (json.dumps({"format": "latent-studio-project", "version": 1, "model": "m", "export": {"size": "4k"}}), "size"),
])
def test_malformed_file_is_one_clear_sentence(tmp_path, content, reason):
    path = tmp_path / "bad.lstudio"
    path.write_text(content)
    with pytest.raises(StudioError) as e:
        Project.load(path)
    msg = str(e.value)
    assert reason in msg and str(path) in msg
    assert "\n" not in msg and msg.count(". ") == 0


def test_missing_file(tmp_path):
    with pytest.raises(StudioError, match="does not exist"):
        Project.load(tmp_path / "nope.lstudio")


def test_project_does_not_import_qt():
    import subprocess
    import sys
    code = "import sys, studio.project; assert not [m for m in sys.modules if m.startswith('PySide6')]"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_a_project_drawn_by_a_model_without_some_directions_leaves_them_out():
    from studio.engine.audio_drives import Drive
    from studio.project import Keyframe, Project
    from studio.project_audio import ProjectAudio
    p = Project(prompt="a cat", sliders={"size": 1.0, "sefa1": 0.5, "noise": 0.3},
                keyframes=[Keyframe(0.0, {"size": -1.0, "sefa1": 1.0}), Keyframe(1.0, {"size": 2.0})],
                audio=ProjectAudio("song.wav", 0.0, [Drive("size", "loudness", 2.0), Drive("noise", "beat", 1.0)]))
    q, dropped = p.for_directions(["sefa1", "sefa2"])
    assert dropped == ["size"]
    assert q.sliders == {"sefa1": 0.5, "noise": 0.3} and [k.sliders for k in q.keyframes] == [{"sefa1": 1.0}, {}]
    assert q.audio.drives == [Drive("noise", "beat", 1.0)]
    assert p.sliders["size"] == 1.0 and p.keyframes[0].sliders["size"] == -1.0     # the project keeps them
    assert p.for_directions(["size", "sefa1"]) == (p, [])
