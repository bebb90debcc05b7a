"""Performance harnesses that run the Qt side (the engine thread, the window). They sit above the UI
and are reached only from `studio bench --worker | --soak` (imported inside that command, the one
import of Qt the command line makes; tests/test_layers.py allows exactly these) and `main.py --train`; the headless
figures (generation, export sizes, training steps) are `studio.engine.bench`.

- `worker_latency`: slider drags and scrubs through the engine thread, request to frame (QtCore only)
- `soak`: the real window offscreen through scripted work, for minutes
- `training_demo`: the Training panel at work and the event loop's longest stalls (`StallMeter`)
"""
