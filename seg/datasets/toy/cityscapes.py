"""Toy Cityscapes in the real layout, plus the panoptic files the converter (DATA.md 2.5) makes.

* ``leftImg8bit/{split}/<city>/<city>_<seq>_<frame>_leftImg8bit.png`` (RGB PNG);
* ``gtFine/{split}/<city>/<name>_gtFine_instanceIds.png`` (16-bit): 0 = unlabeled (void), values
  < 1000 = original labelId (stuff, or a crowd of a thing class), values >= 1000 =
  ``labelId * 1000 + instance`` (instances counted from 0 per class and image), e.g. car = 26xxx;
* ``annotations/cityscapes_panoptic_{split}_trainId.json`` and
  ``annotations/cityscapes_panoptic_{split}_trainId/<city>/<name>_panoptic.png``, produced from the
  instanceIds maps with the converter's rules: segment id = instanceIds value, PNG colour
  ``(id % 256, id // 256, id // 65536)``, category = re-ordered train id, iscrowd for thing values
  < 1000, JSON written with ``sort_keys=True, indent=4``.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .categories import cityscapes_labels, cityscapes_panoptic_categories
from .common import DatasetSummary, item_rng, kind_names_for
from .panoptic import mask_bbox, panoptic_rgb
from .scene import Frame, render_frame, sample_scene
from .writers import save_png_rgb, save_png_uint16, write_json

FOLDER = 'cityscapes'
HEIGHT, WIDTH = 128, 256
CITIES = {'train': ('aachen', 'bochum'), 'val': ('frankfurt',)}
IMAGES_PER_CITY = 4
KIND_TO_NAME = {'person': 'person', 'car': 'car', 'bus': 'bus', 'motorcycle': 'motorcycle',
                'sky': 'sky', 'wall': 'wall', 'grass': 'terrain', 'road': 'road'}
UNLABELED = 0


def instance_ids_map(frame: Frame, label_ids: list[int]) -> np.ndarray:
    """The (H, W) instanceIds map of a frame, given the Cityscapes labelId of each segment."""
    values = np.full(frame.segment_map.shape, UNLABELED, dtype=np.int64)
    next_instance: dict[int, int] = {}
    for index, (segment, label_id) in enumerate(zip(frame.segments, label_ids)):
        if segment.is_thing and not segment.crowd:
            instance = next_instance.get(label_id, 0)
            next_instance[label_id] = instance + 1
            values[frame.mask(index)] = label_id * 1000 + instance
        else:
            values[frame.mask(index)] = label_id
    return values


def convert_instance_ids(values: np.ndarray) -> tuple[list[dict], np.ndarray]:
    """``segments_info`` and panoptic RGB of one instanceIds map, by the converter's rules."""
    by_label_id = {label['id']: label for label in cityscapes_labels()}
    infos = []
    kept = np.zeros(values.shape, dtype=bool)
    for value in np.unique(values).tolist():
        label = by_label_id.get(value if value < 1000 else value // 1000)
        if label is None:  # unlabeled / ignoreInEval labels stay void
            continue
        mask = values == value
        kept |= mask
        infos.append({'id': int(value), 'category_id': int(label['trainId']), 'area': int(mask.sum()),
                      'bbox': mask_bbox(mask), 'iscrowd': int(value < 1000 and label['hasInstances'])})
    return infos, panoptic_rgb(np.where(kept, values, 0))


def write_image(root: Path, split: str, city: str, index: int, seed: int) -> tuple[dict, dict]:
    """Render, save and convert one image; returns its (image entry, panoptic annotation)."""
    rng = item_rng(seed, 'cityscapes', split, city, index)
    scene = sample_scene(rng, height=HEIGHT, width=WIDTH, thing_kinds=('person', 'car', 'bus', 'motorcycle'),
                         stuff_kinds=('sky', 'wall', 'grass', 'road'), crowd=index % 4 == 1)
    frame = render_frame(scene, 0)
    name_to_label = {label['name']: label for label in cityscapes_labels()}
    label_ids = [name_to_label[n]['id'] for n in kind_names_for(frame, KIND_TO_NAME, 'cityscapes')]
    values = instance_ids_map(frame, label_ids)
    name = f'{city}_{index:06d}_{19 + index:06d}'
    save_png_rgb(root / 'leftImg8bit' / split / city / f'{name}_leftImg8bit.png', frame.image)
    save_png_uint16(root / 'gtFine' / split / city / f'{name}_gtFine_instanceIds.png', values)
    infos, rgb = convert_instance_ids(values)
    png_name = f'{city}/{name}_panoptic.png'
    save_png_rgb(root / 'annotations' / f'cityscapes_panoptic_{split}_trainId' / png_name, rgb)
    image = {'id': name, 'width': WIDTH, 'height': HEIGHT, 'file_name': f'{city}/{name}_leftImg8bit.png'}
    return image, {'image_id': name, 'file_name': png_name, 'segments_info': infos}


def write_cityscapes(root: Path, seed: int) -> DatasetSummary:
    """Write the toy Cityscapes dataset and its converted panoptic annotations under ``root``."""
    summary = DatasetSummary('cityscapes', FOLDER)
    for split, cities in CITIES.items():
        images, annotations = [], []
        for city in cities:
            for index in range(IMAGES_PER_CITY):
                image, annotation = write_image(root, split, city, index, seed)
                images.append(image)
                annotations.append(annotation)
        data = {'images': images, 'annotations': annotations, 'categories': cityscapes_panoptic_categories()}
        write_json(root / 'annotations' / f'cityscapes_panoptic_{split}_trainId.json', data,
                   sort_keys=True, indent=4)
        summary.counts[f'{split} images'] = len(images)
        summary.counts[f'{split} segments'] = sum(len(a['segments_info']) for a in annotations)
    return summary
