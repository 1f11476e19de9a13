"""Toy VIPSeg (720p release layout) plus its official COCO-panoptic-video evaluation files.

What the real release ships (github.com/VIPSeg-Dataset/VIPSeg-Dataset: README, ``change2_720p.py``,
``create_panoptic_video_labels.py``, ``splitjson.py``) and what this writes under ``VIPSeg/``:

* ``train.txt`` / ``val.txt``: one video folder name per line;
* ``imgs/<video>/<frame>.jpg`` and ``panomasks/<video>/<frame>.png`` (same sorted basenames,
  8-digit frame numbers). ``panomasks`` are 16-bit single-channel PNGs: 0 = void, stuff =
  official 0-based class id + 1 (1..124), things = ``(class id + 1) * 100 + instance`` with the
  instance counted from 0 per class and kept across the frames of a video (e.g. person = 61xx);
* ``panoVIPSeg_categories.json``: the official category list (id 0..123, name, isthing, color);
* ``panomasksRGB/<video>/<frame>.png`` + ``panoptic_gt_VIPSeg_{train,val}.json``: the converted
  panoptic-RGB format. JSON = ``{'videos': [{'video_id', 'images': [{'id': frame stem, 'width',
  'height', 'file_name': '<frame>.png'}]}], 'annotations': [{'video_id', 'annotations': [{'image_id',
  'file_name', 'segments_info': [{'id', 'category_id' (0-based), 'iscrowd': 0, 'area'}]}]}],
  'categories': [...]}``; a panomask value keeps the same segment id in every frame of its video,
  and segments appear in increasing panomask-value order, as the official script writes them.

The dataset class's ``{split}_annotations.json`` cache is not written (the class builds it).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .categories import vipseg_categories
from .common import DatasetSummary, item_rng, kind_names_for
from .panoptic import SegmentIdAllocator, panoptic_rgb
from .scene import THING_KINDS, VOID, Frame, render_video, sample_scene
from .writers import save_jpeg, save_png_rgb, save_png_uint16, write_json, write_lines

FOLDER = 'VIPSeg'
SPLIT_SIZES = {'train': 6, 'val': 3}
HEIGHT, WIDTH = 144, 256
KIND_TO_NAME = {
    'person': 'person', 'car': 'car', 'bus': 'bus', 'motorcycle': 'motorcycle',
    'airplane': 'airplane', 'boat': 'ship_or_boat', 'dog': 'dog', 'horse': 'horse',
    'sky': 'sky', 'wall': 'wall', 'grass': 'grass', 'road': 'road',
}
THING_DIVISOR = 100
YOUTUBE_ID_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_'  # video names: <n>_<id>


def panomask(frame: Frame, class_ids: list[int], instances: dict[int, int]) -> np.ndarray:
    """The (H, W) panomask of a frame; ``instances`` maps a track to its per-class instance number."""
    values = np.zeros(frame.segment_map.shape, dtype=np.int64)
    for index, (segment, class_id) in enumerate(zip(frame.segments, class_ids)):
        if segment.is_thing:
            values[frame.mask(index)] = (class_id + 1) * THING_DIVISOR + instances[segment.track]
        else:
            values[frame.mask(index)] = class_id + 1
    values[frame.segment_map == VOID] = 0
    return values


def track_instances(frames: list[Frame], class_of_track: dict[int, int]) -> dict[int, int]:
    """Per-class instance numbers (from 0) of every track, in track order."""
    counters: dict[int, int] = {}
    instances = {}
    for track in sorted(class_of_track):
        class_id = class_of_track[track]
        instances[track] = counters.get(class_id, 0)
        counters[class_id] = instances[track] + 1
    if any(n >= THING_DIVISOR for n in counters.values()):
        raise RuntimeError(f'VIPSeg encodes at most {THING_DIVISOR} instances per class and video')
    return instances


def write_video(root: Path, name: str, rng: np.random.Generator, categories: list[dict],
                num_frames: int) -> tuple[dict, dict]:
    """Render and save one video; returns its ``videos`` and ``annotations`` JSON entries."""
    scene = sample_scene(rng, height=HEIGHT, width=WIDTH, num_frames=num_frames,
                         thing_kinds=tuple(k for k in THING_KINDS if k in KIND_TO_NAME),
                         num_objects=(1, 3), late_and_early=bool(rng.random() < 0.5))
    frames = render_video(scene)
    by_name = {c['name']: c for c in categories}
    class_ids = [[by_name[n]['id'] for n in kind_names_for(f, KIND_TO_NAME, 'vipseg')] for f in frames]
    class_of_track = {seg.track: cid for f, cids in zip(frames, class_ids)
                      for seg, cid in zip(f.segments, cids) if seg.is_thing}
    instances = track_instances(frames, class_of_track)
    allocator = SegmentIdAllocator(rng)
    segment_of_value: dict[int, int] = {}
    images, annotations = [], []
    for t, (frame, cids) in enumerate(zip(frames, class_ids)):
        stem = f'{t + 1:08d}'
        values = panomask(frame, cids, instances)
        save_jpeg(root / 'imgs' / name / f'{stem}.jpg', frame.image)
        save_png_uint16(root / 'panomasks' / name / f'{stem}.png', values)
        infos = []
        for value in np.unique(values[values > 0]).tolist():
            class_id = value - 1 if value <= len(categories) else value // THING_DIVISOR - 1
            if value not in segment_of_value:
                category = categories[class_id]
                segment_of_value[value] = allocator.new_id(category['color'], bool(category['isthing']))
            infos.append({'id': segment_of_value[value], 'category_id': class_id, 'iscrowd': 0,
                          'area': int((values == value).sum())})
        lut = np.zeros(int(values.max()) + 1, dtype=np.int64)
        for value, segment_id in segment_of_value.items():
            if value < lut.size:
                lut[value] = segment_id
        ids = lut[values]
        save_png_rgb(root / 'panomasksRGB' / name / f'{stem}.png', panoptic_rgb(ids))
        images.append({'id': stem, 'width': WIDTH, 'height': HEIGHT, 'file_name': f'{stem}.png'})
        annotations.append({'image_id': stem, 'file_name': f'{stem}.png', 'segments_info': infos})
    return {'video_id': name, 'images': images}, {'video_id': name, 'annotations': annotations}


def write_vipseg(root: Path, seed: int) -> DatasetSummary:
    """Write the toy VIPSeg dataset and its panoptic-RGB evaluation files under ``root``."""
    categories = vipseg_categories()
    summary = DatasetSummary('vipseg', FOLDER)
    write_json(root / 'panoVIPSeg_categories.json', categories)
    for split, size in SPLIT_SIZES.items():
        videos, annotations, names = [], [], []
        for index in range(size):
            rng = item_rng(seed, 'vipseg', split, index)
            suffix = ''.join(rng.choice(list(YOUTUBE_ID_CHARS), size=11))
            name = f'{index + (0 if split == "train" else 1000)}_{suffix}'
            video, annotation = write_video(root, name, rng, categories, int(rng.integers(4, 9)))
            videos.append(video)
            annotations.append(annotation)
            names.append(name)
        write_lines(root / f'{split}.txt', names)
        write_json(root / f'panoptic_gt_VIPSeg_{split}.json',
                   {'videos': videos, 'annotations': annotations, 'categories': categories})
        summary.counts[f'{split} videos'] = len(videos)
        summary.counts[f'{split} frames'] = sum(len(v['images']) for v in videos)
    return summary
