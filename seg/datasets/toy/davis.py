"""Toy DAVIS 2017 (semi-supervised VOS) in the real layout under ``DAVIS/``.

``ImageSets/2017/{train,val}.txt`` (one sequence per line), ``JPEGImages/480p/<seq>/00000.jpg`` and
``Annotations/480p/<seq>/00000.png``: palette ('P') PNGs with the standard DAVIS palette (the
PASCAL-VOC colour map: 1 = (128, 0, 0), 2 = (0, 128, 0), ...), index 0 = background. The objects
visible in frame 0 get ids 1..N (track order) kept across frames, as the semi-supervised protocol
starts from the first-frame masks; the sampler keeps at least one object fully visible there.
No ``Full-Resolution`` copy is written.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .common import DatasetSummary, item_rng
from .scene import THING_KINDS, Frame, render_video, sample_scene
from .writers import save_jpeg, save_png_palette, write_lines

FOLDER = 'DAVIS'
SPLIT_SIZES = {'train': 3, 'val': 3}
HEIGHT, WIDTH = 144, 256
RESOLUTION = '480p'


def davis_palette() -> np.ndarray:
    """The (256, 3) uint8 DAVIS palette (bit-interleaved PASCAL-VOC colour map)."""
    palette = np.zeros((256, 3), dtype=np.uint8)
    for index in range(256):
        code, rgb = index, [0, 0, 0]
        for bit in range(8):
            for channel in range(3):
                rgb[channel] |= ((code >> channel) & 1) << (7 - bit)
            code >>= 3
        palette[index] = rgb
    return palette


def object_index_map(frame: Frame, object_ids: dict[int, int]) -> np.ndarray:
    """(H, W) uint8 map of DAVIS object ids (0 = background) for one frame."""
    indices = np.zeros(frame.segment_map.shape, dtype=np.uint8)
    for index, segment in enumerate(frame.segments):
        if segment.is_thing and segment.track in object_ids:
            indices[frame.mask(index)] = object_ids[segment.track]
    return indices


def first_frame_object_ids(frames: list[Frame]) -> dict[int, int]:
    """Object ids 1..N for the tracks visible in frame 0, in track order."""
    tracks = sorted(seg.track for seg in frames[0].segments if seg.is_thing)
    return {track: i + 1 for i, track in enumerate(tracks)}


def write_sequence(root: Path, split: str, index: int, seed: int) -> str:
    """Render and save one sequence; returns its name."""
    rng = item_rng(seed, 'davis', split, index)
    num_frames = int(rng.integers(4, 9))
    scene = sample_scene(rng, height=HEIGHT, width=WIDTH, thing_kinds=THING_KINDS, num_frames=num_frames,
                         num_objects=(1, 3))
    frames = render_video(scene)
    object_ids = first_frame_object_ids(frames)
    name = f'{scene.objects[-1].kind}-{split}-{index}'
    palette = davis_palette()
    for t, frame in enumerate(frames):
        save_jpeg(root / 'JPEGImages' / RESOLUTION / name / f'{t:05d}.jpg', frame.image)
        save_png_palette(root / 'Annotations' / RESOLUTION / name / f'{t:05d}.png',
                         object_index_map(frame, object_ids), palette)
    return name


def write_davis(root: Path, seed: int) -> DatasetSummary:
    """Write the toy DAVIS-2017 dataset under ``root`` (the ``DAVIS`` folder)."""
    summary = DatasetSummary('davis', FOLDER)
    for split, size in SPLIT_SIZES.items():
        names = [write_sequence(root, split, index, seed) for index in range(size)]
        write_lines(root / 'ImageSets' / '2017' / f'{split}.txt', names)
        summary.counts[f'{split} sequences'] = len(names)
    return summary
