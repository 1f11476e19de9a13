"""Peak memory of whole-video (MinVIS) inference against the video length (GAPS.md §1.8).

Usage:
    python tools/analysis/video_memory.py [CONFIG] [--lengths 8 32 128] [--size H W]
        [--device cpu|cuda] [--placeholder-bank] [--out results.json] [--cfg-options k=v ...]

Runs ``OMGSegVideo`` inference on random videos of each length and reports, per length, the peak memory
above the level before the run: on CUDA ``torch.cuda.max_memory_allocated`` (device memory), on the CPU
the process's peak resident set (``VmHWM`` after resetting it through ``/proc/self/clear_refs``), each
length in a fresh process.
Next to it: what the reference keeps for the same video (mask logits of all queries and frames at the
padded input size, float32) and what is stored here (1/4-resolution logits). Default config: the toy
VIPSeg evaluation (tiny model, random weights). The data preprocessor streams the frames (normalised and
padded a tube at a time); ``--cfg-options model.data_preprocessor.stream_clips=False`` measures the
whole-video normalisation instead.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import torch
from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope
from tqdm import tqdm

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG = REPO_ROOT / 'seg' / 'configs' / 'toy' / 'omg_toy_eval_vipseg.py'
MIB = 2 ** 20


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', nargs='?', default=str(DEFAULT_CONFIG), help='video evaluation config')
    parser.add_argument('--lengths', type=int, nargs='+', default=[8, 32, 128], help='video lengths')
    parser.add_argument('--size', type=int, nargs=2, default=(256, 448), metavar=('H', 'W'),
                        help='frame size (resized input, before padding to 32)')
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--placeholder-bank', action='store_true',
                        help='random text bank instead of the config bank file')
    parser.add_argument('--out', help='also write the rows as JSON to this file')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='override config settings')
    parser.add_argument('--single', type=int, help=argparse.SUPPRESS)  # internal: one length, JSON row out
    return parser.parse_args(argv)


def build_model(args: argparse.Namespace) -> torch.nn.Module:
    """The config's model (backbone without downloads), in eval mode on ``args.device``."""
    from mmdet.registry import MODELS

    import seg  # noqa: F401  (registers the modules)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmdet'))
    cfg.model.backbone.pretrained = None
    if args.placeholder_bank:
        cfg.model.panoptic_head.classifier.update(bank_name=None, placeholder_bank=True)
    if cfg.model.type != 'OMGSegVideo':
        raise ValueError(f'{args.config}: model.type is {cfg.model.type!r}; a video config (OMGSegVideo) is '
                         'needed')
    model = MODELS.build(cfg.model)
    return model.to(args.device).eval()


def random_video(num_frames: int, height: int, width: int) -> dict:
    """Data dict of one random uint8 video (T, 3, H, W) with per-frame meta, as a test loader gives it."""
    from mmdet.structures import DetDataSample, TrackDataSample
    frames = torch.randint(0, 256, (num_frames, 3, height, width), dtype=torch.uint8)
    sample = TrackDataSample()
    sample.video_data_samples = [DetDataSample(metainfo=dict(
        img_shape=(height, width), ori_shape=(height, width), scale_factor=(1.0, 1.0), frame_id=t,
        video_id=0, img_path=f'video/{t:05d}.jpg')) for t in range(num_frames)]
    return dict(inputs=[frames], data_samples=[sample])


class PeakMemory:
    """Peak memory above the start level: CUDA allocator statistics or the process's peak RSS."""

    def __init__(self, device: torch.device) -> None:
        self.device = device

    @staticmethod
    def _proc_status_kib(key: str) -> int:
        with open('/proc/self/status') as status:
            for line in status:
                if line.startswith(key + ':'):
                    return int(line.split()[1])
        raise RuntimeError(f'/proc/self/status has no {key}')

    def start(self) -> None:
        if self.device.type == 'cuda':
            torch.cuda.synchronize(self.device)
            torch.cuda.reset_peak_memory_stats(self.device)
            self.base = torch.cuda.memory_allocated(self.device)
        else:
            with open('/proc/self/clear_refs', 'w') as refs:
                refs.write('5')  # reset VmHWM to the current RSS
            self.base = self._proc_status_kib('VmRSS') * 1024

    def peak_mib(self) -> float:
        if self.device.type == 'cuda':
            torch.cuda.synchronize(self.device)
            return (torch.cuda.max_memory_allocated(self.device) - self.base) / MIB
        return (self._proc_status_kib('VmHWM') * 1024 - self.base) / MIB


def measure(model: torch.nn.Module, num_frames: int, height: int, width: int) -> dict:
    """One row: peak memory of preprocessing + inference of a ``num_frames`` video, and tensor budgets."""
    meter = PeakMemory(next(model.parameters()).device)
    data = random_video(num_frames, height, width)
    meter.start()
    with torch.no_grad():
        batch = model.data_preprocessor(data, False)
        model(**batch, mode='predict')
    peak = meter.peak_mib()
    padded_h, padded_w = batch['inputs'].shape[-2:]
    queries = model.panoptic_head.num_queries
    itemsize = torch.empty(0, dtype=model.mask_store_dtype).element_size()
    return dict(frames=num_frames, input=f'{padded_h}x{padded_w}', peak_mib=round(peak, 1),
                stored_quarter_res_mib=round(queries * num_frames * padded_h * padded_w / 16 * itemsize / MIB,
                                             1),
                reference_full_res_mib=round(queries * num_frames * padded_h * padded_w * 4 / MIB, 1))


def measure_in_subprocess(args: argparse.Namespace, length: int, argv: list[str]) -> dict:
    """CPU: measure one length in a fresh process, so allocator caches of earlier runs do not count."""
    command = [sys.executable, __file__, *argv, '--single', str(length)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> list[dict]:
    """Measure every length and print a table; returns the rows."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    sys.path.insert(0, str(REPO_ROOT))
    if args.single is not None:
        model = build_model(args)
        measure(model, 1, *args.size)  # warm-up: lazy allocations and caches are not counted
        print(json.dumps(measure(model, args.single, *args.size)))
        return []
    model = build_model(args)
    print(f'config: {os.path.relpath(args.config, REPO_ROOT)}  device: {args.device}  '
          f'queries: {model.panoptic_head.num_queries}  tube: {model.clip_size}/{model.clip_size_small}')
    print('frames  input      peak MiB  1/4-res logits MiB  reference full-res logits MiB')
    in_process = torch.device(args.device).type == 'cuda'
    if in_process:
        measure(model, 1, *args.size)  # warm-up
    rows = []
    for length in tqdm(args.lengths, desc='video lengths', leave=False):
        row = measure(model, length, *args.size) if in_process else measure_in_subprocess(args, length, argv)
        rows.append(row)
        tqdm.write(f"{row['frames']:>6}  {row['input']:<9}  {row['peak_mib']:>8}  "
                   f"{row['stored_quarter_res_mib']:>18}  {row['reference_full_res_mib']:>29}")
    if args.out:
        from seg.utils.atomic import atomic_write_json
        atomic_write_json(args.out, rows, indent=2)
    return rows


if __name__ == '__main__':
    main()
