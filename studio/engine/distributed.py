"""Data-parallel training on PyTorch's own launcher: `torchrun --nproc_per_node=N -m studio train …`.

torchrun (or `python -m torch.distributed.run`) starts N workers and gives each RANK, WORLD_SIZE,
LOCAL_RANK, MASTER_ADDR and MASTER_PORT in its environment. `setup` joins them into one process
group (NCCL on CUDA, gloo on the CPU), `teardown` leaves it. A plain `python -m studio train` has
no WORLD_SIZE and gets a context of one worker with no process group at all.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist

from ..basics.errors import StudioError


@dataclass
class Context:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    device: torch.device = torch.device("cpu")
    backend: str | None = None           # None: a single worker, no process group

    @property
    def main(self) -> bool:
        """Rank 0: the only worker that writes the model folder, logs, samples and checkpoints."""
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.backend is not None


def launched() -> bool:
    """True inside a worker that torchrun started with more than one worker."""
    return int(os.environ.get("WORLD_SIZE", "1")) > 1


def setup(device: torch.device) -> Context:
    """Joins the process group torchrun described in the environment; one worker needs none."""
    if not launched():
        return Context(device=device)
    rank, world = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    local = int(os.environ.get("LOCAL_RANK", "0"))
    if device.type == "cuda":
        if local >= torch.cuda.device_count():
            raise StudioError(f"worker {rank} needs GPU {local} but this machine has "
                              f"{torch.cuda.device_count()}; use --nproc_per_node at most the number of GPUs")
        device = torch.device("cuda", local)
        torch.cuda.set_device(device)
        backend = "nccl"
    else:
        backend = "gloo"
    if not dist.is_available():
        raise StudioError("this build of PyTorch has no torch.distributed; run training without torchrun")
    if not dist.is_initialized():
        dist.init_process_group(backend=backend)
    return Context(rank=rank, world_size=world, local_rank=local, device=device, backend=backend)


def teardown(ctx: Context) -> None:
    if ctx.distributed and dist.is_initialized():
        dist.destroy_process_group()


def wrap(module: torch.nn.Module, ctx: Context, find_unused: bool = True) -> torch.nn.Module:
    """DistributedDataParallel around `module` (the same module when there is one worker).

    The models train through named methods (`losses`, `d_loss`, `g_loss`), not `forward`, so the
    wrapper's forward calls the method it is given by name: every training pass goes through
    DDP's forward, which is what makes DDP average the gradients of that pass over the workers.
    `find_unused`: some parameters get no gradient in some pass (a GAN's generator in the
    discriminator's pass, a VAE's attribute heads on footage without labels).
    """
    if not ctx.distributed:
        return _Methods(module)
    ids = [ctx.device.index] if ctx.device.type == "cuda" else None
    return torch.nn.parallel.DistributedDataParallel(_Methods(module), device_ids=ids,
                                                     find_unused_parameters=find_unused)


class _Methods(torch.nn.Module):
    def __init__(self, inner: torch.nn.Module):
        super().__init__()
        self.inner = inner

    def forward(self, method: str, *args, **kwargs):
        return getattr(self.inner, method)(*args, **kwargs)


def agree(ctx: Context, stop: int, values: list[float]) -> tuple[int, list[float]]:
    """One collective per step: the largest stop code any worker asks for (0 go on, 1 finish,
    2 pause; so all stop at the same step) and the workers' mean of `values` (the logged losses)."""
    if not ctx.distributed:
        return stop, values
    t = torch.tensor([float(stop == 1), float(stop == 2), *values], dtype=torch.float64, device=ctx.device)
    dist.all_reduce(t, op=dist.ReduceOp.SUM)
    flags = t[:2].tolist()
    return (2 if flags[1] else 1 if flags[0] else 0), (t[2:] / ctx.world_size).tolist()


def from_main(ctx: Context, obj):
    """Rank 0's `obj` on every worker (for example the checkpoint that rank 0 read from disk)."""
    if not ctx.distributed:
        return obj
    box = [obj if ctx.main else None]
    dist.broadcast_object_list(box, src=0, device=ctx.device if ctx.backend == "nccl" else None)
    return box[0]


class Shard:
    """Worker `rank` of `world` takes batches k*world + rank of the run's stream: disjoint shares
    that together are the batches a single run of world-times the steps would see."""

    def __init__(self, source, rank: int, world: int):
        self.source, self.rank, self.world = source, rank, world

    def make(self, k: int) -> dict:
        return self.source.make(k * self.world + self.rank)

    def __getattr__(self, name):
        return getattr(self.source, name)
