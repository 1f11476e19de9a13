"""COCO-panoptic-format datasets whose labels are the JSON category positions (things first).

One validated loader shared by COCO panoptic (open vocabulary and interactive "SAM" variant),
ADE20K panoptic and Cityscapes panoptic.
"""
from __future__ import annotations

import os.path as osp
import warnings

import numpy as np
from mmdet.datasets import CocoPanopticDataset
from mmdet.registry import DATASETS
from PIL import Image

from .annotation_checks import AnnotationError, check_panoptic_json, check_panoptic_png, describe, load_json
from .class_names import load_class_names, split_synonyms
from .panoptic_codecs import rgb_to_segment_ids


@DATASETS.register_module()
class PanopticJSONDataset(CocoPanopticDataset):
    """Panoptic dataset: label = index of the category in the JSON list; things must come first.

    Subclasses set ``METAINFO`` from an ``ext/class_names`` list. The category count and the
    thing/stuff split of the JSON must match the metainfo; every record is validated up front.
    """

    warn_on_name_mismatch = False  # ADE: compare JSON names with our synonym strings

    @property
    def dataset_name(self) -> str:
        """Name used in text-bank file names and in merged dataset names."""
        return type(self).__name__

    def load_data_list(self) -> list[dict]:
        """Read and validate the panoptic JSON, then parse every image."""
        content = load_json(self.ann_file)
        check_panoptic_json(content, self.ann_file)
        self._resolve_categories(content['categories'])
        ann_by_image = {ann['image_id']: ann for ann in content['annotations']}
        data_list = []
        for index, image in enumerate(content['images']):
            ann = ann_by_image.get(image['id'])
            if ann is None:
                raise AnnotationError(f'{self.ann_file}: {describe("images", index, image)} has no record in '
                                      '"annotations"')
            data_list.append(self.parse_panoptic_record(image, ann))
        return data_list

    def _resolve_categories(self, categories: list[dict]) -> None:
        """Set ``cat_ids``/``cat2label``/``thing_cat_ids`` from the JSON order; check it fits the metainfo."""
        num_things = len(self.metainfo['thing_classes'])
        num_classes = num_things + len(self.metainfo['stuff_classes'])
        if len(categories) != num_classes:
            raise AnnotationError(f'{self.ann_file}: {len(categories)} categories, but {type(self).__name__} '
                                  f'expects {num_classes} ({num_things} things first, then stuff)')
        for index, category in enumerate(categories):
            if bool(category['isthing']) != (index < num_things):
                raise AnnotationError(
                    f'{self.ann_file}: {describe("categories", index, category)} has isthing='
                    f'{category["isthing"]} but the first {num_things} categories must be things, '
                    'the rest stuff')
        if self.warn_on_name_mismatch:
            self._warn_on_name_mismatch([category['name'] for category in categories])
        self.cat_ids = [category['id'] for category in categories]
        self.cat2label = {cat_id: label for label, cat_id in enumerate(self.cat_ids)}
        self.thing_cat_ids = set(self.cat_ids[:num_things])

    def _warn_on_name_mismatch(self, json_names: list[str]) -> None:
        """Warn once about JSON categories sharing no synonym with our class at the same index."""
        mismatches = [f'{index}: {name!r} vs {ours!r}'
                      for index, (name, ours) in enumerate(zip(json_names, self.metainfo['classes']))
                      if not set(split_synonyms(name)) & set(split_synonyms(ours))]
        if mismatches:
            warnings.warn(f'{self.ann_file}: {len(mismatches)} category names share no synonym with '
                          f'{type(self).__name__} classes (labels follow the JSON order): '
                          + '; '.join(mismatches))

    def seg_map_name(self, image: dict, ann: dict) -> str:
        """Relative path of the panoptic PNG of one image (the annotation record's ``file_name``)."""
        return ann['file_name']

    def segment_is_instance(self, segment: dict) -> bool:
        """Whether a non-crowd segment becomes an instance (things only; all segments for SAM)."""
        return segment['category_id'] in self.thing_cat_ids

    def parse_panoptic_record(self, image: dict, ann: dict) -> dict:
        """Data info of one image: paths, size, thing ``instances`` and all ``segments_info``."""
        data_info = dict(
            img_path=osp.join(self.data_prefix.get('img', ''), image['file_name']),
            img_id=image['id'], height=image['height'], width=image['width'],
            seg_map_path=(osp.join(self.data_prefix['seg'], self.seg_map_name(image, ann))
                          if self.data_prefix.get('seg') else None))
        instances, segments_info, skipped = [], [], []
        for segment in ann['segments_info']:
            x1, y1, w, h = segment['bbox']
            if segment['area'] <= 0 or w < 1 or h < 1:
                skipped.append(segment['id'])  # void on purpose (mmdet's rule), not a contradiction
                continue
            label = self.cat2label[segment['category_id']]
            is_instance = self.segment_is_instance(segment) and not segment.get('iscrowd', False)
            if is_instance:
                instances.append(dict(bbox=[x1, y1, x1 + w, y1 + h], bbox_label=label, ignore_flag=0))
            segments_info.append(dict(id=segment['id'], category=label, is_thing=is_instance))
        data_info['instances'] = instances
        data_info['segments_info'] = segments_info
        data_info['void_segment_ids'] = skipped
        return data_info


