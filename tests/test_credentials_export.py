"""Content Credentials on exports: the CLI and the writer sign what they write (issue 19)."""
import numpy as np
import pytest

from studio.basics.errors import StudioError
from studio.cli import main
from studio.media import credentials as cred
from studio.media.credentials import GenerationFacts, has_credentials, read_credentials
from studio.media.writer import ExportSettings, SigningFailed, write_clip

FRAMES = np.random.default_rng(0).integers(0, 255, (4, 32, 32, 3), dtype=np.uint8)


def test_cli_signs_by_default_and_reads_back(tmp_path, capsys):
    out = tmp_path / "clip.mp4"
    assert main(["generate", "--model", "footage-vae", "--prompt", "a secret rocket", "--frames", "6",
                 "--out", str(out)]) == 0
    info = read_credentials(out)
    assert info["validates"] and info["model"] == "footage-vae" and info["seed"] == 0
    assert info["prompt"] is None and b"secret rocket" not in out.read_bytes()
    capsys.readouterr()
    assert main(["credentials", str(out)]) == 0
    text = capsys.readouterr().out
    assert "trainedAlgorithmicMedia" in text and "footage-vae" in text and "not recorded" in text
    data = bytearray(out.read_bytes())
    data[data.find(b"mdat") + 200] ^= 1                   # one changed byte of the picture
    out.write_bytes(bytes(data))
    assert main(["credentials", str(out)]) == 1 and "FAILED" in capsys.readouterr().out


def test_cli_prompt_only_when_allowed_and_no_credentials(tmp_path):
    frames = tmp_path / "frames"
    assert main(["generate", "--model", "footage-vae", "--prompt", "a rocket", "--frames", "2", "--out", str(frames),
                 "--credentials-prompt"]) == 0
    assert read_credentials(frames / "frame_00001.png")["prompt"] == "a rocket"
    plain = tmp_path / "plain.gif"
    assert main(["generate", "--model", "footage-vae", "--prompt", "a rocket", "--frames", "2", "--out", str(plain),
                 "--no-credentials"]) == 0
    assert plain.is_file() and not has_credentials(plain)


def test_a_failure_to_sign_writes_nothing(tmp_path, monkeypatch, capsys):
    def broken(*_a, **_k):
        raise StudioError("could not add Content Credentials to .x.partial.mp4: the signer refused")
    monkeypatch.setattr(cred, "sign_file", broken)
    out = tmp_path / "clip.mp4"
    with pytest.raises(SigningFailed, match="could not sign clip.mp4 with Content Credentials: the signer refused"):
        write_clip(FRAMES, out, ExportSettings(), credentials=GenerationFacts(model="m"))
    assert list(tmp_path.iterdir()) == []
    assert main(["generate", "--model", "footage-vae", "--prompt", "x", "--frames", "2", "--out", str(out)]) == 2
    assert "--no-credentials" in capsys.readouterr().err and not out.exists()


def test_writer_signs_gif_and_image_to_video_facts(tmp_path):
    out = tmp_path / "a.gif"
    write_clip(FRAMES, out, ExportSettings(), credentials=GenerationFacts(model="m", seed=5, frames=4, fps=8))
    info = read_credentials(out)
    assert info["validates"] and info["seed"] == 5 and info["title"] == "a.gif"


def test_a_lesson_video_is_signed(tmp_path):
    script = tmp_path / "l.txt"
    script.write_text("# Rockets\n1 | a rocket launching into a blue sky | Lift off\n")
    out = tmp_path / "l.mp4"
    assert main(["lesson", str(script), "--model", "footage-vae", "--out", str(out), "--size", "native",
                 "--title-seconds", "0.5"]) == 0
    info = read_credentials(out)
    assert info["validates"] and info["model"] == "footage-vae" and info["prompt"] is None


def test_a_lesson_that_cannot_be_signed_keeps_the_earlier_file(tmp_path, monkeypatch, capsys):
    """Signing happens before the rename: a refused signature leaves the earlier lesson as it was."""
    def broken(*_a, **_k):
        raise StudioError("could not add Content Credentials to lesson.mp4: the signer refused")
    script = tmp_path / "l.txt"
    script.write_text("# Rockets\n1 | a rocket launching into a blue sky | Lift off\n")
    out = tmp_path / "l.mp4"
    out.write_bytes(b"the earlier lesson")
    monkeypatch.setattr(cred, "sign_file", broken)
    assert main(["lesson", str(script), "--model", "footage-vae", "--out", str(out), "--size", "native",
                 "--title-seconds", "0.5"]) == 2
    assert "not kept" in capsys.readouterr().err
    assert out.read_bytes() == b"the earlier lesson" and sorted(p.name for p in tmp_path.iterdir()) == ["l.mp4", "l.txt"]
