"""Full, real category tables of every toy format (from mmdet metainfo plus ``ext/toy`` data files).

The toy datasets use only a handful of classes, but every JSON carries the complete real category
list with the real ids, so that the real dataset classes (which take their class lists from the
spec) read the toy data unchanged.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

EXT_TOY_DIR = Path(__file__).resolve().parents[3] / 'ext' / 'toy'


class ToyDataError(RuntimeError):
    """A toy-data generation problem the user can fix (bad argument, unwritable path, missing file)."""


@lru_cache(maxsize=None)
def load_ext_table(file_name: str) -> dict:
    """Load ``ext/toy/<file_name>`` (JSON) with a clear error when it is missing or broken."""
    path = EXT_TOY_DIR / file_name
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ToyDataError(f'cannot read the category table {path}: {exc}') from exc


def coco_panoptic_categories() -> list[dict]:
    """The 133 COCO panoptic categories (things first) with official ids, as in panoptic_*2017.json."""
    from mmdet.datasets import CocoPanopticDataset
    meta = CocoPanopticDataset.METAINFO
    table = {c['name']: c for c in load_ext_table('coco_panoptic_categories.json')['categories']}
    num_things = len(meta['thing_classes'])
    categories = []
    for index, (name, color) in enumerate(zip(meta['classes'], meta['palette'])):
        if name not in table:
            raise ToyDataError(f'COCO class {name!r} of mmdet metainfo is missing from '
                               f'{EXT_TOY_DIR / "coco_panoptic_categories.json"}')
        categories.append({'supercategory': table[name]['supercategory'], 'color': list(color),
                           'isthing': int(index < num_things), 'id': table[name]['id'], 'name': name})
    return categories


def coco_instance_categories() -> list[dict]:
    """The 80 COCO detection categories (id, name, supercategory), as in instances_*2017.json."""
    return [{'supercategory': c['supercategory'], 'id': c['id'], 'name': c['name']}
            for c in coco_panoptic_categories() if c['isthing']]


def ade_panoptic_categories() -> list[dict]:
    """The 150 ADE20K panoptic categories as mmdet's ade20k2coco converter writes them.

    Ids 0..149 in mmdet's (things-first) class order, names exactly mmdet's, colours from its palette.
    """
    from mmdet.datasets import ADE20KPanopticDataset
    meta = ADE20KPanopticDataset.METAINFO
    num_things = len(meta['thing_classes'])
    return [{'id': index, 'name': name, 'isthing': int(index < num_things), 'color': list(color)}
            for index, (name, color) in enumerate(zip(meta['classes'], meta['palette']))]


def cityscapes_labels() -> list[dict]:
    """The 19 evaluated Cityscapes labels (name, labelId ``id``, re-ordered ``trainId``, ...)."""
    return load_ext_table('cityscapes_labels.json')['labels']


def cityscapes_panoptic_categories() -> list[dict]:
    """Categories of cityscapes_panoptic_*_trainId.json: train ids 0..18 (things first)."""
    categories = [{'id': label['trainId'], 'name': label['name'], 'color': label['color'],
                   'supercategory': label['category'], 'isthing': int(label['hasInstances'])}
                  for label in cityscapes_labels()]
    return sorted(categories, key=lambda c: c['id'])


def youtube_vis_classes(year: str) -> tuple[str, ...]:
    """The 40 class names of YouTube-VIS ``year`` ('2019' or '2021') in official id order."""
    from mmdet.datasets import YouTubeVISDataset

    # mmdet stores the list by assigning METAINFO on the class: do it on a throwaway subclass.
    probe = type('_YouTubeVISClassesProbe', (YouTubeVISDataset,), {})
    try:
        probe.set_dataset_classes(year)
    except NotImplementedError as exc:
        raise ToyDataError(f'unknown YouTube-VIS year {year!r}: expected 2019 or 2021') from exc
    return tuple(probe.METAINFO['classes'])


def youtube_vis_categories(year: str) -> list[dict]:
    """Official YouTube-VIS categories: ids 1..40, supercategory 'object'."""
    return [{'supercategory': 'object', 'id': i + 1, 'name': name}
            for i, name in enumerate(youtube_vis_classes(year))]


def vipseg_categories() -> list[dict]:
    """The 124 official VIPSeg categories (0-based id, name, isthing, colour)."""
    return load_ext_table('vipseg_categories.json')['categories']


def id_by_name(categories: list[dict], name: str, key: str = 'id') -> int:
    """The ``key`` field of the category called ``name`` (clear error naming the missing class)."""
    for category in categories:
        if category['name'] == name:
            return category[key]
    raise ToyDataError(f'class {name!r} is not in the category list '
                       f'({len(categories)} names, e.g. {[c["name"] for c in categories[:5]]})')
