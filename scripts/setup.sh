#!/usr/bin/env bash
# Creates .venv with everything Latent Studio needs. torch comes first, on its own, so that the
# CPU build on this machine's disk is used instead of a multi-GB CUDA download.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -c "import torch" 2>/dev/null || .venv/bin/python -m pip install -q "torch==2.13.0" 2>&1 | grep -v "is ignored" || true
.venv/bin/python -c "import torch" 
.venv/bin/python -m pip install -q -e ".[test]" 2>&1 | grep -v "is ignored" || true
.venv/bin/python -c "import studio.cli, PySide6, cv2, platformdirs, pytestqt" 
# numba compiles librosa's kernels into its cache on first use (about 15 s): do it now, not in a user's first song
.venv/bin/python -c "from studio.engine.audio_features import warm_up; warm_up()"
