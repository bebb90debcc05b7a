"""Shared fixtures: tiny models trained for a couple of steps on the CPU, in a temporary models folder."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import torch

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# the user's data folder (trained models) is a temporary one: no test writes into the real one
_DATA = tempfile.TemporaryDirectory(prefix="latent-studio-test-data-")
os.environ["LATENT_STUDIO_DATA"] = _DATA.name
# and the signing identity for Content Credentials is made in a temporary config folder
_CONFIG = tempfile.TemporaryDirectory(prefix="latent-studio-test-config-")
os.environ["LATENT_STUDIO_CONFIG"] = _CONFIG.name
torch.set_num_threads(2)

REAL_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"


def _train_tiny(out: Path, family: str, steps: int = 2, **kw):
    from studio.engine.train import TrainConfig, Trainer
    cfg = TrainConfig(family=family, out=str(out), steps=steps, batch=4, frames=8, tiny=True, sample_every=0,
                      seed=0, **kw)
    Trainer(cfg, log=lambda *_: None).run()
    return out


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory) -> Path:
    """A models folder holding tiny-vae and tiny-gan; LATENT_STUDIO_MODELS points at it."""
    root = tmp_path_factory.mktemp("models")
    _train_tiny(root / "tiny-vae", "vae")
    _train_tiny(root / "tiny-gan", "gan")
    from studio.engine.directions import compute_directions
    from studio.engine.modelio import update_card
    from studio.engine import load_model
    for name in ("tiny-vae", "tiny-gan"):
        m = load_model(str(root / name), device="cpu")
        update_card(root / name, directions=compute_directions(m, samples=32))
    return root


@pytest.fixture()
def models_env(tiny_models, monkeypatch) -> Path:
    monkeypatch.setenv("LATENT_STUDIO_MODELS", str(tiny_models))
    return tiny_models


@pytest.fixture()
def real_data() -> Path:
    if not REAL_DATA.is_dir():
        pytest.skip(f"the real clips folder {REAL_DATA} is absent")
    return REAL_DATA
