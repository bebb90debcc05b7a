"""Training checkpoints as safetensors + JSON (module, optimisers, step): never a pickle."""
from __future__ import annotations

import json
import os
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file


def _flatten_optim(opt: torch.optim.Optimizer, prefix: str) -> tuple[dict, dict]:
    sd = opt.state_dict()
    tensors = {}
    for idx, st in sd["state"].items():
        for key, val in st.items():
            t = val if torch.is_tensor(val) else torch.tensor(val)
            tensors[f"{prefix}.{idx}.{key}"] = t.detach().cpu().contiguous()
    return tensors, {"param_groups": sd["param_groups"]}


def _unflatten_optim(opt: torch.optim.Optimizer, tensors: dict, meta: dict, prefix: str):
    state: dict = {}
    for name, t in tensors.items():
        if not name.startswith(prefix + "."):
            continue
        _, idx, key = name.split(".", 2)
        state.setdefault(int(idx), {})[key] = t
    opt.load_state_dict({"state": state, "param_groups": meta["param_groups"]})


def save(folder: Path, module: torch.nn.Module, optims: dict, info: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tensors = {f"module.{k}": v.detach().cpu().contiguous() for k, v in module.state_dict().items()}
    meta = {"info": info, "optims": {}}
    for name, opt in optims.items():
        t, m = _flatten_optim(opt, f"optim_{name}")
        tensors.update(t)
        meta["optims"][name] = m
    tmp = folder / "checkpoint.safetensors.tmp"
    save_file(tensors, str(tmp))
    (folder / "checkpoint.json.tmp").write_text(json.dumps(meta), encoding="utf-8")
    os.replace(tmp, folder / "checkpoint.safetensors")
    os.replace(folder / "checkpoint.json.tmp", folder / "checkpoint.json")


def exists(folder: Path) -> bool:
    return (folder / "checkpoint.safetensors").is_file() and (folder / "checkpoint.json").is_file()


def load(folder: Path, module: torch.nn.Module, optims: dict) -> dict:
    tensors = load_file(str(folder / "checkpoint.safetensors"))
    meta = json.loads((folder / "checkpoint.json").read_text(encoding="utf-8"))
    module.load_state_dict({k[7:]: v for k, v in tensors.items() if k.startswith("module.")})
    for name, opt in optims.items():
        _unflatten_optim(opt, tensors, meta["optims"][name], f"optim_{name}")
    return meta["info"]
