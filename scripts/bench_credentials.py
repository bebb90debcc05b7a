"""How long Content Credentials add to an export: encodes a 600-frame 1920x1080 MP4 with ffmpeg
(testsrc2, libx264), then signs it (studio.media.credentials.sign_file) and reads it back.

    nice -n 15 .venv/bin/python scripts/bench_credentials.py [--frames 600] [--preset ultrafast] [--crf N] [--runs 3]

Prints the encode time, each sign and read time, and sign time as a share of the encode. A temporary
config folder holds the local identity made for the run (made before timing starts).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", type=int, default=600)
    ap.add_argument("--preset", default="ultrafast")
    ap.add_argument("--crf", type=int, default=None, help="18 with --preset medium is what the MP4 writer uses")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-credentials-") as tmp:
        os.environ["LATENT_STUDIO_CONFIG"] = str(Path(tmp) / "config")
        import imageio_ffmpeg
        from studio.media.credentials import GenerationFacts, read_credentials, sign_file
        from studio.media.credentials_identity import local_identity
        local_identity()
        src = Path(tmp) / "encoded.mp4"
        t = time.perf_counter()
        subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i",
                        "testsrc2=size=1920x1080:rate=30", "-frames:v", str(args.frames), "-c:v", "libx264",
                        "-preset", args.preset, *(["-crf", str(args.crf)] if args.crf is not None else []),
                        "-pix_fmt", "yuv420p", str(src)], check=True)
        encode = time.perf_counter() - t
        size = src.stat().st_size
        print(f"encode: {args.frames} frames 1920x1080 libx264 {args.preset}"
              f"{'' if args.crf is None else f' crf {args.crf}'}: {encode:.2f} s, {size / 1e6:.1f} MB")
        facts = GenerationFacts(model="footage-vae", model_version=3, seed=7, frames=args.frames, fps=30)
        signs = []
        for i in range(args.runs):
            path = Path(tmp) / f"signed{i}.mp4"
            path.write_bytes(src.read_bytes())          # a fresh unsigned copy each run
            t = time.perf_counter()
            sign_file(path, facts)
            signs.append(time.perf_counter() - t)
            t = time.perf_counter()
            d = read_credentials(path)
            read = time.perf_counter() - t
            assert d["validates"], d["errors"]
            print(f"sign run {i + 1}: {signs[-1]:.3f} s (+{path.stat().st_size - size} bytes); read+verify {read:.3f} s")
        best, worst = min(signs), max(signs)
        print(f"sign: best {best:.3f} s, worst {worst:.3f} s = {100 * best / encode:.1f}%-{100 * worst / encode:.1f}% "
              f"of the encode")


if __name__ == "__main__":
    main()
