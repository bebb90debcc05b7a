import json

import numpy as np
import pytest
import torch

from studio.engine import load_model
from studio.engine.errors import StudioError
from studio.engine.train import TrainConfig, Trainer


def _run(tmp_path, name, **kw):
    base = dict(out=str(tmp_path / name), batch=4, frames=8, tiny=True, sample_every=0, seed=3)
    base.update(kw)
    t = Trainer(TrainConfig(**base), log=lambda *_: None)
    t.run()
    return t


def _losses(folder, key):
    return [json.loads(line)[key] for line in (folder / "train" / "log.jsonl").read_text().splitlines()]


def test_tiny_vae_loss_goes_down(tmp_path):
    _run(tmp_path, "vae", family="vae", steps=40, lr=3e-3)
    rec = _losses(tmp_path / "vae", "loss")
    assert np.mean(rec[-5:]) < 0.7 * np.mean(rec[:5])


def test_tiny_gan_discriminator_learns(tmp_path):
    _run(tmp_path, "gan", family="gan", steps=25, lr=1e-3)
    d = [a + b for a, b in zip(_losses(tmp_path / "gan", "d_image"), _losses(tmp_path / "gan", "d_video"))]
    assert np.mean(d[-5:]) < np.mean(d[:5])


def test_resume_reproduces_an_uninterrupted_run(tmp_path):
    straight = _run(tmp_path, "a", family="vae", steps=6)
    _run(tmp_path, "b", family="vae", steps=3)
    resumed = _run(tmp_path, "b", family="vae", steps=6, resume=True)
    assert resumed.step == 6
    for (k, v), (_, w) in zip(straight.model.state_dict().items(), resumed.model.state_dict().items()):
        assert torch.allclose(v, w, atol=1e-6), k


def test_same_seed_same_run(tmp_path):
    a = _run(tmp_path, "x", family="gan", steps=3)
    b = _run(tmp_path, "y", family="gan", steps=3)
    for v, w in zip(a.model.state_dict().values(), b.model.state_dict().values()):
        assert torch.equal(v, w)


def test_card_records_the_recipe(tmp_path):
    _run(tmp_path, "vae", family="vae", steps=2)
    card = json.loads((tmp_path / "vae" / "model.json").read_text())
    assert card["recipe"]["command"].startswith("python -m studio train --data shapes --family vae")
    assert card["recipe"]["steps_done"] == 2 and card["recipe"]["device"]
    m = load_model(str(tmp_path / "vae"), device="cpu")
    assert m.generate("a red star", seed=1, frames=4).shape == (4, 64, 64, 3)


def test_resume_without_checkpoint_is_a_clear_error(tmp_path):
    with pytest.raises(StudioError, match="no checkpoint"):
        Trainer(TrainConfig(out=str(tmp_path / "none"), steps=2, tiny=True, resume=True))


def test_unbounded_run_is_refused(tmp_path):
    with pytest.raises(StudioError, match="--steps or --minutes"):
        Trainer(TrainConfig(out=str(tmp_path / "none"), tiny=True))


def test_train_on_real_footage(tmp_path, real_data):
    t = _run(tmp_path, "footage", family="vae", steps=2, data=str(real_data))
    assert [s[0] for s in t.skipped] == ["corrupted.mp4"]
    card = json.loads((tmp_path / "footage" / "model.json").read_text())
    assert card["conditioning"] == "sentence"
    assert card["data"]["skipped"][0][0] == "corrupted.mp4"
    m = load_model(str(tmp_path / "footage"), device="cpu")
    assert m.generate("a street with bikes", seed=0, frames=5).shape == (5, 64, 64, 3)
