"""`python -m studio …` (also `latent-studio`): every feature of the app, headless. No Qt here."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

DEFAULT_MODEL = "shapes-vae"


def _sliders(items: list[str]) -> dict:
    out = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        try:
            if not sep:
                raise ValueError
            out[name.strip()] = float(value)
        except ValueError:
            from .basics.errors import StudioError
            raise StudioError(f"--set expects NAME=NUMBER, not {item!r}") from None
    return out


def _positive(name: str, value: int | None):
    from .basics.errors import StudioError
    if value is not None and value < 1:
        raise StudioError(f"{name} must be a positive number, not {value}")


def _prepare_out(path: str):
    from .media.writer import check_writable, kind_of
    p = Path(path)
    kind_of(p)
    check_writable(p)
    return p


def _warn_unknown(parsed):
    if parsed.unknown:
        print(f"warning: the model does not know these words: {', '.join(parsed.unknown)}", file=sys.stderr)


def _identity(args):
    """The signing identity: --signing-cert/--signing-key when given, else the local one."""
    from .media.credentials_identity import SETTING_CHAIN, SETTING_KEY, identity_from_settings
    return identity_from_settings({SETTING_CHAIN: args.signing_cert, SETTING_KEY: args.signing_key})


def _credentials(args, model, seed, prompt, frames: int, fps: int, still=None):
    """(facts, identity) for an export's Content Credentials, or (None, None) with --no-credentials."""
    if args.no_credentials:
        return None, None
    from .media.credentials import GenerationFacts
    identity = _identity(args)
    return GenerationFacts.of(model, seed, prompt, args.credentials_prompt, frames, fps, still), identity


def _music(args, model, fps: int, frames: int | None, audio=None):
    """(frames, the song as a ProjectAudio or None) for --audio and --drive: the clip is as long as
    the song unless `frames` says otherwise; `audio`: a project's music, which --audio replaces
    (keeping its offset and drives) and --drive adds to."""
    from .basics.errors import StudioError
    from .engine.audio_drives import parse_drive
    from .engine.trajectory import MAX_FRAMES
    from .project_audio import ProjectAudio
    drives = [parse_drive(d) for d in args.drive]
    if args.audio:
        audio = ProjectAudio(args.audio, audio.offset if audio else 0.0, list(audio.drives) if audio else [])
    if audio is None:
        if drives:
            raise StudioError("--drive needs a song to follow; add --audio FILE")
        return frames, None
    audio.drives += drives
    model.check_sliders({d.direction: 0.0 for d in audio.drives})
    if frames is None:
        seconds = audio.seconds()
        frames = max(1, round(seconds * fps))
        if frames > MAX_FRAMES:
            raise StudioError(f"the song is {seconds:.1f} s long, {frames} frames at {fps} fps, and a clip holds at "
                              f"most {MAX_FRAMES}; pass --frames or a lower --fps")
    else:
        audio.seconds()                               # unreadable: one sentence before any work
    return frames, audio


def _driven(audio, frames: int, fps: int, sliders: dict, seed: int):
    """The timeline of a still look moved by the song's drives (None without drives)."""
    if audio is None or not audio.drives:
        return None
    from .engine.trajectory import TimelineSpec
    return TimelineSpec.of(frames, fps, sliders, [], seed=seed, drives=audio.drives,
                           features=audio.features(fps, frames))


