"""Training: `python -m studio train --data shapes|DIR --family vae|gan --out DIR`.

The out folder becomes a model folder (weights + card). Logs, samples and checkpoints go to
`DIR/train/`. A run is bounded by --steps and/or --minutes, and --resume continues from the
last checkpoint. Batch k depends only on (seed, k), so the same seed reproduces the run.

Under torchrun each worker trains its own share of the batches (worker r of N takes batches
k*N + r) through DistributedDataParallel; only rank 0 writes the model folder, the log, samples
and checkpoints. Every log line and the card record `world_size`.

A running job is paused (checkpoint written, process ends, `--resume` continues) or finished early
by writing "pause" or "stop" into `DIR/train/control` (`request`), or paused by SIGTERM.
"""
from __future__ import annotations

import json
import os
import platform
import signal
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from . import checkpoint, distributed
from .data import Prefetch, ShapesBatches
from .device import describe, pick_device
from ..basics.errors import StudioError
from ..basics.files import atomic_path
from ..basics.train_folder import CONTROL, LOG, SAMPLES, asked, request, work_dir  # noqa: F401 (request: its home before)
from .modelio import load_module, save_model
from .models.gan import GANConfig, VideoGAN
from .models.layered import DecoderConfig
from .models.vae import VAEConfig, VideoVAE
from .text.encoder import EMBED_DIM, NAME as TEXT_ENCODER


@dataclass
class TrainConfig:
    data: str = "shapes"
    family: str = "vae"
    out: str = "runs/model"
    steps: int | None = None
    minutes: float | None = None
    batch: int = 16
    frames: int = 16
    lr: float = 1e-3
    seed: int = 0
    sample_every: int = 200
    checkpoint_minutes: float = 3.0
    device: str = "auto"
    resume: bool = False
    init_from: str | None = None      # start the decoder (VAE) or generator (GAN) from a VAE's decoder
    tiny: bool = False                # a very small network, for tests
    resolution: int = 64              # footage: frames are cropped and scaled to this square size
    path_minutes: float = 0.0         # VAE on the shapes world: then train the motion path alone on labelled paths
    long_motion_minutes: float = 0.0  # shapes: then train the motion GRU on long paths (long_motion.py), so that
                                      # long clips and loops come from the model, not the formula
    decoder: dict = field(default_factory=dict)


GO, FINISH, PAUSE = 0, 1, 2            # what a step ends with; the largest any worker asks for wins


def _requested(work: Path) -> int:
    text = asked(work)
    return PAUSE if text == "pause" else FINISH if text == "stop" else GO


SAMPLE_PROMPTS = ["a large red circle moving right slowly on a black background",
                  "a medium blue star bouncing fast on a sunset background",
                  "a large purple star orbiting slowly on a sky background",
                  "a medium green triangle bouncing quickly on a gray background"]


def _decoder_config(cfg: TrainConfig, text_dim: int) -> DecoderConfig:
    extra = dict(cfg.decoder)
    if cfg.tiny:
        extra = {"emb": 16, "hidden": 16, "channels": 8, "z_content": 4, "z_motion": 2, **extra}
    if cfg.long_motion_minutes and cfg.data == "shapes":
        extra = {"torus_state": True, **extra}
    return DecoderConfig(**{"text_dim": text_dim, "flat_color": text_dim == 0, "res": cfg.resolution, **extra})


def build_model(cfg: TrainConfig, text_dim: int):
    dec = _decoder_config(cfg, text_dim)
    if cfg.family == "vae":
        return VideoVAE(VAEConfig(decoder=dec, encoder_channels=8 if cfg.tiny else 32))
    if cfg.family == "gan":
        return VideoGAN(GANConfig(decoder=dec, d_channels=8 if cfg.tiny else 32))
    raise StudioError(f"unknown family {cfg.family!r}; use vae or gan")


FOOTAGE_STRIDE = 2                      # a footage clip takes every second source frame
RESOLUTIONS = (32, 64, 128)


def clip_span(frames: int) -> int:
    """Source frames one training clip of `frames` frames spans."""
    return (frames - 1) * FOOTAGE_STRIDE + 1


