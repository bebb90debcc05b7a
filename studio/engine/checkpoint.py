"""Training checkpoints as safetensors (module, optimisers, step): never a pickle.

One file, `checkpoint.safetensors`, whose metadata holds the JSON part (step, elapsed time, the
optimisers' hyper-parameters), written under a temporary name and renamed: a run killed at any
moment leaves the previous checkpoint whole. Older runs wrote the JSON part beside it in
`checkpoint.json`; those are still read.
"""
from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

from ..basics.files import atomic_path

WEIGHTS = "checkpoint.safetensors"
LEGACY_META = "checkpoint.json"
META_KEY = "studio"


def _flatten_optim(opt: torch.optim.Optimizer, prefix: str) -> tuple[dict, dict]:
    sd = opt.state_dict()
    tensors = {}
    for idx, st in sd["state"].items():
        for key, val in st.items():
            t = val if torch.is_tensor(val) else torch.tensor(val)
            tensors[f"{prefix}.{idx}.{key}"] = t.detach().cpu().contiguous()
    return tensors, {"param_groups": sd["param_groups"]}


def _optim_state(tensors: dict, meta: dict, prefix: str) -> dict:
    state: dict = {}
    for name, t in tensors.items():
        if not name.startswith(prefix + "."):
            continue
        _, idx, key = name.split(".", 2)
        state.setdefault(int(idx), {})[key] = t
    return {"state": state, "param_groups": meta["param_groups"]}


def save(folder: Path, module: torch.nn.Module, optims: dict, info: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tensors = {f"module.{k}": v.detach().cpu().contiguous() for k, v in module.state_dict().items()}
    meta = {"info": info, "optims": {}}
    for name, opt in optims.items():
        t, m = _flatten_optim(opt, f"optim_{name}")
        tensors.update(t)
        meta["optims"][name] = m
    with atomic_path(folder / WEIGHTS) as tmp:
        save_file(tensors, str(tmp), metadata={META_KEY: json.dumps(meta)})
    (folder / LEGACY_META).unlink(missing_ok=True)      # the metadata above supersedes it


def exists(folder: Path) -> bool:
    return (folder / WEIGHTS).is_file()


def info(folder: Path) -> dict | None:
    """The checkpoint's step, elapsed seconds and world size, without reading its tensors."""
    try:
        return _meta(folder)["info"]
    except (OSError, ValueError, KeyError):
        return None


def _meta(folder: Path) -> dict:
    with safe_open(str(folder / WEIGHTS), framework="pt") as f:
        text = (f.metadata() or {}).get(META_KEY)
    if text is None:
        text = (folder / LEGACY_META).read_text(encoding="utf-8")
    return json.loads(text)


def read(folder: Path) -> dict:
    """{"module": state dict, "optims": {name: optimiser state dict}, "info": {...}}: what `apply` takes.
    Plain tensors and JSON only, so rank 0 can read it and hand it to the other workers."""
    tensors = load_file(str(folder / WEIGHTS))
    meta = _meta(folder)
    return {"module": {k[7:]: v for k, v in tensors.items() if k.startswith("module.")},
            "optims": {name: _optim_state(tensors, m, f"optim_{name}") for name, m in meta["optims"].items()},
            "info": meta["info"]}


def apply(state: dict, module: torch.nn.Module, optims: dict) -> dict:
    module.load_state_dict(state["module"])
    for name, opt in optims.items():
        opt.load_state_dict(state["optims"][name])
    return state["info"]


def load(folder: Path, module: torch.nn.Module, optims: dict) -> dict:
    return apply(read(folder), module, optims)