def _write(model, plan, out: Path, fps: int, args, seed=None, prompt=None, still=None, audio=None) -> str:
    """Writes the plan's frames (drawn at the export size with `--scaling native`) with Content
    Credentials and, for MP4 and WebM, the song under them; returns how they were sized, for the
    one-line report."""
    from .basics.errors import StudioError
    from .media.overlay import text_overlay
    from .media.writer import VIDEO_FORMATS, ExportSettings, SigningFailed, Soundtrack, write_clip
    from .project_frames import ExportFrames
    settings = ExportSettings(size=args.size, fit=args.fit, scaling=args.scaling, fps=fps)
    frames = ExportFrames(model, plan, settings)
    facts, identity = _credentials(args, model, seed, prompt, len(frames), fps, still)
    sound = None
    if audio is not None and out.suffix.lower() in VIDEO_FORMATS:
        sound = Soundtrack(audio.path, audio.offset)
    elif audio is not None:
        print(f"note: {out.name} carries no sound; the song only drives the clip", file=sys.stderr)
    try:
        write_clip(frames, out, settings, overlay=text_overlay(args.title, args.caption, len(frames), fps),
                   credentials=facts, identity=identity, soundtrack=sound)
    except SigningFailed as e:
        raise StudioError(f"{e}; nothing was written (add --no-credentials to save it unsigned)") from None
    res = model.resolution
    if frames.side and getattr(model, "kind", "") == "footage":    # a footage decoder draws at its own size
        return f"{res}x{res} resampled (bicubic) to {frames.side}x{frames.side} for {args.size}"
    if frames.side:
        return f"drawn at {frames.side}x{frames.side} for {args.size}"
    return f"{res}x{res}" + ("" if args.size == "native" else f" scaled ({args.scaling}) to {args.size}")


def cmd_generate(args) -> int:
    from .engine import load_model
    _positive("--frames", args.frames)
    _positive("--fps", args.fps)
    out = _prepare_out(args.out)
    sliders = _sliders(args.set)
    m = load_model(args.model, args.device)
    fps = args.fps or m.fps
    frames, audio = _music(args, m, fps, args.frames)
    plan = m.plan(args.prompt, args.seed, frames, sliders, timeline=_driven(audio, frames, fps, sliders, args.seed))
    _warn_unknown(plan.parsed)
    size = _write(m, plan, out, fps, args, args.seed, args.prompt, audio=audio)
    print(f"wrote {out} ({plan.frames} frames, {size}, model {m.name}, seed {args.seed}{_with(audio)})")
    return 0


def cmd_animate(args) -> int:
    from .basics.images import read_image
    from .engine import load_model
    _positive("--frames", args.frames)
    out = _prepare_out(args.out)
    still = read_image(args.image)
    m = load_model(args.model, args.device)
    fps, sliders = args.fps or m.fps, _sliders(args.set)
    frames, audio = _music(args, m, fps, args.frames)
    plan = m.plan_animation(still, args.prompt or "", args.seed, frames, sliders,
                            _driven(audio, frames, fps, sliders, args.seed))
    _warn_unknown(plan.parsed)
    size = _write(m, plan, out, fps, args, args.seed, args.prompt or "", args.image, audio=audio)
    print(f"wrote {out} ({plan.frames} frames from {args.image}, {size}, model {m.name}{_with(audio)})")
    return 0


def cmd_models(args) -> int:
    from .basics.errors import StudioError
    from .engine.modelio import installed_models, model_roots, read_card, resolve, user_models_dir
    names = installed_models()
    if not names:
        print(f"no models in {' or '.join(str(r) for r in model_roots())}; train one with: python -m studio "
              f"train --data shapes --family vae --out models/shapes-vae --minutes 30")
        return 0
    for n in names:
        try:
            folder = resolve(n)
            card = read_card(folder)
        except StudioError as e:
            print(f"{n}: unusable ({e})")
            continue
        dirs = list(card.get("directions", {}))
        yours = f", yours (in {folder.parent})" if folder.parent == user_models_dir() else ""
        print(f"{n}: {card['family']}, {card['resolution']}x{card['resolution']}, {card['frames']} frames @ "
              f"{card['fps']} fps, conditioning {card['conditioning']}{yours}")
        print(f"  directions: {', '.join(dirs) if dirs else 'none yet (run studio eval)'}")
    return 0