@DATASETS.register_module()
class CocoPanopticOVDataset(PanopticJSONDataset):
    """COCO panoptic with open-vocabulary synonym class strings (80 things + 53 stuff)."""

    METAINFO = load_class_names('coco_panoptic_ov').metainfo()


@DATASETS.register_module()
class CocoPanopticSAMDataset(CocoPanopticOVDataset):
    """COCO panoptic for interactive segmentation: every non-crowd segment is an instance."""

    def segment_is_instance(self, segment: dict) -> bool:
        """Things and stuff alike (class-agnostic prompts)."""
        return True


@DATASETS.register_module()
class ADEPanopticOVDataset(PanopticJSONDataset):
    """ADE20K panoptic with open-vocabulary names (100 things + 50 stuff, things first)."""

    METAINFO = load_class_names('ade_panoptic_ov').metainfo()
    warn_on_name_mismatch = True


@DATASETS.register_module()
class CityscapesPanopticDataset(PanopticJSONDataset):
    """Cityscapes panoptic in re-ordered train ids (8 things then 11 stuff)."""

    METAINFO = load_class_names('cityscapes_panoptic').metainfo()

    def seg_map_name(self, image: dict, ann: dict) -> str:
        """``<city>/<name>_leftImg8bit.png`` -> ``<city>/<name>_panoptic.png``."""
        name = image['file_name']
        if not name.endswith('_leftImg8bit.png'):
            raise AnnotationError(f'{self.ann_file}: image id={image["id"]!r} file_name {name!r} does not '
                                  'end with _leftImg8bit.png')
        return name[:-len('_leftImg8bit.png')] + '_panoptic.png'


@DATASETS.register_module()
class CocoPanopticEvalDataset(CocoPanopticDataset):
    """mmdet's ``CocoPanopticDataset`` (its class names, as the panoptic metric expects), validated first.

    The JSON records are checked as for training, and (``check_pngs``) every GT PNG must draw exactly the
    segments of its ``segments_info``: mmdet's PQ would skip undescribed ids and count empty segments.
    """

    def __init__(self, *args, check_pngs: bool = True, **kwargs):
        self.check_pngs = check_pngs
        super().__init__(*args, **kwargs)

    def load_data_list(self) -> list[dict]:
        """Validate the JSON and its PNGs, then parse with mmdet's loader."""
        content = load_json(self.ann_file)
        check_panoptic_json(content, self.ann_file)
        if self.check_pngs and self.data_prefix.get('seg'):
            for ann in content['annotations']:
                png = osp.join(self.data_prefix['seg'], ann['file_name'])
                if not osp.isfile(png):
                    raise AnnotationError(f'{self.ann_file}: PNG {png} of image id={ann["image_id"]!r} '
                                          'not found')
                ids = rgb_to_segment_ids(np.asarray(Image.open(png).convert('RGB')))
                described = [s['id'] for s in ann['segments_info']]
                check_panoptic_png(np.unique(ids), described, png, ann['image_id'])
        del content
        return super().load_data_list()