def make_source(cfg: TrainConfig):
    if cfg.resolution not in RESOLUTIONS:
        raise StudioError(f"--resolution must be one of {', '.join(map(str, RESOLUTIONS))}, not {cfg.resolution}")
    if cfg.data == "shapes":
        if cfg.resolution != 64:
            raise StudioError("the shapes world is drawn at 64x64; --resolution applies to a folder of footage")
        return ShapesBatches(cfg.seed, cfg.batch, cfg.frames, paths=cfg.family == "vae"), [], 0
    from .footage.data import FootageWindows
    from .footage.reading import read_folder
    from .text.encoder import default_encoder
    try:
        folder = read_folder(cfg.data, cfg.resolution, min_frames=clip_span(cfg.frames))
    except FileNotFoundError as e:
        raise StudioError(str(e)) from None
    except OSError as e:
        raise StudioError(f"cannot read the folder {cfg.data}: {e.strerror or e}") from None
    if not folder.videos:
        why = "; ".join(f"{n}: {r}" for n, r in folder.skipped[:3])
        raise StudioError(f"no usable video in {cfg.data}" + (f" ({why})" if why else ""))
    try:
        src = FootageWindows(folder, cfg.seed, cfg.batch, cfg.frames, stride=FOOTAGE_STRIDE,
                             text_encoder=default_encoder())
    except ValueError as e:
        raise StudioError(str(e)) from None
    return src, folder.skipped, EMBED_DIM


