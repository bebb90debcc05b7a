"""Latent directions for the sliders, in the space w = [attribute conditioning, content code].

Named directions are learned from labelled samples (attributes drawn as in training, content
codes from the model's own prior): the difference of the class means of w (InterFaceGAN's idea
without the SVM), kept on the named group's own conditioning so it changes only what it names. `size` and `speed` run from the small/slow mean to the
large/fast mean over -2..+2; colour and background directions point from the other classes'
mean to the class's mean. Unsupervised directions are the closed-form factorisation (SeFa) of
the decoder's first layers: the top eigenvectors of A^T A, A being those weights laid over w.
"""
from __future__ import annotations

import numpy as np
import torch

from .conditioning import attribute_vector
from .layered_groups import group_slices
from .world.attributes import COND_DIM, GROUPS
from .world.sampler import random_attributes

SEFA_COUNT = 8


@torch.inference_mode()
def labelled_latents(model, samples: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    attrs = [random_attributes(rng) for _ in range(samples)]
    cond = torch.stack([attribute_vector(a.as_dict()) for a in attrs])
    zc = model.decoder.sample_content(samples, torch.Generator().manual_seed(seed), cond=cond.to(model.device)).cpu()
    return attrs, torch.cat([cond, zc], 1)


def _only(vector: torch.Tensor, group: str) -> torch.Tensor:
    """A named direction changes only what it names: the class-mean difference kept on its own
    group's conditioning (the rest of it is sampling noise that recoloured the background)."""
    a, b = group_slices()[group]
    out = torch.zeros_like(vector)
    out[a:b] = vector[a:b]
    return out


def sefa(decoder) -> torch.Tensor:
    """(SEFA_COUNT, w_dim) unit directions from the decoder's first layers."""
    w_dim = COND_DIM + decoder.cfg.z_content
    rows = []
    firsts = {"background": decoder.background.fc[0], "sprite": decoder.sprite.fc[0], "color": decoder.color[0],
              "motion": decoder.motion_emb[0]}
    for branch, layer in firsts.items():
        idx = getattr(decoder, f"idx_{branch}")
        A = torch.zeros(layer.weight.shape[0], w_dim)
        A[:, idx] = layer.weight[:, :len(idx)].detach().cpu()
        rows.append(A)
    start = decoder.h0[0].weight.detach().cpu()
    A = torch.zeros(start.shape[0], w_dim)
    A[:, COND_DIM:] = start[:, decoder.cfg.emb:]
    rows.append(A)
    A = torch.cat(rows)
    _, vecs = torch.linalg.eigh(A.T @ A)
    return vecs[:, -SEFA_COUNT:].flip(1).T.contiguous()


def footage_directions(model) -> dict:
    """A footage model's sliders: SeFa on the first-frame generator's first layer over the content
    code (unit vectors in a code drawn from N(0, I), so -3..3 spans the codes it was trained on)."""
    A = model.module.first.first_layer().detach().cpu()
    _, vecs = torch.linalg.eigh(A.T @ A)
    found = vecs[:, -min(SEFA_COUNT, A.shape[1]):].flip(1).T
    return {f"sefa{i + 1}": {"vector": [round(float(x), 6) for x in v], "kind": "sefa"} for i, v in enumerate(found)}


def compute_directions(model, samples: int = 256) -> dict:
    if getattr(model, "kind", "") == "footage":
        return footage_directions(model)
    out: dict = {}
    if not model.text_conditioned:
        attrs, w = labelled_latents(model, samples)

        def mean(pred):
            m = [i for i, a in enumerate(attrs) if pred(a)]
            return w[m].mean(0) if m else torch.zeros(w.shape[1])
        out["size"] = _only(mean(lambda a: a.size == "large") - mean(lambda a: a.size == "small"), "size") / 4
        out["speed"] = _only(mean(lambda a: a.speed == "fast") - mean(lambda a: a.speed == "slow"), "speed") / 4
        for group in ("color", "background"):
            for v in GROUPS[group]:
                out[f"{group}-{v}"] = _only(mean(lambda a, g=group, v=v: getattr(a, g) == v)
                                            - mean(lambda a, g=group, v=v: getattr(a, g) != v), group) / 2
        out = {k: {"vector": [round(float(x), 6) for x in v], "kind": "label"} for k, v in out.items()}
    for i, v in enumerate(sefa(model.decoder)):
        out[f"sefa{i + 1}"] = {"vector": [round(float(x), 6) for x in v], "kind": "sefa"}
    return out


__all__ = ["compute_directions"]