def cmd_train(args) -> int:
    from .engine.train import TrainConfig, run_training
    _positive("--steps", args.steps)
    cfg = TrainConfig(data=args.data, family=args.family, out=args.out, steps=args.steps, minutes=args.minutes,
                      batch=args.batch, frames=args.frames, lr=args.lr, seed=args.seed, device=args.device,
                      resume=args.resume, init_from=args.init_from, tiny=args.tiny, resolution=args.resolution,
                      sample_every=args.sample_every, checkpoint_minutes=args.checkpoint_minutes,
                      path_minutes=args.path_minutes, long_motion_minutes=args.long_motion_minutes)
    result = run_training(cfg, log=lambda s: print(s, file=sys.stderr))
    if int(os.environ.get("RANK", "0")):
        return 0                                   # a torchrun worker other than rank 0 writes nothing
    workers = f" on {result['world_size']} workers" if result["world_size"] > 1 else ""
    if result["paused"]:
        print(f"paused at step {result['steps']}{workers}; checkpoint in {Path(cfg.out) / 'train'} "
              f"(continue with --resume)")
    else:
        print(f"trained {result['steps']} steps in {result['seconds']:.0f} s{workers}; model in {cfg.out} "
              f"(logs, samples and checkpoint in {Path(cfg.out) / 'train'})")
    return 0


def cmd_eval(args) -> int:
    from .engine.modelio import read_card, resolve
    if read_card(resolve(args.model)).get("kind") == "footage":
        from .engine import load_model
        from .engine.footage.evaluate import evaluate_footage, format_footage_report
        report = evaluate_footage(load_model(args.model, args.device), args.data, write_card=not args.no_write)
        print(json.dumps(report, indent=2) if args.json else format_footage_report(report))
        return 0
    from .engine.evaluate import evaluate_model
    report = evaluate_model(args.model, prompts_file=args.prompts, per_group=args.per_group, device=args.device,
                            write_card=not args.no_write)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        from .engine.evaluate import format_report
        print(format_report(report))
    return 0


def cmd_export(args) -> int:
    from .engine import load_model
    from .engine.audio_drives import parse_drive
    from .project import Project
    out = _prepare_out(args.out)
    from .project_frames import plan_project
    proj = Project.load(args.project)
    m = load_model(proj.model, args.device)
    if proj.audio is not None and not args.audio and (problem := proj.audio_problem()):
        print(f"warning: {problem}", file=sys.stderr)
        proj.audio.drives += [parse_drive(d) for d in args.drive]       # checked, though they move nothing
        m.check_sliders({d.direction: 0.0 for d in proj.audio.drives})
        sound = None
    else:
        _, proj.audio = _music(args, m, proj.fps, proj.frames, proj.audio)
        sound = proj.audio
    plan = plan_project(m, proj)
    size = _write(m, plan, out, proj.fps, args, proj.seed, proj.prompt, audio=sound)
    keys = f", {len(proj.keyframes)} keyframes" if proj.keyframes else ""
    print(f"wrote {out} from {args.project} ({plan.frames} frames, {size}{keys}{', loop' if proj.loop else ''}"
          f"{_with(sound)})")
    return 0


def _with(audio) -> str:
    if audio is None:
        return ""
    drives = ", ".join(f"{d.direction}={d.feature}:{d.amount:g}" for d in audio.drives)
    return f", music {Path(audio.path).name}" + (f" driving {drives}" if drives else "")


def _lesson_signer(args, lesson, model: str):
    """Signs a lesson video in its temporary folder, before it is renamed into place (its shots have
    their own seeds; the prompts only when allowed): a lesson that cannot be signed writes nothing,
    and an earlier file at the same path stays, unless --no-credentials asked for it unsigned."""
    from .basics.errors import StudioError
    from .media.credentials import GenerationFacts, sign_file

    def sign(path, result) -> None:
        if path.suffix.lower() not in (".mp4", ".webm"):
            return
        facts = GenerationFacts(model=model, prompt="\n".join(s.prompt for s in lesson.shots),
                                include_prompt=args.credentials_prompt, frames=result.frames, fps=result.fps)
        try:
            sign_file(path, facts, _identity(args))
        except StudioError as e:
            raise StudioError(f"{e}; the lesson was not kept (add --no-credentials to save it unsigned)") from None
    return None if args.no_credentials else sign


