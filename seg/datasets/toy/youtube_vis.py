"""Toy YouTube-VIS 2019 / 2021: official raw annotation files and the converted COCO-video files.

Layout under ``youtube_vis_{year}/``:

* ``{train,valid}/JPEGImages/<video>/<frame>.jpg`` (frames named ``00000.jpg``, ``00005.jpg``, ...);
* official files: 2019 ``train.json`` / ``valid.json``; 2021 ``train/instances.json`` /
  ``valid/instances.json``: ``videos`` (id, width, height, length, file_names, ...), ``categories``
  (ids 1..40, supercategory 'object') and, for train only, ``annotations``: one per track with
  per-frame ``segmentations`` (uncompressed RLE, as in the release), ``bboxes`` ([x, y, w, h]) and
  ``areas``, each ``None`` in frames where the object is absent;
* ``annotations/youtube_vis_{year}_{train,valid}.json``: what mmdet's / our ``vis_to_coco``
  converter produces (DATA.md 2.6): ``categories``, ``videos`` (id, name, width, height),
  ``images`` (global ids from 1, file_name, frame_id, video_id, ...) and, for train only,
  ``annotations`` (one per visible (track, frame), ``instance_id`` a global counter per track).

Some train videos have an object that enters late and one that leaves early.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .categories import youtube_vis_categories
from .coco_instances import uncompressed_rle
from .common import DatasetSummary, item_rng, sample_image_size
from .scene import Frame, render_video, sample_scene
from .writers import save_jpeg, write_json

SPLIT_SIZES = {'train': 6, 'valid': 3}
FRAME_STEP = 5
KIND_TO_NAME = {
    '2019': {'person': 'person', 'car': 'sedan', 'motorcycle': 'motorbike', 'airplane': 'airplane',
             'boat': 'boat', 'dog': 'dog', 'horse': 'horse'},
    '2021': {'person': 'person', 'car': 'car', 'motorcycle': 'motorbike', 'airplane': 'airplane',
             'boat': 'boat', 'dog': 'dog', 'horse': 'horse'},
}
INFO = {'description': 'OMG-Seg toy YouTube-VIS (synthetic)', 'version': '1.0'}


def official_json_path(root: Path, year: str, split: str) -> Path:
    """Where the official release keeps the raw annotation file of ``split``."""
    return root / f'{split}.json' if year == '2019' else root / split / 'instances.json'


def track_annotation(frames: list[Frame], track: int, *, ann_id: int, video_id: int,
                     category_id: int) -> dict | None:
    """The official per-track record (None where the track is never visible)."""
    segmentations, bboxes, areas = [], [], []
    for frame in frames:
        index = frame.track_index(track)
        if index is None:
            segmentations.append(None), bboxes.append(None), areas.append(None)
            continue
        mask = frame.mask(index)
        ys, xs = np.nonzero(mask)
        x0, y0 = float(xs.min()), float(ys.min())
        segmentations.append(uncompressed_rle(mask))
        bboxes.append([x0, y0, float(xs.max()) + 1.0 - x0, float(ys.max()) + 1.0 - y0])
        areas.append(int(mask.sum()))
    if all(a is None for a in areas):
        return None
    height, width = frames[0].segment_map.shape
    return {'video_id': video_id, 'iscrowd': 0, 'height': height, 'width': width, 'length': 1,
            'id': ann_id, 'category_id': category_id, 'segmentations': segmentations,
            'bboxes': bboxes, 'areas': areas}


def write_video(root: Path, year: str, split: str, index: int, seed: int) -> tuple[dict, list[Frame], str]:
    """Render and save one video; returns (official video record, frames, video name)."""
    rng = item_rng(seed, f'youtube_vis_{year}', split, index)
    name = ''.join(rng.choice(list('0123456789abcdef'), size=10))
    height, width = sample_image_size(rng, sides=(128, 160, 192, 224, 256), portrait_prob=0.15)
    num_frames = int(rng.integers(4, 9))
    scene = sample_scene(rng, height=height, width=width, thing_kinds=tuple(KIND_TO_NAME[year]),
                         num_frames=num_frames, num_objects=(1, 3),
                         late_and_early=(split == 'train' and index % 2 == 0))
    frames = render_video(scene)
    file_names = [f'{name}/{FRAME_STEP * t:05d}.jpg' for t in range(num_frames)]
    for file_name, frame in zip(file_names, frames):
        save_jpeg(root / split / 'JPEGImages' / file_name, frame.image)
    video = {'license': 1, 'coco_url': '', 'height': height, 'width': width, 'length': num_frames,
             'date_captured': '', 'file_names': file_names, 'flickr_url': '', 'id': index + 1}
    return video, frames, name


def official_annotations(frames: list[Frame], video_id: int, year: str, categories: list[dict],
                         first_ann_id: int) -> list[dict]:
    """Official track annotations of one video, ids counted from ``first_ann_id``."""
    cat_ids = {c['name']: c['id'] for c in categories}
    kinds = {seg.track: KIND_TO_NAME[year][seg.kind]
             for frame in frames for seg in frame.segments if seg.is_thing}
    records = []
    for track in sorted(kinds):
        record = track_annotation(frames, track, ann_id=first_ann_id + len(records), video_id=video_id,
                                  category_id=cat_ids[kinds[track]])
        if record is not None:
            records.append(record)
    return records


def converted_json(official: dict, has_annotations: bool) -> dict:
    """The COCO-video JSON that vis_to_coco writes from an official file (DATA.md 2.6)."""
    data = {'categories': official['categories'], 'videos': [], 'images': []}
    if has_annotations:
        data['annotations'] = []
    tracks_by_video: dict[int, list[dict]] = {}
    for track in official.get('annotations', []):
        tracks_by_video.setdefault(track['video_id'], []).append(track)
    instance_ids: dict[int, int] = {}
    for video in official['videos']:
        data['videos'].append({'id': video['id'], 'name': video['file_names'][0].split('/')[0],
                               'width': video['width'], 'height': video['height']})
        for frame_id, file_name in enumerate(video['file_names']):
            image_id = len(data['images']) + 1
            data['images'].append({'file_name': file_name, 'height': video['height'],
                                   'width': video['width'], 'id': image_id, 'frame_id': frame_id,
                                   'video_id': video['id']})
            for track in tracks_by_video.get(video['id'], []) if has_annotations else []:
                if track['bboxes'][frame_id] is None:
                    continue
                instance_id = instance_ids.setdefault(track['id'], len(instance_ids) + 1)
                data['annotations'].append({
                    'id': len(data['annotations']) + 1, 'video_id': video['id'], 'image_id': image_id,
                    'category_id': track['category_id'], 'instance_id': instance_id,
                    'bbox': track['bboxes'][frame_id], 'segmentation': track['segmentations'][frame_id],
                    'area': track['areas'][frame_id], 'iscrowd': track['iscrowd']})
    return data


def write_youtube_vis(root: Path, seed: int, year: str) -> DatasetSummary:
    """Write toy YouTube-VIS ``year`` ('2019' or '2021') under ``root`` (``youtube_vis_{year}``)."""
    categories = youtube_vis_categories(year)
    summary = DatasetSummary(f'youtube_vis_{year}', f'youtube_vis_{year}')
    for split, size in SPLIT_SIZES.items():
        official = {'info': INFO, 'licenses': [], 'videos': [], 'categories': categories}
        tracks = []
        for index in range(size):
            video, frames, _ = write_video(root, year, split, index, seed)
            official['videos'].append(video)
            tracks += official_annotations(frames, video['id'], year, categories, len(tracks) + 1)
        has_annotations = split == 'train'
        if has_annotations:
            official['annotations'] = tracks
        write_json(official_json_path(root, year, split), official)
        converted = converted_json(official, has_annotations)
        write_json(root / 'annotations' / f'youtube_vis_{year}_{split}.json', converted)
        summary.counts[f'{split} videos'] = len(official['videos'])
        summary.counts[f'{split} frames'] = len(converted['images'])
        if has_annotations:
            summary.counts[f'{split} tracks'] = len(tracks)
    return summary
