"""Inference modes x stages of one config on a random image: latency, peak memory, agreement with fp32.

Used by ``tools/analysis/benchmark.py --stages``. Each mode runs in a fresh process (peak RSS is per
process); the stages are run as ``OMGSeg._predict_batch`` runs them, under the mode's context:
backbone, pixel decoder (``panoptic_head.encode``), query decoder (``panoptic_head.predict`` on its output),
fusion (panoptic + instance + semantic per ``test_cfg``, fp32), and the whole forward (the sum).
Peak memory: ``torch.cuda.max_memory_allocated`` above the start of the stage on a GPU, on the CPU the
peak resident set above the start of the stage (``VmHWM`` reset through ``/proc/self/clear_refs``), and for
the whole forward above the level after the model was built. Agreement: panoptic pixels equal to fp32's
(%), max |difference| of the class and (1/4-resolution) mask logits.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
MIB = 2 ** 20


def build_random_model(args: argparse.Namespace, modes: dict) -> torch.nn.Module:
    """The config's model in eval mode, with ``modes`` as its inference modes (no downloads)."""
    from mmdet.registry import MODELS
    from mmengine.registry import init_default_scope

    from seg.models.utils.checkpoint import load_checked
    from seg.utils.config_utils import load_config
    cfg = load_config(args.config, args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmdet'))
    cfg.model.backbone.pretrained = None
    if args.placeholder_bank:
        cfg.model.panoptic_head.classifier.update(bank_name=None, placeholder_bank=True)
    cfg.model.inference_modes = modes
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    if args.checkpoint:
        load_checked(model, args.checkpoint)
    device = torch.device(args.device or ('cuda' if torch.cuda.is_available() else 'cpu'))
    return model.to(device).eval()


def random_input(size: tuple[int, int], device: torch.device):
    """A normalised random image (1, 3, H, W) with its data sample (seed 0)."""
    from mmdet.structures import DetDataSample
    height, width = size
    generator = torch.Generator().manual_seed(0)
    image = torch.randn(1, 3, height, width, generator=generator).to(device)
    meta = dict(img_shape=(height, width), ori_shape=(height, width), batch_input_shape=(height, width),
                pad_shape=(height, width), scale_factor=(1.0, 1.0), img_id=0)
    return image, lambda: [DetDataSample(metainfo=meta)]


class StageClock:
    """Seconds and peak memory (MiB above the stage's start) of each named stage, one forward."""

    def __init__(self, device: torch.device) -> None:
        from video_memory import PeakMemory
        self.device, self.meter = device, PeakMemory(device)
        self.seconds: dict[str, float] = {}
        self.peak: dict[str, float] = {}
        self.absolute_peak = 0.0  # MiB, highest of all stages (RSS, or allocated GPU memory)

    def run(self, name: str, fn, *args, **kwargs):
        """``fn(*args, **kwargs)``, timed and metered as stage ``name``."""
        self.meter.start()
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        if self.device.type == 'cuda':
            torch.cuda.synchronize(self.device)
        self.seconds[name] = time.perf_counter() - start
        self.peak[name] = self.meter.peak_mib()
        self.absolute_peak = max(self.absolute_peak, self.meter.base / MIB + self.peak[name])
        return result


def forward_stages(model: torch.nn.Module, image: torch.Tensor, samples) -> tuple[StageClock, dict]:
    """One forward, stage by stage, as ``OMGSeg._predict_batch`` runs it; returns the clock and outputs."""
    clock, modes, head = StageClock(image.device), model.inference_modes, model.panoptic_head
    with modes.network(model, image.device):
        feats = clock.run('backbone', model.extract_feat, modes.inputs(image))
        pixels = clock.run('pixel decoder', head.encode, feats)
        prediction = clock.run('decoder', head.predict, pixels, samples, upsample=False)
    prediction = modes.to_fp32(prediction)
    with torch.no_grad():
        results = clock.run('fusion', model.panoptic_fusion_head.predict, prediction.cls_logits,
                            prediction.mask_logits, samples, rescale=True)
    clock.seconds['whole forward'] = sum(clock.seconds[k] for k in ('backbone', 'pixel decoder', 'decoder',
                                                                    'fusion'))
    outputs = dict(panoptic=results[0]['pan_results'].sem_seg[0].cpu(), cls=prediction.cls_logits.cpu(),
                   mask=prediction.mask_logits.cpu())
    return clock, outputs


def measure_mode(args: argparse.Namespace, mode: str) -> dict:
    """One mode: build, ``--warmup`` + ``--iters`` forwards; medians per stage, outputs saved to a file."""
    from benchmark import STAGE_MODES
    from video_memory import PeakMemory
    model = build_random_model(args, STAGE_MODES[mode])
    device = next(model.parameters()).device
    image, samples = random_input(tuple(args.size), device)
    level = PeakMemory(device)
    level.start()  # level.base: memory in use with the model built
    clocks = []
    for i in range(args.warmup + args.iters):
        start = time.perf_counter()
        clock, outputs = forward_stages(model, image, samples())
        if i < args.warmup:
            print(f'{mode}: warm-up {i + 1} took {time.perf_counter() - start:.1f} s', file=sys.stderr)
            continue
        clocks.append(clock)
    names = ('backbone', 'pixel decoder', 'decoder', 'fusion', 'whole forward')
    row = dict(mode=mode, size=list(args.size), iters=args.iters, device=str(device),
               median_s={n: statistics.median(c.seconds[n] for c in clocks) for n in names},
               peak_mib={n: max(c.peak[n] for c in clocks) for n in names if n != 'whole forward'})
    row['peak_mib']['whole forward'] = max(c.absolute_peak for c in clocks) - level.base / MIB
    row['times_s'] = [round(c.seconds['whole forward'], 2) for c in clocks]
    row['process_peak_mib'] = max(c.absolute_peak for c in clocks)
    row['segments'] = int(outputs['panoptic'].unique().numel())
    torch.save(outputs, Path(args.single_dir) / f'{mode}.pt')
    return row


def query_map(outputs: dict) -> torch.Tensor:
    """Threshold-free panoptic id map at 1/4 resolution: per pixel, the query q maximising
    max_c softmax(cls_q)[c] * sigmoid(mask_q) (the panoptic fusion's rule without its score / overlap
    thresholds, so it is not all void for random weights)."""
    scores = outputs['cls'][0].softmax(-1)[:, :-1].max(-1).values
    return (scores[:, None, None] * outputs['mask'][0].sigmoid()).argmax(0)


def agreement(reference: dict, outputs: dict) -> dict:
    """Panoptic pixels equal to the reference (%), threshold-free query maps equal (%), and max |logit
    difference| (class, mask)."""
    equal = (reference['panoptic'] == outputs['panoptic']).double().mean().item()
    query_equal = (query_map(reference) == query_map(outputs)).double().mean().item()
    return dict(pixels_equal_pct=100 * equal, query_map_equal_pct=100 * query_equal,
                max_cls_diff=(reference['cls'] - outputs['cls']).abs().max().item(),
                max_mask_diff=(reference['mask'] - outputs['mask']).abs().max().item())


def format_rows(rows: list[dict]) -> str:
    """One line per mode x stage: median latency, throughput, peak memory, agreement (whole forward)."""
    header = ['mode', 'stage', 'median s', 'img/s', 'peak MiB', 'speed-up', 'pan. px = fp32',
              'query map = fp32', 'max logit diff']
    cells = [header]
    base = {stage: rows[0]['median_s'][stage] for stage in rows[0]['median_s']}
    for row in rows:
        for stage, seconds in row['median_s'].items():
            agree = ['', '', '']
            if stage == 'whole forward':
                agree = [f"{row['pixels_equal_pct']:.2f} %", f"{row['query_map_equal_pct']:.2f} %",
                         f"cls {row['max_cls_diff']:.2g} / mask {row['max_mask_diff']:.2g}"]
            cells.append([row['mode'], stage, f'{seconds:.2f}', f'{1 / seconds:.2f}' if seconds else 'inf',
                          f"{row['peak_mib'][stage]:.0f}", f'{base[stage] / seconds:.2f}x', *agree])
    widths = [max(len(line[i]) for line in cells) for i in range(len(header))]
    lines = [' | '.join(cell.ljust(width) for cell, width in zip(line, widths)) for line in cells]
    lines.insert(1, '-+-'.join('-' * width for width in widths))
    return '\n'.join(lines)


def run_stages(args: argparse.Namespace, argv: list[str] | None) -> list[dict]:
    """Every mode in its own process (fp32 first, the reference); print the table, return the rows."""
    if args.single:
        print(json.dumps(measure_mode(args, args.single)))
        return []
    argv = list(sys.argv[1:] if argv is None else argv)
    modes = ['fp32'] + [mode for mode in args.modes if mode != 'fp32']
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for mode in modes:
            command = [sys.executable, str(Path(__file__).with_name('benchmark.py')), *argv,
                       '--single', mode, '--single-dir', folder]
            done = subprocess.run(command, capture_output=True, text=True, env={**os.environ})
            if done.returncode:
                print(f'{mode}: failed (exit {done.returncode}): {done.stderr.strip().splitlines()[-1:]}')
                continue
            row = json.loads(done.stdout.strip().splitlines()[-1])
            if rows:
                row.update(agreement(torch.load(Path(folder) / 'fp32.pt'),
                                     torch.load(Path(folder) / f'{mode}.pt')))
            else:
                row.update(pixels_equal_pct=100.0, query_map_equal_pct=100.0, max_cls_diff=0.0,
                           max_mask_diff=0.0)
            rows.append(row)
            print(f"{mode}: whole forward {row['times_s']} s", file=sys.stderr, flush=True)
    print(f"config: {args.config}  input: {args.size[0]}x{args.size[1]}  device: {rows[0]['device']}  "
          f"iters: {args.iters} (median), warm-up: {args.warmup}, threads: {torch.get_num_threads()}")
    print(format_rows(rows))
    print(f"fp32 panoptic map: {rows[0]['segments']} segment id(s) (random weights: the score threshold may "
          "leave it all void, hence the threshold-free query map); peak MiB of 'whole forward' is over the "
          "built model; process peak RSS (model included): "
          + ', '.join(f"{row['mode']} {row['process_peak_mib']:.0f} MiB" for row in rows))
    if args.out:
        from seg.utils.atomic import atomic_write_json
        atomic_write_json(args.out, rows, indent=2)
    return rows
