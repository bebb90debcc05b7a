"""Builds a model family from the config recorded in its card (plain JSON, never code)."""
from __future__ import annotations

import dataclasses

from .gan import GANConfig, VideoGAN
from .layered import DecoderConfig
from .vae import VAEConfig, VideoVAE

FAMILIES = {"vae": (VideoVAE, VAEConfig), "gan": (VideoGAN, GANConfig)}


def config_to_dict(cfg) -> dict:
    return dataclasses.asdict(cfg)


def config_from_dict(family: str, d: dict):
    cls, cfg_cls = FAMILIES[family]
    d = dict(d)
    dec = DecoderConfig(**d.pop("decoder", {}))
    return cfg_cls(decoder=dec, **d)


def build(family: str, cfg):
    return FAMILIES[family][0](cfg)


def build_from_card(card: dict):
    """The module a card describes: a footage model (card "kind": "footage") or a shapes model."""
    if card.get("kind") == "footage":
        from ..footage.config import config_from_card
        from ..footage.network import FootageVAE
        if card["family"] not in ("vae", "gan"):
            raise ValueError(f"no footage family {card['family']!r}")
        return FootageVAE(config_from_card(card["config"]))      # a footage GAN ships its generator, this module
    return build(card["family"], config_from_dict(card["family"], card["config"]))
