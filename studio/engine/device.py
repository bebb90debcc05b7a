import torch

from ..basics.errors import StudioError


def pick_device(name: str = "auto") -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise StudioError("--device cuda was asked for, but no CUDA device is available")
    if name not in ("cpu", "cuda"):
        raise StudioError(f"unknown device {name!r}; use auto, cpu or cuda")
    return torch.device(name)


def describe(device: torch.device) -> str:
    if device.type == "cuda":
        return f"CUDA: {torch.cuda.get_device_name(device)}"
    return f"CPU ({torch.get_num_threads()} threads)"
