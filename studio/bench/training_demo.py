"""`main.py --screenshot PATH --train SECONDS`: the Training panel at work, and how long the event
loop stalls meanwhile."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, QTimer


class StallMeter:
    """Gaps between ticks of a 10 ms timer: how long the event loop was blocked at a time."""

    def __init__(self, parent=None):
        import time
        self._clock = time.perf_counter
        self.last, self.gaps = self._clock(), []
        self.timer = QTimer(parent, interval=10, timeout=self._tick)
        self.timer.start()

    def _tick(self):
        now = self._clock()
        self.gaps.append(now - self.last)
        self.last = now

    def stop(self) -> dict:
        self.timer.stop()
        g = np.asarray(self.gaps or [0.0]) * 1e3
        return {"max_ms": float(g.max()), "p99_ms": float(np.percentile(g, 99)), "ticks": len(self.gaps)}



def demo_run(window, seconds: float, root: str, done) -> None:
    """`main.py --screenshot PATH --train SECONDS`: opens the Training panel, and a second later
    (as a user would, once it is on screen) trains a tiny shapes VAE in it for SECONDS while the
    window keeps generating clips; prints the event loop's longest stalls (opening the panel, from
    the press of Train, once steps arrive), then calls `done` (which takes the screenshot)."""
    import sys
    dock = window.training_dock
    opening = StallMeter(window)                # the dock's first paint (pyqtgraph) is not the press
    dock.show()
    panel = dock.panel()
    window.resizeDocks([dock], [int(window.height() * 0.5)], Qt.Orientation.Vertical)
    panel.models_root = Path(root)
    panel.name.setText("my-first-vae")
    panel.tiny.setChecked(True)
    panel.amount.setValue(100000)
    clips = []
    window.clipReady.connect(lambda: clips.append(1))
    regenerate = QTimer(window, interval=1500, timeout=window.generate)
    meters: dict = {}
    steady: list = []                           # from the first log record on: training running

    def first_records(n):
        if n and not steady:
            steady.append(StallMeter(window))

    def press():
        meters["open"] = opening.stop()
        meters["press"] = StallMeter(window)    # from the press of Train: the launch counts too
        panel.recordsArrived.connect(first_records)
        panel.start()
        regenerate.start()
        QTimer.singleShot(int(seconds * 1000), finish)

    def finish():
        regenerate.stop()
        o, m = meters["open"], meters["press"].stop()
        s = steady[0].stop() if steady else {"max_ms": float("nan"), "p99_ms": float("nan")}
        print(f"training demo over {seconds:.0f} s, a 10 ms timer's longest gap: {o['max_ms']:.0f} ms opening the "
              f"panel, {m['max_ms']:.0f} ms from the press of Train (99th percentile {m['p99_ms']:.0f} ms), "
              f"{s['max_ms']:.0f} ms once steps were arriving (99th percentile {s['p99_ms']:.0f} ms); "
              f"{panel.plot.points()} steps logged; {len(clips)} clips generated meanwhile", file=sys.stderr)
        done()

    QTimer.singleShot(1000, press)
