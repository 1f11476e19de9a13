"""Toy COCO in the real layout: ``coco/{train,val}2017/*.jpg`` and ``coco/annotations/``.

``annotations/panoptic_{split}2017.json`` + ``panoptic_{split}2017/*.png`` (RGB ids) carry all 133
real COCO panoptic categories with their official ids (things 1..90 with gaps, stuff 92..200);
``instances_{split}2017.json`` (80 thing categories) is derived from the panoptic ground truth.
File names are the 12-digit image id, as in COCO. Every 6th image has a crowd group (iscrowd 1).
"""
from __future__ import annotations

from pathlib import Path

from .categories import coco_instance_categories, coco_panoptic_categories
from .coco_instances import instances_from_panoptic
from .common import DatasetSummary
from .image_panoptic import PanopticSplit, write_panoptic_split
from .writers import write_json

FOLDER = 'coco'
SPLIT_SIZES = {'train': 24, 'val': 8}
# toy kind -> real COCO panoptic class name (mmdet / official JSON spelling)
KIND_TO_NAME = {
    'person': 'person', 'car': 'car', 'bus': 'bus', 'motorcycle': 'motorcycle',
    'airplane': 'airplane', 'boat': 'boat', 'dog': 'dog', 'horse': 'horse',
    'sky': 'sky-other-merged', 'wall': 'wall-other-merged', 'grass': 'grass-merged', 'road': 'road',
}
INFO = {'description': 'OMG-Seg toy COCO panoptic (synthetic)', 'version': '1.0', 'year': 2017}


def coco_image_id(split: str, index: int) -> int:
    """Non-contiguous integer image ids, disjoint between splits (like real COCO)."""
    return (9 + 7 * index) if split == 'train' else (100_000 + 13 * index)


def write_coco(root: Path, seed: int) -> DatasetSummary:
    """Write the toy COCO panoptic + instances dataset under ``root`` (the ``coco`` folder)."""
    categories = coco_panoptic_categories()
    thing_categories = coco_instance_categories()
    summary = DatasetSummary('coco', FOLDER)
    for split, size in SPLIT_SIZES.items():
        layout = PanopticSplit(
            dataset='coco', split=split, image_dir=root / f'{split}2017',
            png_dir=root / 'annotations' / f'panoptic_{split}2017',
            json_path=root / 'annotations' / f'panoptic_{split}2017.json',
            kind_to_name=KIND_TO_NAME, categories=categories, info=INFO, crowd_every=6)
        keys = [(coco_image_id(split, i), f'{coco_image_id(split, i):012d}') for i in range(size)]
        panoptic, id_maps = write_panoptic_split(layout, keys, seed)
        instances = instances_from_panoptic(panoptic, id_maps, thing_categories)
        write_json(root / 'annotations' / f'instances_{split}2017.json', instances)
        summary.counts[f'{split} images'] = len(panoptic['images'])
        summary.counts[f'{split} segments'] = sum(len(a['segments_info']) for a in panoptic['annotations'])
        summary.counts[f'{split} instances'] = len(instances['annotations'])
    return summary