class Trainer:
    def __init__(self, cfg: TrainConfig, log=print, ctx: distributed.Context | None = None):
        if cfg.steps is None and cfg.minutes is None:
            raise StudioError("give --steps or --minutes to bound the run")
        self.cfg = cfg
        self.ctx = ctx or distributed.Context(device=pick_device(cfg.device))
        self.log = log if self.ctx.main else (lambda *_: None)
        self.out = Path(cfg.out)
        self.work = work_dir(self.out)
        self.device = self.ctx.device
        torch.manual_seed(cfg.seed)
        np.random.seed(cfg.seed)
        source, self.skipped, text_dim = make_source(cfg)
        self.source = distributed.Shard(source, self.ctx.rank, self.ctx.world_size)
        for name, why in self.skipped:
            self.log(f"skipped {name}: {why}")
        self.text_dim = text_dim
        self.model = self.build(cfg, text_dim).to(self.device)
        self.optims = self.make_optims(cfg)
        self.step = 0
        self.elapsed = 0.0
        self._signalled = GO                       # SIGTERM sets PAUSE (see run_training)
        if cfg.resume:
            self._resume()
        self.ddp = distributed.wrap(self.model, self.ctx, find_unused=cfg.family == "gan" or not source.labelled)
        self.gen = torch.Generator(device=self.device)

    def build(self, cfg: TrainConfig, text_dim: int):
        return build_model(cfg, text_dim)

    def make_optims(self, cfg: TrainConfig) -> dict:
        if cfg.family == "vae":
            if cfg.init_from:
                self._init_decoder(cfg.init_from)
            return {"vae": torch.optim.Adam(self.model.parameters(), lr=cfg.lr)}
        if cfg.init_from:
            self._init_generator(cfg.init_from)
        return {"g": torch.optim.Adam(self.model.generator.parameters(), lr=cfg.lr, betas=(0.0, 0.99)),
                "d": torch.optim.Adam(list(self.model.d_image.parameters()) + list(self.model.d_video.parameters()),
                                      lr=cfg.lr * 2, betas=(0.0, 0.99))}

    def budget_seconds(self) -> float | None:
        """Seconds of the step loop (the whole --minutes; a subclass may keep some for after it)."""
        return self.cfg.minutes * 60 if self.cfg.minutes else None

    def _resume(self):
        """Rank 0 reads the checkpoint and hands it to the other workers (no shared disk needed)."""
        state = None
        if self.ctx.main and checkpoint.exists(self.work):
            state = checkpoint.read(self.work)
        state = distributed.from_main(self.ctx, state)
        if state is None:
            raise StudioError(f"--resume: no checkpoint in {self.work}")
        info = checkpoint.apply(state, self.model, self.optims)
        self.step, self.elapsed = info["step"], info["elapsed"]
        before = info.get("world_size", 1)
        self.log(f"resumed at step {self.step}" + (f" (the run had {before} workers, now {self.ctx.world_size})"
                                                   if before != self.ctx.world_size else ""))

    def _init_decoder(self, source: str):
        """VAE: start from another VAE; tensors whose design changed start fresh."""
        from .modelio import read_card, read_weights, resolve
        folder = resolve(source)
        if read_card(folder)["family"] != "vae":
            raise StudioError("--init-from needs a VAE model")
        own = self.model.state_dict()
        fitting = {k: v for k, v in read_weights(folder).items() if k in own and own[k].shape == v.shape}
        if not any(k.startswith("decoder.") for k in fitting):
            raise StudioError(f"the decoder in {folder} does not fit this configuration")
        self.model.load_state_dict(fitting, strict=False)
        self.log(f"initialised {len(fitting)} of {len(own)} tensors from {folder}")

    def _init_generator(self, source: str):
        vae, card, _ = load_module(source, self.device)
        if card["family"] != "vae":
            raise StudioError("--init-from needs a VAE model")
        self.model.generator.load_state_dict(vae.decoder.state_dict())
        self.model.generator_ema.load_state_dict(vae.decoder.state_dict())

    def finish(self, stop) -> dict:
        """Work after the last step of a run that was not paused: the shapes VAE's path fine-tune
        and content prior. Returns extra figures for the result's losses."""
        extra = {}
        if self.cfg.family == "vae" and self.cfg.data == "shapes":
            if self.cfg.path_minutes and not stop() and not _requested(self.work):
                extra["path_finetune"] = self.finetune_path(self.cfg.path_minutes, stop)
            self.fit_prior()
        if self.cfg.long_motion_minutes and self.cfg.data == "shapes" and not stop() and not _requested(self.work):
            from .long_motion import LongMotionConfig, train_long_motion
            self.long_motion = train_long_motion(self.model.decoder, LongMotionConfig(minutes=self.cfg.long_motion_minutes,
                                                                                      seed=self.cfg.seed), stop, self.log,
                                                 path_encoder=getattr(self.model, "path_encoder", None))
            extra["long_motion_path_mse"] = self.long_motion["final_path_mse"]
        return extra

    def train_step(self, batch: dict) -> dict:
        dev = self.device
        clip = batch["clip"].to(dev)
        cond = batch["cond"].to(dev)
        text = None if batch["text"] is None else batch["text"].to(dev)
        self.gen.manual_seed(self.cfg.seed * 7919 + self.step * self.ctx.world_size + self.ctx.rank)
        if self.cfg.family == "vae":
            labels = batch["labels"]
            if labels is not None:
                labels = {k: ({g: y.to(dev) for g, y in v.items()} if isinstance(v, dict) else v.to(dev))
                          for k, v in labels.items()}
            out = self.ddp("losses", clip, cond, text, labels, self.gen)
            opt = self.optims["vae"]
            opt.zero_grad(set_to_none=True)
            out["loss"].backward()
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), 5.0)
            opt.step()
        else:
            d = self.ddp("d_loss", clip, cond, text, self.gen)
            self.optims["d"].zero_grad(set_to_none=True)
            d["loss"].backward()
            self.optims["d"].step()
            g = self.ddp("g_loss", clip.shape[0], clip.shape[1], cond, text, self.gen, dev)
            self.optims["g"].zero_grad(set_to_none=True)
            g["loss"].backward()
            self.optims["g"].step()
            self.model.update_ema()
            out = {"d_image": d["d_image"], "d_video": d["d_video"], "g": g["g"]}
        return {k: float(v.detach()) for k, v in out.items()}

    def _card(self) -> dict:
        c, world = self.cfg, self.ctx.world_size
        local = int(os.environ.get("LOCAL_WORLD_SIZE", world))
        launcher = ("python -m studio" if world == 1 else
                    f"torchrun --nnodes={max(1, world // local)} --nproc_per_node={local} -m studio")
        cmd = (f"{launcher} train --data {c.data} --family {c.family} --out {c.out} --seed {c.seed} "
               f"--batch {c.batch} --frames {c.frames} --lr {c.lr}"
               + (f" --resolution {c.resolution}" if c.resolution != 64 else "")
               + (f" --steps {c.steps}" if c.steps else "") + (f" --minutes {c.minutes}" if c.minutes else "")
               + (f" --init-from {c.init_from}" if c.init_from else "") + (" --tiny" if c.tiny else "")
               + (f" --path-minutes {c.path_minutes}" if c.path_minutes else "")
               + (f" --long-motion-minutes {c.long_motion_minutes}" if c.long_motion_minutes else ""))
        return {"conditioning": "sentence" if self.text_dim else "attributes",
                "text_encoder": TEXT_ENCODER, "resolution": c.resolution, "frames": c.frames, "fps": 8,
                "sampling": {"content_prior": "one Gaussian per motion value fitted to the path encoder's codes"
                             if c.family == "vae" and c.data == "shapes" else "N(0, I)",
                             "motion_temperature": 0.0 if c.data == "shapes" else 1.0},
                "recipe": {"command": cmd, "config": asdict(c), "steps_done": self.step, "world_size": world,
                           "clips_per_step": c.batch * world,
                           "path_finetune_steps": getattr(self, "path_steps", 0),
                           **({"long_motion": self.long_motion} if getattr(self, "long_motion", None) else {}),
                           "train_seconds": round(self.elapsed, 1), "device": describe(self.device),
                           "torch": torch.__version__, "python": platform.python_version()},
                "data": {"source": c.data, "skipped": [list(s) for s in self.skipped]}}

    def shipped(self):
        """The module whose weights the model folder holds (the checkpoint holds all of self.model)."""
        return self.model

    def save_all(self):
        checkpoint.save(self.work, self.model, self.optims,
                        {"step": self.step, "elapsed": self.elapsed, "world_size": self.ctx.world_size})
        existing = {}
        if (self.out / "model.json").is_file():
            existing = {k: v for k, v in json.loads((self.out / "model.json").read_text()).items()
                        if k in ("directions", "metrics", "history")}
        save_model(self.out, self.shipped(), {**self._card(), **existing})

    def sample_prompts(self) -> list[str]:
        """Shapes: four fixed prompts. Footage: the folder's first four captions."""
        if self.cfg.data == "shapes":
            return SAMPLE_PROMPTS
        return sorted({v.caption for v in self.source.folder.videos})[:4]

    @torch.no_grad()
    def write_samples(self) -> str:
        """A strip per prompt (one row of frames each) as train/samples/step_N.png; returns its name."""
        from .conditioning import attribute_vector
        from .text.parser import PromptParser
        import cv2
        dec = self.model.decoder
        prompts = self.sample_prompts()
        n = len(prompts)
        if dec.cfg.text_dim:
            from .text.encoder import default_encoder
            cond = torch.zeros(n, dec.cfg.cond_dim, device=self.device)
            text = torch.from_numpy(default_encoder().encode(prompts)).to(self.device)
        else:
            parser = getattr(self.source, "parser", None) or PromptParser()
            cond = torch.stack([attribute_vector(parser.parse(p).values) for p in prompts]).to(self.device)
            text = None
        g = torch.Generator().manual_seed(0)
        zc = torch.randn(n, dec.cfg.z_content, generator=g).to(self.device)
        zm = torch.randn(n, self.cfg.frames, dec.cfg.z_motion, generator=g).to(self.device)
        was = dec.training
        dec.eval()
        clips, _ = dec(cond, zc, zm, text)
        dec.train(was)
        grid = (clips.clamp(0, 1) * 255).byte().permute(0, 3, 1, 4, 2).cpu().numpy()   # n,H,T,W,3
        grid = grid.reshape(n * grid.shape[1], -1, 3)
        (self.work / SAMPLES).mkdir(parents=True, exist_ok=True)
        name = f"{SAMPLES}/step_{self.step:06d}.png"
        with atomic_path(self.work / name, suffix=".png") as tmp:    # a reader never sees half a PNG
            cv2.imwrite(str(tmp), grid[..., ::-1])
        return name

    def _wants(self, stop) -> int:
        """What this worker asks for after the current step."""
        cfg = self.cfg
        if self._signalled or stop():
            return self._signalled or FINISH
        if self.ctx.main:
            asked = _requested(self.work)
            if asked:
                return asked
        if cfg.steps is not None and self.step >= cfg.steps:
            return FINISH
        budget = self.budget_seconds()
        if budget is not None and self.elapsed >= budget:
            return FINISH
        return GO

    def run(self, stop=lambda: False, on_step=None) -> dict:
        """Trains until the step or time budget is spent, or until asked to stop or pause. Returns
        {"steps", "seconds", "losses", "paused", "world_size"}."""
        cfg, ctx = self.cfg, self.ctx
        logf = None
        if ctx.main:
            self.work.mkdir(parents=True, exist_ok=True)
            (self.work / CONTROL).unlink(missing_ok=True)      # a request was for an earlier run
            logf = open(self.work / LOG, "a", encoding="utf-8", buffering=1)
        prefetch = Prefetch(self.source, self.step)
        bar = tqdm(total=cfg.steps, initial=self.step, desc=f"train {cfg.family}", dynamic_ncols=True,
                   disable=not ctx.main or (not sys.stderr.isatty() and on_step is not None))
        last_ckpt = time.monotonic()
        started = time.monotonic() - self.elapsed
        self.model.train()
        losses: dict = {}
        ending, _ = distributed.agree(ctx, self._wants(stop), [])
        try:
            while ending == GO:
                losses = self.train_step(prefetch.next())
                self.step += 1
                self.elapsed = time.monotonic() - started
                ending, values = distributed.agree(ctx, self._wants(stop), list(losses.values()))
                losses = dict(zip(losses, values))
                if not ctx.main:
                    continue
                rec = {"step": self.step, "seconds": round(self.elapsed, 2), "world_size": ctx.world_size,
                       **{k: round(v, 5) for k, v in losses.items()}}
                if cfg.sample_every and self.step % cfg.sample_every == 0:
                    rec["sample"] = self.write_samples()
                if ending == GO and time.monotonic() - last_ckpt > cfg.checkpoint_minutes * 60:
                    self.save_all()
                    rec["checkpoint"] = True
                    last_ckpt = time.monotonic()
                logf.write(json.dumps(rec) + "\n")
                bar.update(1)
                bar.set_postfix({k: f"{v:.4f}" for k, v in losses.items()}, refresh=False)
                if on_step:
                    on_step(rec)
        finally:
            prefetch.close()
            bar.close()
            if logf is not None:
                logf.close()
        result = {"steps": self.step, "seconds": self.elapsed, "losses": losses, "paused": ending == PAUSE,
                  "world_size": ctx.world_size}
        if not ctx.main:
            return result
        if ending != PAUSE:
            losses.update(self.finish(stop))
            if cfg.sample_every and self.step % cfg.sample_every:
                self.write_samples()                           # the finished model's own strip
        self.model.eval()
        self.save_all()
        (self.work / CONTROL).unlink(missing_ok=True)
        return result

    def finetune_path(self, minutes: float, stop=lambda: False, batch: int = 256) -> float:
        """Trains the motion-path modules and the path encoder alone, on labelled paths without
        pixels (about 12 steps a second on 2 cores): this is where bouncing is learned."""
        import torch.nn.functional as F
        dec, vae = self.model.decoder, self.model
        names = ("motion_emb", "start", "h0", "rnn", "step")
        params = [p for n, p in dec.named_parameters() if n.split(".")[0] in names] + list(vae.path_encoder.parameters())
        opt = torch.optim.Adam(params, lr=2e-3)
        t0, k, loss = time.monotonic(), 0, torch.tensor(0.0)
        while time.monotonic() - t0 < minutes * 60 and not stop():
            cond, paths = self.source.paths(10_000_000 + k, batch, free=0.5)
            cond, paths = cond.to(self.device), paths.to(self.device)
            zc = vae.path_encoder(paths[:, :4].flatten(1))
            zm = torch.zeros(batch, paths.shape[1], dec.cfg.z_motion, device=self.device)
            loss = F.mse_loss(dec.path(cond, zc, zm), paths)
            opt.zero_grad(set_to_none=True)
            (100 * loss).backward()
            torch.nn.utils.clip_grad_norm_(params, 5.0)
            opt.step()
            k += 1
        self.path_steps = k
        self.log(f"path fine-tune: {k} steps, path MSE {loss.item():.2e}")
        return float(loss)

    @torch.no_grad()
    def fit_prior(self, batches: int = 32):
        """The content codes generation draws from: one Gaussian per motion, fitted to the codes the
        path was trained with."""
        codes, conds = [], []
        for k in range(batches):
            cond, paths = self.source.paths(20_000_000 + k, 256)
            codes.append(self.model.path_encoder(paths[:, :4].flatten(1).to(self.device)))
            conds.append(cond.to(self.device))
        self.model.decoder.fit_content_prior(torch.cat(codes), torch.cat(conds))


def run_training(cfg: TrainConfig, log=print) -> dict:
    """The whole `studio train` job, on one worker or as one of torchrun's workers: joins the
    process group, trains, and on rank 0 finishes the model folder (directions in the card)."""
    ctx = distributed.setup(pick_device(cfg.device))
    trainer = None
    restore = None
    if threading.current_thread() is threading.main_thread():
        def on_term(*_):                       # torchrun, a service manager, `kill`: checkpoint, then exit
            if trainer is not None:
                trainer._signalled = PAUSE
        restore = signal.signal(signal.SIGTERM, on_term)
    try:
        if cfg.data == "shapes":
            trainer = Trainer(cfg, log=log, ctx=ctx)
        else:
            from .footage.training import FootageTrainer
            trainer = FootageTrainer(cfg, log=log, ctx=ctx)
        result = trainer.run()
        if ctx.main and not result["paused"]:
            from . import load_model
            from .directions import compute_directions
            from .modelio import update_card
            update_card(Path(cfg.out), directions=compute_directions(load_model(cfg.out, "cpu")))
        return result
    finally:
        if restore is not None:
            signal.signal(signal.SIGTERM, restore)
        distributed.teardown(ctx)
