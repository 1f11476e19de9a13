"""Speed and memory of a config on whatever device is present; prints one table.

Usage:
    python tools/analysis/benchmark.py CONFIG [--checkpoint CKPT] [--iters 20] [--warmup 3]
        [--device cuda:0|cpu] [--skip data,train,inference] [--cfg-options k=v ...]
    python tools/analysis/benchmark.py CONFIG --stages [--size 320 480] [--modes fp32 bf16 ...]
        [--iters 3] [--warmup 1] [--placeholder-bank] [--device cpu] [--out rows.json]

``--stages``: inference modes x stages on one random image (random weights unless ``--checkpoint``), each
mode in a fresh process (see ``stage_rows``); the table gives per stage the median latency, throughput,
peak memory and, per mode, the agreement with fp32 (panoptic pixels equal, max |logit difference|).

Rows: data-loader throughput (train loader, else test loader), training-step throughput (train loader
+ the config's optimizer), inference latency per image, or per frame for video test loaders.
Peak memory: ``torch.cuda.max_memory_allocated`` of each phase on a GPU, the process's peak resident
set size (monotonic, ``resource``) on the CPU. Data paths are relative to the working directory.
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import torch
from mmengine.config import DictAction

REPO_ROOT = Path(__file__).resolve().parents[2]
for _path in (REPO_ROOT, Path(__file__).resolve().parent):  # the package, and _stage_benchmark.py
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

PHASES = ('data', 'train', 'inference')
STAGES = ('backbone', 'pixel decoder', 'decoder', 'fusion', 'whole forward')
STAGE_MODES = {  # name -> model.inference_modes (seg/models/utils/inference_modes.py)
    'fp32': dict(inference_mode=False),
    'fp32+inference_mode': dict(),
    'channels_last': dict(channels_last=True),
    'bf16': dict(precision='bf16'),
    'bf16+channels_last': dict(precision='bf16', channels_last=True),
    'fp16': dict(precision='fp16'),
    'compile': dict(channels_last=True, compile=('backbone', 'pixel_decoder')),
    'lean': dict(lean_decoder=True),
    'int8': dict(quantize=('backbone',)),
    'lean+int8': dict(lean_decoder=True, quantize=('backbone',)),
    'lean+int8+compile': dict(lean_decoder=True, quantize=('backbone',), compile=('pixel_decoder',)),
}
DEFAULT_MODES = ['fp32', 'fp32+inference_mode', 'channels_last', 'bf16', 'compile']


@dataclass
class Measurement:
    """One table row: ``iterations`` of ``phase`` handling ``items`` images / frames in ``seconds``."""

    phase: str
    iterations: int
    items: int
    seconds: float
    peak_memory_mb: float
    unit: str = 'img'

    def row(self) -> list[str]:
        per_iter = 1000 * self.seconds / max(self.iterations, 1)
        per_item = 1000 * self.seconds / max(self.items, 1)
        rate = self.items / self.seconds if self.seconds > 0 else float('inf')
        return [self.phase, str(self.iterations), f'{per_iter:.1f}', f'{per_item:.1f} / {self.unit}',
                f'{rate:.2f} {self.unit}/s', f'{self.peak_memory_mb:.1f}']


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='train / test config')
    parser.add_argument('--checkpoint', help='weights (default: the config initialisation)')
    parser.add_argument('--iters', type=int, default=20, help='timed iterations per phase')
    parser.add_argument('--warmup', type=int, default=3, help='untimed iterations before each phase')
    parser.add_argument('--device', help='e.g. cpu or cuda:0 (default: the GPU when there is one)')
    parser.add_argument('--skip', default='', help=f'comma-separated phases to skip, of {PHASES}')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='override config settings')
    parser.add_argument('--stages', action='store_true', help='inference modes x stages instead of phases')
    parser.add_argument('--size', type=int, nargs=2, default=(320, 480), metavar=('H', 'W'),
                        help='--stages: input size (a multiple of 32)')
    parser.add_argument('--modes', nargs='+', default=DEFAULT_MODES, choices=sorted(STAGE_MODES),
                        help=f'--stages: inference modes (default {DEFAULT_MODES}); fp32 is the reference')
    parser.add_argument('--placeholder-bank', action='store_true', help='random text bank, no bank file')
    parser.add_argument('--out', help='--stages: also write the rows as JSON')
    parser.add_argument('--single', help=argparse.SUPPRESS)  # internal: one mode, JSON row out
    parser.add_argument('--single-dir', help=argparse.SUPPRESS)  # internal: where its outputs go
    args = parser.parse_args(argv)
    unknown = set(filter(None, args.skip.split(','))) - set(PHASES)
    if unknown:
        parser.error(f'--skip: unknown phases {sorted(unknown)}, choose from {PHASES}')
    if args.iters < 1 or args.warmup < 0:
        parser.error('--iters must be >= 1 and --warmup >= 0')
    return args


class MemoryMeter:
    """Peak memory of a phase in MB: allocated GPU memory, or the process's peak RSS on the CPU."""

    def __init__(self, device: torch.device) -> None:
        self.device = device

    def reset(self) -> None:
        if self.device.type == 'cuda':
            torch.cuda.reset_peak_memory_stats(self.device)

    def peak_mb(self) -> float:
        if self.device.type == 'cuda':
            return torch.cuda.max_memory_allocated(self.device) / 2 ** 20
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KB


