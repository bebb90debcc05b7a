"""The footage family's configuration: one dataclass, recorded in the model card."""
from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass
class FootageConfig:
    res: int = 64                 # frames are squares of res x res
    channels: int = 16            # the first convolution's width; it doubles at each halving
    down: int = 2                 # halvings from the frame to the latent grid (64 px, 2: 16x16 cells)
    latent: int = 8               # channels per latent cell
    text_dim: int = 384           # the caption's MiniLM embedding
    content: int = 32             # the clip's content code (the first-frame generator's latent)
    hidden: int = 32              # the motion model's ConvGRU state, channels per cell
    flow_grid: int = 4            # control points per side of the motion model's displacement field
    noise: int = 4                # per-step motion noise, channels per cell
    cond: int = 16                # caption + content code, broadcast over the grid, channels
    beta: float = 2e-3            # KL weight (nats per latent element, against mean L1 per pixel)
    free_bits: float = 0.02       # nats per latent element below which KL is not penalised
    edge_weight: float = 1.0      # image-gradient L1 beside plain L1: keeps edges
    motion_beta: float = 0.3      # KL weight of the motion noise posterior (nats per element, against latent MSE)
    content_beta: float = 1e-2    # KL weight of the content code (first-frame CVAE)

    @property
    def grid(self) -> int:
        return self.res // 2 ** self.down


def config_from_card(config: dict) -> FootageConfig:
    """The configuration a model card records; cards from before the smooth motion field have
    no `flow_grid`, and their displacement moved each cell freely."""
    known = {f.name for f in fields(FootageConfig)}
    given = {k: v for k, v in config.items() if k in known}
    given.setdefault("flow_grid", 1 << 30)
    return FootageConfig(**given)

