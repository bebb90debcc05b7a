#!/usr/bin/env bash
# Steps per second of one training worker (2 threads) vs two torchrun workers (1 thread each),
# tiny and full-size VAE on the shapes world. Reads the rates off each run's log.jsonl.
set -e
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
rate() { .venv/bin/python - "$1" <<'PY'
import json, sys
log = [json.loads(l) for l in open(sys.argv[1] + "/train/log.jsonl")]
a, b = log[len(log) // 4], log[-1]
print(f"{sys.argv[1]}: world {b['world_size']}, {(b['step'] - a['step']) / (b['seconds'] - a['seconds']):.2f} "
      f"steps/s over steps {a['step']}-{b['step']}")
PY
}
for cfg in "tiny:--tiny --batch 8 --frames 8 --steps 80" "full:--batch 8 --frames 16 --steps 24"; do
  name=${cfg%%:*}; args=${cfg#*:}
  .venv/bin/python -m studio train --data shapes --family vae $args --sample-every 0 --threads 2 \
      --out "$tmp/one-$name" >/dev/null 2>&1
  rate "$tmp/one-$name"
  OMP_NUM_THREADS=1 .venv/bin/torchrun --standalone --nproc_per_node=2 -m studio train --data shapes --family vae \
      $args --sample-every 0 --threads 1 --out "$tmp/two-$name" >/dev/null 2>&1
  rate "$tmp/two-$name"
done
rm -rf "$tmp"
