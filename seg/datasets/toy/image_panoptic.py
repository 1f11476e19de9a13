"""One toy split in COCO panoptic format: JPEG images, RGB-id PNGs and the panoptic JSON.

Shared by the COCO (``panoptic_{split}2017``) and ADE20K (``ade20k_panoptic_{split}``) writers,
which differ only in folder names, image ids and category tables.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .common import item_rng, kind_names_for, sample_image_size
from .panoptic import SegmentIdAllocator, id_map, panoptic_annotation, panoptic_rgb
from .scene import STUFF_KINDS, THING_KINDS, has_visible_thing, render_frame, sample_scene
from .writers import save_jpeg, save_png_rgb, write_json


@dataclass(frozen=True)
class PanopticSplit:
    """Where and how to write one split."""

    dataset: str  # seeding key and error prefix, e.g. 'coco'
    split: str
    image_dir: Path
    png_dir: Path
    json_path: Path
    kind_to_name: dict[str, str]  # toy kind -> class name in ``categories``
    categories: list[dict]  # the full category table written to the JSON
    info: dict
    crowd_every: int = 0  # every n-th image gets a crowd group (0: never)


def image_record(split: PanopticSplit, index: int, image_id, stem: str,
                 seed: int) -> tuple[dict, dict, np.ndarray]:
    """Render, save and encode image ``index``: returns (image entry, annotation, id map)."""
    rng = item_rng(seed, split.dataset, split.split, index)
    height, width = sample_image_size(rng)
    things = tuple(k for k in THING_KINDS if k in split.kind_to_name)
    stuff = tuple(k for k in STUFF_KINDS if k in split.kind_to_name)
    crowd = split.crowd_every > 0 and index % split.crowd_every == 0
    scene = sample_scene(rng, height=height, width=width, thing_kinds=things, stuff_kinds=stuff, crowd=crowd)
    frame = render_frame(scene, 0)
    if not has_visible_thing(frame):  # the sampler keeps its last object inside and on top
        raise RuntimeError(f'{split.dataset} {stem}: no visible non-crowd thing (sampler invariant broken)')
    by_name = {c['name']: c for c in split.categories}
    cats = [by_name[name] for name in kind_names_for(frame, split.kind_to_name, split.dataset)]
    allocator = SegmentIdAllocator(rng)
    segment_ids = [allocator.new_id(c['color'], bool(c['isthing'])) for c in cats]
    ids = id_map(frame, segment_ids)
    save_jpeg(split.image_dir / f'{stem}.jpg', frame.image)
    save_png_rgb(split.png_dir / f'{stem}.png', panoptic_rgb(ids))
    image = {'file_name': f'{stem}.jpg', 'height': height, 'width': width, 'id': image_id}
    annotation = panoptic_annotation(frame, image_id=image_id, file_name=f'{stem}.png',
                                     segment_ids=segment_ids, category_ids=[c['id'] for c in cats])
    return image, annotation, ids


def write_panoptic_split(split: PanopticSplit, keys: list[tuple], seed: int) -> tuple[dict, dict]:
    """Write every image of ``keys`` ((image_id, stem) pairs) and the JSON; returns (JSON, id maps)."""
    images, annotations, id_maps = [], [], {}
    for index, (image_id, stem) in enumerate(keys):
        image, annotation, ids = image_record(split, index, image_id, stem, seed)
        images.append(image)
        annotations.append(annotation)
        id_maps[image_id] = ids
    data = {'info': split.info, 'licenses': [], 'images': images, 'annotations': annotations,
            'categories': split.categories}
    write_json(split.json_path, data)
    return data, id_maps
