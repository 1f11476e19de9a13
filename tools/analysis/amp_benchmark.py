"""Toy training in fp32 vs AMP: loss curves, iteration time and peak memory, each run in a fresh process.

Usage:
    python tools/analysis/amp_benchmark.py [--iters 200] [--size 128] [--batch-size 2] [--out rows.json]

The toy model (seg/configs/_base_/models/omg_toy.py, placeholder text bank, seed 0) trains on two
alternating synthetic batches (the test helper ``tests.models.model_test_utils.synthetic_batch``: two
thing rectangles on two stuff halves) with AdamW lr 1e-3 and grad clipping, once with ``OptimWrapper``
(fp32) and once with ``DeviceAmpOptimWrapper`` (bf16 autocast on the CPU, fp16 on a GPU). Printed: median
iteration time, peak RSS above the built model (CPU) or max allocated memory (GPU), the loss at a few
iterations and the mean of the last 20, with the relative difference AMP vs fp32.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
WRAPPERS = {'fp32': 'OptimWrapper', 'amp': 'DeviceAmpOptimWrapper'}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--iters', type=int, default=200)
    parser.add_argument('--size', type=int, default=128, help='square image side')
    parser.add_argument('--batch-size', type=int, default=2)
    parser.add_argument('--out', help='also write the rows as JSON')
    parser.add_argument('--single', choices=sorted(WRAPPERS), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def train(args: argparse.Namespace, mode: str) -> dict:
    """One training run of ``mode``: per-iteration losses and times, peak memory."""
    from mmengine.optim import build_optim_wrapper
    from video_memory import PeakMemory

    from tests.models.model_test_utils import build_toy_model, synthetic_batch
    model = build_toy_model(seed=0).train()
    wrapper = build_optim_wrapper(model, dict(
        type=WRAPPERS[mode], optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
        clip_grad=dict(max_norm=1.0)))
    batches = [synthetic_batch(batch_size=args.batch_size, size=args.size) for _ in range(2)]
    meter = PeakMemory(next(model.parameters()).device)
    meter.start()
    losses, seconds = [], []
    torch.manual_seed(0)
    for step in range(args.iters):
        start = time.perf_counter()
        log = model.train_step(batches[step % 2], wrapper)
        seconds.append(time.perf_counter() - start)
        losses.append(log['loss'].detach().item())
    return dict(mode=mode, iters=args.iters, median_iter_s=statistics.median(seconds),
                peak_mib=meter.peak_mib(), losses=losses)


def main(argv: list[str] | None = None) -> list[dict]:
    """Both runs, each in a fresh process; print the comparison."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    if args.single:
        print(json.dumps(train(args, args.single)))
        return []
    rows = []
    for mode in WRAPPERS:
        done = subprocess.run([sys.executable, __file__, *argv, '--single', mode], check=True,
                              capture_output=True, text=True)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    marks = sorted({0, args.iters // 4, args.iters // 2, 3 * args.iters // 4, args.iters - 1})
    print(f'toy model, {args.iters} iterations, batch {args.batch_size} x {args.size}x{args.size}, '
          f'threads {torch.get_num_threads()}')
    print('mode  median s/iter  peak MiB  ' + '  '.join(f'loss@{i + 1}' for i in marks) + '  mean last 20')
    for row in rows:
        tail = statistics.mean(row['losses'][-20:])
        row['mean_last_20'] = tail
        losses = '  '.join(f"{row['losses'][i]:>{len(f'loss@{i + 1}')}.3f}" for i in marks)
        print(f"{row['mode']:<4}  {row['median_iter_s']:>13.3f}  {row['peak_mib']:>8.0f}  {losses}  "
              f'{tail:>12.3f}')
    print(f"AMP vs fp32: mean of the last 20 losses differs by "
          f"{100 * (rows[1]['mean_last_20'] / rows[0]['mean_last_20'] - 1):+.1f} %, iteration time x"
          f"{rows[1]['median_iter_s'] / rows[0]['median_iter_s']:.2f}")
    if args.out:
        from seg.utils.atomic import atomic_write_json
        atomic_write_json(args.out, rows, indent=2)
    return rows


if __name__ == '__main__':
    main()