def synchronize(device: torch.device) -> None:
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def cycle(loader) -> Iterator:
    """Batches of ``loader`` forever (restarting finite loaders)."""
    while True:
        yield from loader


def batch_items(batch: dict) -> tuple[int, str]:
    """(number of images or video frames, unit) of a collated batch."""
    samples = batch['data_samples']
    if samples and hasattr(samples[0], 'video_data_samples'):
        return sum(len(sample) for sample in samples), 'frame'
    return len(samples), 'img'


def time_phase(name: str, batches: Iterator, step: Callable[[dict], object], iters: int, warmup: int,
               device: torch.device, memory: MemoryMeter) -> Measurement:
    """Run ``step`` on ``warmup`` then ``iters`` batches; time only the latter."""
    for _ in range(warmup):
        step(next(batches))
    synchronize(device)
    memory.reset()
    items, unit, elapsed = 0, 'img', 0.0
    for _ in range(iters):
        batch = next(batches)
        count, unit = batch_items(batch)
        start = time.perf_counter()
        step(batch)
        synchronize(device)
        elapsed += time.perf_counter() - start
        items += count
    return Measurement(name, iters, items, elapsed, memory.peak_mb(), unit)


def time_loader(batches: Iterator, iters: int, warmup: int, memory: MemoryMeter) -> Measurement:
    """Data-loader throughput: time to produce ``iters`` batches."""
    for _ in range(warmup):
        next(batches)
    memory.reset()
    items, unit = 0, 'img'
    start = time.perf_counter()
    for _ in range(iters):
        count, unit = batch_items(next(batches))
        items += count
    return Measurement('data loader', iters, items, time.perf_counter() - start, memory.peak_mb(), unit)


def format_table(rows: list[Measurement], device: torch.device) -> str:
    """Plain-text table of the measurements."""
    header = ['phase', 'iters', 'ms / iter', 'ms / item', 'throughput', 'peak memory (MB)']
    cells = [header] + [row.row() for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(header))]
    lines = [' | '.join(cell.ljust(width) for cell, width in zip(line, widths)) for line in cells]
    lines.insert(1, '-+-'.join('-' * width for width in widths))
    memory = 'max_memory_allocated' if device.type == 'cuda' else 'peak RSS of the process'
    return f'device: {device} (memory: {memory})\n' + '\n'.join(lines)


def main(argv=None) -> list[Measurement]:
    """Measure the phases of the config and print the table; returns the rows."""
    args = parse_args(argv)
    if args.stages or args.single:
        from _stage_benchmark import run_stages
        return run_stages(args, argv)
    from mmengine.logging import MMLogger
    from mmengine.optim import build_optim_wrapper
    from mmengine.runner import Runner

    from seg.apis.loading import build_model, load_config
    MMLogger.get_instance('mmengine', log_level='WARNING')  # no per-parameter optimizer log
    cfg = load_config(args.config, args.cfg_options)
    model = build_model(cfg, args.checkpoint, args.device)
    device = next(model.parameters()).device
    memory, skip, rows = MemoryMeter(device), set(args.skip.split(',')), []
    train_loader, test_loader = (Runner.build_dataloader(cfg[key], seed=0) if cfg.get(key) else None
                                 for key in ('train_dataloader', 'test_dataloader'))
    # one batch stream per loader for the whole run (re-creating infinite-sampler iterators can stall)
    train_batches = cycle(train_loader) if train_loader is not None else None
    test_batches = cycle(test_loader) if test_loader is not None else None
    if 'data' not in skip and (train_batches or test_batches):
        rows.append(time_loader(train_batches or test_batches, args.iters, args.warmup, memory))
    if 'train' not in skip and train_loader is not None:
        optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
        model.train()
        train_step = lambda batch: model.train_step(batch, optim_wrapper)
        rows.append(time_phase('train step', train_batches, train_step, args.iters, args.warmup, device,
                               memory))
        model.eval()
    if 'inference' not in skip and test_loader is not None:
        with torch.no_grad():
            rows.append(time_phase('inference', test_batches, model.test_step, args.iters, args.warmup,
                                   device, memory))
    print(format_table(rows, device))
    return rows


if __name__ == '__main__':
    main()