def cmd_lesson(args) -> int:
    """A lesson script (or a project's lesson) becomes one captioned, chaptered video."""
    import signal

    from .lesson import read_script, render_lesson
    from .media.writer import Cancelled, ExportSettings
    _positive("--fps", args.fps)
    model, fps = args.model, args.fps
    if args.script.lower().endswith(".lstudio"):
        from .basics.errors import StudioError
        from .project import Project
        proj = Project.load(args.script)
        lesson, model, fps = proj.lesson, model or proj.model, fps or proj.fps
        if not lesson.shots:
            raise StudioError(f"{args.script} has no lesson shots; add clips to its lesson in the app first")
    else:
        lesson = read_script(args.script)
    shown = [-1]

    def progress(done, total):
        if args.progress and done * 100 // total != shown[0]:
            shown[0] = done * 100 // total
            print(f"progress {done}/{total}", flush=True)

    def stop(_signum, _frame):
        raise Cancelled()
    previous = signal.signal(signal.SIGTERM, stop)         # the app's Cancel: stop and clean up
    try:
        r = render_lesson(lesson, args.out, model or DEFAULT_MODEL,
                          ExportSettings(args.size, args.fit, args.scaling, fps), args.title_seconds,
                          args.burn_in, args.narrate, args.device, progress, where=args.script,
                          finish=_lesson_signer(args, lesson, model or DEFAULT_MODEL))
    finally:
        signal.signal(signal.SIGTERM, previous)
    extra = f" + {', '.join(p.name for p in r.sidecars)}" if r.sidecars else ""
    n = len(lesson.shots)
    print(f"wrote {r.path}{extra} ({n} shot{'s' * (n != 1)}, {r.seconds:.2f} s, {r.width}x{r.height} @ {r.fps} fps, "
          f"{r.chapters} chapters, {r.cues} captions{', narrated' if r.narrated else ''})")
    return 0


def cmd_bench(args) -> int:
    if args.soak:
        return _soak(args)
    from .engine.bench import run_bench
    figures = run_bench(args.model, threads=args.threads)
    if not args.no_music:
        from .engine.bench import BENCH_PROMPT
        from .media.music_bench import run_music_bench
        figures.update(run_music_bench(args.model, BENCH_PROMPT))
    if args.worker:
        from .bench.worker_latency import run_worker_bench     # Qt: the one command that runs the engine thread
        figures.update(run_worker_bench(args.model))            # (in this process: its figures depend on it)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for k, v in figures.items():
            print(f"{k:28s} {v}")
    return 0


def _soak(args) -> int:
    """`bench --soak`: the real window offscreen through scripted work (Qt is imported only here)."""
    from .bench.soak import run_soak
    log = None if args.json else (lambda line: print(line, file=sys.stderr, flush=True))
    minutes = 5.0 if args.minutes is None else args.minutes
    if minutes <= 0:
        from .basics.errors import StudioError
        raise StudioError(f"--minutes must be above 0, not {minutes:g}")
    figures = run_soak(minutes, model=args.model, log=log)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for k, v in figures.items():
            print(f"{k:28s} {v}")
    return 0 if figures["window_alive"] and figures["none_refcount_steady"] and not figures["errors"] else 1


