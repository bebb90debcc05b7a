"""The model folder: `model.safetensors` (weights only) + `model.json` (the card).

Loading reads JSON and safetensors and nothing else; nothing in a model folder is ever executed.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from ..basics.errors import StudioError
from ..basics.files import atomic_paths, write_text
from .models.registry import FAMILIES, build_from_card, config_to_dict

FORMAT = "latent-studio-model"
FORMAT_VERSION = 1
WEIGHTS, CARD = "model.safetensors", "model.json"
REQUIRED = ("format", "version", "family", "config", "conditioning", "resolution", "frames", "fps")


def models_dir() -> Path:
    """The shipped models (the installation's models/, or LATENT_STUDIO_MODELS)."""
    env = os.environ.get("LATENT_STUDIO_MODELS")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "models"


def user_models_dir() -> Path:
    """Where the user's own trained models go: LATENT_STUDIO_DATA/models, else the platform's
    user data folder (e.g. ~/.local/share/Latent Studio/models)."""
    env = os.environ.get("LATENT_STUDIO_DATA")
    if env:
        return Path(env) / "models"
    from platformdirs import user_data_dir
    return Path(user_data_dir("Latent Studio", appauthor=False)) / "models"


def model_roots() -> list[Path]:
    """The folders models are found in, in order: the shipped ones, then the user's."""
    roots = [models_dir(), user_models_dir()]
    return roots[:1] if roots[0].resolve() == roots[1].resolve() else roots


NOT_VIDEO = ("prompt-reader",)      # models of the app itself, beside the video models in models/


def _is_model(p: Path) -> bool:
    """A video model's folder (card and weights; not the prompt reader's)."""
    return (p / CARD).is_file() and (p / WEIGHTS).is_file() and _kind(p) not in NOT_VIDEO


def _kind(p: Path) -> str | None:
    try:
        card = json.loads((p / CARD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None                     # a broken card is listed, and loading it says why
    return card.get("kind") if isinstance(card, dict) else None


def installed_models() -> list[str]:
    """The names of the shipped and the user's models (a shipped name comes first: see resolve)."""
    names = set()
    for root in model_roots():
        if root.is_dir():
            names.update(p.name for p in root.iterdir() if _is_model(p))
    return sorted(names)


def resolve(name_or_path: str | os.PathLike) -> Path:
    p = Path(name_or_path)
    if p.is_dir():
        return p
    candidates = [root / str(name_or_path) for root in model_roots()]
    for candidate in sorted(candidates, key=lambda c: not _is_model(c)):     # a whole model first
        if candidate.is_dir():
            return candidate
    names = installed_models()
    listed = ", ".join(names) if names else "none (train one with `python -m studio train`)"
    raise StudioError(f"unknown model {str(name_or_path)!r}; installed models: {listed}")


def read_card(folder: Path) -> dict:
    path = folder / CARD
    if not path.is_file():
        raise StudioError(f"{folder} is not a model folder: its card {CARD} is missing")
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise StudioError(f"the card {path} is not valid JSON ({e.__class__.__name__})") from None
    if not isinstance(card, dict) or card.get("format") != FORMAT:
        raise StudioError(f"the card {path} is not a Latent Studio model card")
    missing = [k for k in REQUIRED if k not in card]
    if missing:
        raise StudioError(f"the card {path} lacks {', '.join(missing)}")
    if card["version"] != FORMAT_VERSION:
        raise StudioError(f"the card {path} has format version {card['version']}; this app reads {FORMAT_VERSION}")
    if card["family"] not in FAMILIES:
        raise StudioError(f"the card {path} names an unknown family {card['family']!r}")
    return card


def read_weights(folder: Path) -> dict[str, torch.Tensor]:
    path = folder / WEIGHTS
    if not path.is_file():
        raise StudioError(f"{folder} is not a model folder: its weights {WEIGHTS} are missing")
    try:
        return load_file(str(path))
    except (SafetensorError, OSError, ValueError, RuntimeError) as e:
        raise StudioError(f"{path} is not a readable safetensors file ({str(e).splitlines()[0][:120]})") from None


def load_module(name_or_path, device: torch.device | str = "cpu"):
    """(module, card, folder). Raises StudioError with one clear sentence for any bad folder."""
    folder = resolve(name_or_path)
    card = read_card(folder)
    try:
        module = build_from_card(card)
    except (TypeError, ValueError, KeyError) as e:
        raise StudioError(f"the card in {folder} has an invalid config ({e})") from None
    state = read_weights(folder)
    own = module.state_dict()
    wanted = set(own) if card.get("kind") == "footage" else {k for k in own if _shipped(card["family"], k)}
    unexpected = set(state) - wanted
    missing = wanted - set(state)
    bad_shape = [k for k in wanted & set(state) if tuple(state[k].shape) != tuple(own[k].shape)]
    if missing or unexpected or bad_shape:
        what = (f"{len(missing)} missing, {len(unexpected)} unexpected and {len(bad_shape)} wrongly shaped tensors")
        raise StudioError(f"the weights in {folder} do not fit the {card['family']} config in its card ({what})")
    module.load_state_dict(state, strict=False)
    module.to(device).eval()
    return module, card, folder


def _shipped(family: str, key: str) -> bool:
    """Which tensors a shipped model keeps: the VAE whole, the GAN's EMA generator only."""
    return family == "vae" or key.startswith("generator_ema.")


def save_model(folder: Path, module, card: dict) -> None:
    """Writes weights and card atomically (temporary names, then rename)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().contiguous() for k, v in module.state_dict().items() if _shipped(module.family, k)}
    full = {"format": FORMAT, "version": FORMAT_VERSION, "family": module.family,
            "config": config_to_dict(module.cfg), **card}
    with atomic_paths(folder / WEIGHTS, folder / CARD) as (tmp_w, tmp_c):
        save_file(state, str(tmp_w))
        tmp_c.write_text(json.dumps(full, indent=2, sort_keys=False), encoding="utf-8")


def update_card(folder: Path, **fields) -> dict:
    card = read_card(Path(folder))
    card.update(fields)
    write_text(Path(folder) / CARD, json.dumps(card, indent=2))
    return card
