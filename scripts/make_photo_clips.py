"""Makes the project's own real-footage clips for the shipped footage model: a slow camera move
(pan and push-in, eased) over real photographs, written as H.264 MP4 with a caption `.txt` beside
each. The photographs are scikit-image's sample data (coffee.png, chelsea.png, rocket.jpg; public
domain or CC0, see scikit-image's data/README.txt); pass their folder as --photos.

    python scripts/make_photo_clips.py --photos PATH/TO/skimage/data --out data/footage
"""
from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np

SHOTS = {   # file: (caption, (x0, y0, zoom0) -> (x1, y1, zoom1)), centre as fractions of the photo
    "coffee.png": ("a cup of coffee on a saucer on a table", (0.35, 0.45, 1.0), (0.6, 0.5, 1.6)),
    "chelsea.png": ("a tabby cat looking at the camera", (0.3, 0.5, 1.1), (0.55, 0.4, 1.7)),
    "rocket.jpg": ("a rocket launching into a blue sky", (0.5, 0.75, 1.2), (0.5, 0.35, 1.5)),
}
FRAMES, FPS, SIDE = 120, 25, 256


def shot(img: np.ndarray, a, b, frames: int = FRAMES) -> np.ndarray:
    h, w = img.shape[:2]
    base = min(h, w)
    out = []
    for i in range(frames):
        u = 0.5 - 0.5 * np.cos(np.pi * i / (frames - 1))          # eased start and stop
        cx, cy, zoom = (a[j] + (b[j] - a[j]) * u for j in range(3))
        half = base / zoom / 2
        cx = np.clip(cx * w, half, w - half)
        cy = np.clip(cy * h, half, h - half)
        m = np.float32([[SIDE / (2 * half), 0, -(cx - half) * SIDE / (2 * half)],
                        [0, SIDE / (2 * half), -(cy - half) * SIDE / (2 * half)]])
        out.append(cv2.warpAffine(img, m, (SIDE, SIDE), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REFLECT))
    return np.stack(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", required=True)
    ap.add_argument("--out", default="data/footage")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, (caption, a, b) in SHOTS.items():
        img = cv2.cvtColor(cv2.imread(str(Path(args.photos) / name)), cv2.COLOR_BGR2RGB)
        frames = shot(img, a, b)
        path = out / (Path(name).stem + ".mp4")
        w = imageio_ffmpeg.write_frames(str(path), (SIDE, SIDE), fps=FPS, codec="libx264", quality=8,
                                        pix_fmt_out="yuv420p", macro_block_size=16)
        w.send(None)
        for f in frames:
            w.send(np.ascontiguousarray(f))
        w.close()
        path.with_suffix(".txt").write_text(caption + "\n", encoding="utf-8")
        print(path, frames.shape)


if __name__ == "__main__":
    main()