def _add_output_options(p):
    p.add_argument("--out", required=True, help=".mp4, .webm, .gif, .npy or a folder for PNG frames")
    p.add_argument("--size", default="native", help="native, 256, 512, 720p or 1080p")
    p.add_argument("--fit", default="letterbox", choices=["letterbox", "crop"])
    p.add_argument("--scaling", default="native", choices=["native", "smooth", "pixel"],
                   help="native: the model draws at the export size (crisp edges); smooth or pixel: the "
                        "model's frames scaled up")
    p.add_argument("--title", default=None, help="a title shown over the first second")
    p.add_argument("--caption", default=None, help="a caption shown along the bottom")
    _add_credential_options(p)
    p.add_argument("--audio", default=None, metavar="FILE",
                   help="a song (WAV, FLAC, OGG or MP3): MP4 and WebM carry it; without --frames the clip is as long")
    p.add_argument("--drive", action="append", default=[], metavar="DIRECTION=FEATURE[:AMOUNT]",
                   help="add AMOUNT (default 1) x the song's FEATURE (loudness, onset, beat, low, mid, high; "
                        "0..1 per frame) to DIRECTION, noise included; repeatable")


def _add_credential_options(p):
    p.add_argument("--no-credentials", action="store_true",
                   help="do not sign the export with Content Credentials (for pipelines that sign elsewhere)")
    p.add_argument("--credentials-prompt", action="store_true",
                   help="record the prompt in the Content Credentials (off by default: a prompt can be private)")
    p.add_argument("--signing-cert", default=None, help="your own certificate chain (PEM) instead of the local identity")
    p.add_argument("--signing-key", default=None, help="the private key (PEM) of --signing-cert")


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="latent-studio", description="Latent Studio: text-to-video with local GAN/VAE models")
    sub = ap.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", help="a clip from a prompt")
    g.add_argument("--prompt", required=True)
    g.add_argument("--model", default=DEFAULT_MODEL)
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--frames", type=int, default=None)
    g.add_argument("--fps", type=int, default=None)
    g.add_argument("--set", action="append", default=[], metavar="DIRECTION=VALUE")
    g.add_argument("--device", default="auto")
    _add_output_options(g)
    a = sub.add_parser("animate", help="image to video")
    a.add_argument("--image", required=True)
    a.add_argument("--prompt", default="")
    a.add_argument("--model", default=DEFAULT_MODEL)
    a.add_argument("--seed", type=int, default=0)
    a.add_argument("--frames", type=int, default=None)
    a.add_argument("--fps", type=int, default=None)
    a.add_argument("--set", action="append", default=[], metavar="DIRECTION=VALUE")
    a.add_argument("--device", default="auto")
    _add_output_options(a)
    t = sub.add_parser("train", help="train a model on the shapes world or a folder of footage")
    t.add_argument("--data", required=True, help="shapes, or a folder of videos")
    t.add_argument("--family", required=True, choices=["vae", "gan"])
    t.add_argument("--out", required=True)
    t.add_argument("--steps", type=int, default=None)
    t.add_argument("--minutes", type=float, default=None)
    t.add_argument("--resume", action="store_true")
    t.add_argument("--device", default="auto")
    t.add_argument("--batch", type=int, default=16)
    t.add_argument("--frames", type=int, default=16)
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--init-from", default=None, help="GAN: start the generator from this VAE")
    t.add_argument("--tiny", action="store_true", help="a very small network (tests)")
    t.add_argument("--resolution", type=int, default=64, help="footage: 32, 64 or 128 pixels square")
    t.add_argument("--threads", type=int, default=None, help="torch CPU threads per worker")
    t.add_argument("--sample-every", type=int, default=250)
    t.add_argument("--checkpoint-minutes", type=float, default=3.0)
    t.add_argument("--path-minutes", type=float, default=0.0,
                   help="VAE on shapes: then train the motion path alone on labelled paths for this long")
    t.add_argument("--long-motion-minutes", type=float, default=0.0,
                   help="shapes: then train the motion model on long paths for this long (long clips and loops "
                        "come from the model; without it they continue a fitted formula)")
    e = sub.add_parser("eval", help="prompt fidelity, held-out combinations, stability, diversity")
    e.add_argument("--model", default=DEFAULT_MODEL)
    e.add_argument("--prompts", default=None, help="a file of prompts, one per line, to add as a group")
    e.add_argument("--per-group", type=int, default=216)
    e.add_argument("--json", action="store_true")
    e.add_argument("--no-write", action="store_true", help="do not write the results into the model card")
    e.add_argument("--device", default="auto")
    e.add_argument("--data", default=None, help="footage models: the folder they learned (default: the one in the card)")
    sub.add_parser("models", help="installed models and their directions")
    x = sub.add_parser("export", help="render a saved project")
    x.add_argument("project")
    x.add_argument("--device", default="auto")
    _add_output_options(x)
    le = sub.add_parser("lesson", help="a lesson script becomes one captioned, chaptered video")
    le.add_argument("script", help="a lesson script (# Title, then `seconds | prompt | caption` lines) "
                                   "or a .lstudio project holding a lesson")
    le.add_argument("--out", required=True, help=".mp4 or .webm (+ .srt and .vtt beside it), or .npy frames")
    le.add_argument("--model", default=None, help=f"default: the project's model, else {DEFAULT_MODEL}")
    le.add_argument("--size", default="720p", help="native, 256, 512, 720p or 1080p")
    le.add_argument("--fit", default="letterbox", choices=["letterbox", "crop"])
    le.add_argument("--scaling", default="native", choices=["native", "smooth", "pixel"])
    le.add_argument("--fps", type=int, default=None)
    le.add_argument("--title-seconds", type=float, default=2.0, help="how long the title card shows")
    le.add_argument("--burn-in", action="store_true", help="also draw the captions into the picture")
    le.add_argument("--narrate", action="store_true", help="speak the captions (needs espeak-ng)")
    le.add_argument("--device", default="auto")
    le.add_argument("--progress", action="store_true", help=argparse.SUPPRESS)
    _add_credential_options(le)
    cr = sub.add_parser("credentials", help="what a file's Content Credentials say, and whether they verify")
    cr.add_argument("file")
    cr.add_argument("--trust", default=None, help="a CA certificate (PEM) to trust as the signer's root")
    b = sub.add_parser("bench", help="speed figures")
    b.add_argument("--model", default=DEFAULT_MODEL)
    b.add_argument("--threads", type=int, default=2)
    b.add_argument("--json", action="store_true")
    b.add_argument("--worker", action="store_true", help="also time slider drags and scrubs through the engine worker")
    b.add_argument("--no-music", action="store_true", help="leave out the music figures (a 3-minute song analysed "
                   "cold, 600 frames with and without drives, a 3-minute export's audio/video drift)")
    b.add_argument("--soak", action="store_true", help="run the real window offscreen through scripted work (renders, "
                   "scrubs, slider drags, playback, keys, a lesson, a short training) and report the count on None")
    b.add_argument("--minutes", type=float, default=None, help="how long the soak runs (default 5)")
    return ap


def cmd_credentials(args) -> int:
    """Prints what FILE's Content Credentials say; exit 0 when they verify, 1 when not."""
    from .media.credentials import format_credentials, read_credentials
    info = read_credentials(args.file, trust_anchors=args.trust)
    print(format_credentials(info))
    return 0 if info.get("validates") else 1


COMMANDS = {"generate": cmd_generate, "animate": cmd_animate, "models": cmd_models, "train": cmd_train,
            "eval": cmd_eval, "export": cmd_export, "lesson": cmd_lesson, "bench": cmd_bench,
            "credentials": cmd_credentials}


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    from .basics.errors import StudioError
    from .media.writer import Cancelled
    try:
        import torch
        if getattr(args, "threads", None):
            torch.set_num_threads(args.threads)
        return COMMANDS[args.command](args)
    except StudioError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except Cancelled:
        print("cancelled; nothing was written", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        print("error: out of memory; try fewer frames", file=sys.stderr)
        return 1
