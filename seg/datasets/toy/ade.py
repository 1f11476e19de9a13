"""Toy ADE20K panoptic in the real layout: ``ade/ADEChallengeData2016/``.

``images/{training,validation}/ADE_{train,val}_%08d.jpg``, ``ade20k_panoptic_{train,val}.json`` and
``ade20k_panoptic_{train,val}/*.png`` exactly as mmdet's ``ade20k2coco.py`` writes them: image ids
are the file stems (strings), category ids 0..149 in mmdet's things-first order with mmdet's names
(e.g. ``'road, route'``, ``'minibike, motorbike'``), RGB-id PNGs.
"""
from __future__ import annotations

from pathlib import Path

from .categories import ade_panoptic_categories
from .common import DatasetSummary
from .image_panoptic import PanopticSplit, write_panoptic_split

FOLDER = 'ade'
SUBFOLDER = 'ADEChallengeData2016'
SPLITS = {'train': ('training', 12), 'val': ('validation', 6)}
# toy kind -> mmdet ADE20KPanopticDataset class name (no 'horse': ADE folds animals into 'animal')
KIND_TO_NAME = {
    'person': 'person', 'car': 'car', 'bus': 'bus', 'motorcycle': 'minibike, motorbike',
    'airplane': 'airplane', 'boat': 'boat', 'dog': 'animal',
    'sky': 'sky', 'wall': 'wall', 'grass': 'grass', 'road': 'road, route',
}
INFO = {'description': 'OMG-Seg toy ADE20K panoptic (synthetic)', 'version': '1.0'}


def write_ade(root: Path, seed: int) -> DatasetSummary:
    """Write the toy ADE20K panoptic dataset under ``root/ADEChallengeData2016`` (root: ``ade``)."""
    categories = ade_panoptic_categories()
    summary = DatasetSummary('ade', f'{FOLDER}/{SUBFOLDER}')
    root = root / SUBFOLDER
    for split, (folder, size) in SPLITS.items():
        layout = PanopticSplit(
            dataset='ade', split=split, image_dir=root / 'images' / folder,
            png_dir=root / f'ade20k_panoptic_{split}', json_path=root / f'ade20k_panoptic_{split}.json',
            kind_to_name=KIND_TO_NAME, categories=categories, info=INFO)
        keys = [(f'ADE_{split}_{i + 1:08d}',) * 2 for i in range(size)]
        panoptic, _ = write_panoptic_split(layout, keys, seed)
        summary.counts[f'{split} images'] = len(panoptic['images'])
        summary.counts[f'{split} segments'] = sum(len(a['segments_info']) for a in panoptic['annotations'])
    return summary
