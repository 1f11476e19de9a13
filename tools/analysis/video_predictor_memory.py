"""Peak memory of VideoPredictor.propagate_in_video against the video length (issue #14): it should not grow.

Usage:
    python tools/analysis/video_predictor_memory.py [--lengths 8 32 128] [--size H W] [--window 8]
        [--objects 2] [--device cpu|cuda] [--out results.json]

The toy model (seg/configs/toy/omg_toy_coco_panoptic.py with prompt queries, random weights, placeholder
text bank: no files or downloads needed) follows ``--objects`` objects, given as masks on frame 0, through a
random video of each length. Per length, in a fresh process after a warm-up pass: the peak memory of the
whole ``propagate_in_video`` pass (results consumed and dropped) above the level before it (CPU: peak
resident set, ``VmHWM`` reset through ``/proc/self/clear_refs``; CUDA: ``torch.cuda.max_memory_allocated``),
the peak of the tensors allocated in the pass and alive at once (exact, counted op by op, not subject to
the allocator's caching), the most frames whose features were held at once, and what the features of every
frame would take if they were all kept. The frames themselves (uint8 network inputs) are in memory before
the pass and not counted; the feature window is emptied before it, so every length encodes all its frames
in the pass.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import weakref
from pathlib import Path

import numpy as np
import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_leaves

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
CONFIG = REPO_ROOT / 'seg' / 'configs' / 'toy' / 'omg_toy_coco_panoptic.py'
MIB = 2 ** 20


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--lengths', type=int, nargs='+', default=[8, 32, 128], help='video lengths')
    parser.add_argument('--size', type=int, nargs=2, default=(128, 192), metavar=('H', 'W'),
                        help='frame size (the toy test pipeline resizes it)')
    parser.add_argument('--window', type=int, default=8, help='feature window (frames)')
    parser.add_argument('--objects', type=int, default=2, help='objects tracked')
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--out', help='also write the rows as JSON to this file')
    parser.add_argument('--single', type=int, help=argparse.SUPPRESS)  # internal: one length, JSON row out
    return parser.parse_args(argv)


class TensorMemory(TorchDispatchMode):
    """Within the block: bytes of the tensor storages created there and still alive (``current``) and their
    maximum (``peak``), exact and on any device. A storage counts once, however many views share it; views
    of tensors from before the block count nothing."""

    def __init__(self) -> None:
        super().__init__()
        self._live: dict[int, list[int]] = {}  # storage address -> [bytes, tensors referring to it]
        self.current = self.peak = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        inputs = {t.untyped_storage().data_ptr() for t in tree_leaves((args, kwargs))
                  if isinstance(t, torch.Tensor)}
        for tensor in tree_leaves(out):
            if isinstance(tensor, torch.Tensor):
                self._track(tensor, inputs)
        return out

    def _track(self, tensor: torch.Tensor, inputs: set[int]) -> None:
        storage = tensor.untyped_storage()
        address = storage.data_ptr()
        if address in self._live:
            self._live[address][1] += 1
        elif address in inputs or storage.nbytes() == 0:
            return  # a view or in-place result of a tensor from before the block
        else:
            self._live[address] = [storage.nbytes(), 1]
            self.current += storage.nbytes()
            self.peak = max(self.peak, self.current)
        weakref.finalize(tensor, self._release, address)

    def _release(self, address: int) -> None:
        entry = self._live[address]
        entry[1] -= 1
        if entry[1] == 0:
            del self._live[address]
            self.current -= entry[0]


def build_predictor(device: str):
    """VideoPredictor of the toy config with prompt queries, random weights and a placeholder bank."""
    from seg.apis import VideoPredictor, build_model, load_config
    cfg = load_config(str(CONFIG), {'model.type': 'OMGSegVideo',
                                    'model.panoptic_head.enable_box_query': True})
    cfg.model.backbone.pretrained = None
    cfg.model.panoptic_head.classifier.update(bank_name=None, placeholder_bank=True)
    torch.manual_seed(0)
    return VideoPredictor(build_model(cfg, None, device), cfg)


def object_masks(num_objects: int, size: tuple[int, int]) -> list[np.ndarray]:
    """``num_objects`` side-by-side rectangles (H, W) bool in the middle band of the frame."""
    height, width = size
    masks = []
    for index in range(num_objects):
        mask = np.zeros(size, dtype=bool)
        left = width * index // num_objects
        mask[height // 4:3 * height // 4, left + 2:left + width // num_objects - 2] = True
        masks.append(mask)
    return masks


def tracked_video(predictor, num_frames: int, size: tuple[int, int], window: int, num_objects: int):
    """A state of ``num_frames`` random frames with the objects given on frame 0."""
    rng = np.random.default_rng(num_frames)
    frames = [rng.integers(0, 256, (*size, 3), dtype=np.uint8) for _ in range(num_frames)]
    state = predictor.init_state(frames, feature_window=window)
    for obj_id, mask in enumerate(object_masks(num_objects, size), start=1):
        predictor.add_new_mask(state, 0, obj_id, mask)
    return state


def feature_mib(state) -> float:
    """Size of the features of one held frame."""
    features = state.features.get(state.features.frames[-1], lambda: None)
    tensors = [*features.backbone, features.pixels.mask_features, *features.pixels.memories]
    return sum(t.numel() * t.element_size() for t in tensors) / MIB


def measure(args: argparse.Namespace, num_frames: int) -> dict:
    """One row: peak memory of a propagate_in_video pass over ``num_frames`` frames."""
    from video_memory import PeakMemory
    predictor = build_predictor(args.device)
    size = tuple(args.size)
    for _ in predictor.propagate_in_video(tracked_video(predictor, 2, size, args.window, args.objects)):
        pass  # warm-up: lazy allocations and caches are not counted
    state = tracked_video(predictor, num_frames, size, args.window, args.objects)
    state.features.clear()  # frame 0 was encoded when the objects were added
    meter = PeakMemory(torch.device(args.device))
    meter.start()
    with TensorMemory() as tensors:
        yielded = sum(1 for _ in predictor.propagate_in_video(state))
    peak = meter.peak_mib()
    per_frame = feature_mib(state)
    return dict(frames=num_frames, yielded=yielded, peak_mib=round(peak, 1),
                peak_tensor_mib=round(tensors.peak / MIB, 2), held_frames=state.features.peak,
                encoded=state.features.encoded, frame_features_mib=round(per_frame, 2),
                all_features_mib=round(per_frame * num_frames, 1))


def in_subprocess(length: int, argv: list[str]) -> dict:
    """One length in a fresh process (allocator caches of earlier runs do not count)."""
    done = subprocess.run([sys.executable, __file__, *argv, '--single', str(length)], check=True,
                          capture_output=True, text=True, cwd=REPO_ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> list[dict]:
    """Measure every length, print a table and the ratio of the longest to the shortest; returns the rows."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.single is not None:
        print(json.dumps(measure(args, args.single)))
        return []
    print(f'toy model (random weights), {args.objects} objects from frame 0, '
          f'frames {args.size[0]}x{args.size[1]}, feature window {args.window}, device {args.device}, '
          f'{torch.get_num_threads()} threads; each length in a fresh process')
    print('frames  peak MiB  peak tensor MiB  held frames  encoded  one frame\'s features MiB  '
          'all frames\' features MiB')
    rows = []
    for length in args.lengths:
        row = in_subprocess(length, argv)
        rows.append(row)
        print(f"{row['frames']:>6}  {row['peak_mib']:>8}  {row['peak_tensor_mib']:>15}  "
              f"{row['held_frames']:>11}  {row['encoded']:>7}  {row['frame_features_mib']:>24}  "
              f"{row['all_features_mib']:>24}")
    shortest, longest = min(rows, key=lambda r: r['frames']), max(rows, key=lambda r: r['frames'])
    ratios = {key: longest[key] / max(shortest[key], 1e-6) for key in ('peak_mib', 'peak_tensor_mib')}
    print(f"peak at {longest['frames']} frames / peak at {shortest['frames']} frames: "
          f"{ratios['peak_mib']:.2f}x (process), {ratios['peak_tensor_mib']:.2f}x (tensors)")
    if args.out:
        from seg.utils.atomic import atomic_write_json
        atomic_write_json(args.out, dict(rows=rows, ratios=ratios), indent=2)
    return rows


if __name__ == '__main__':
    main()
