"""COCO instances with open-vocabulary class strings (``CocoOVDataset``)."""
from __future__ import annotations

from contextlib import contextmanager

from mmdet.datasets import CocoDataset
from mmdet.registry import DATASETS

from .annotation_checks import AnnotationError, check_masks, describe, load_json, require_keys, require_list
from .class_names import load_class_names


@DATASETS.register_module()
class CocoOVDataset(CocoDataset):
    """COCO instance segmentation whose 80 classes carry the synonym strings of COCO-OV.

    JSON categories are resolved by their original COCO names (mmdet's ``CocoDataset`` list,
    same order), labels are reported with the open-vocabulary strings.
    """

    METAINFO = dict(load_class_names('coco_panoptic_ov').metainfo(),
                    classes=load_class_names('coco_panoptic_ov').thing_classes, stuff_classes=())
    COCO_NAMES: tuple[str, ...] = CocoDataset.METAINFO['classes']

    @property
    def dataset_name(self) -> str:
        """Name used in text-bank file names (``..._CocoOVDataset.pth``)."""
        return type(self).__name__

    def load_data_list(self) -> list[dict]:
        """Check every COCO category name exists in the JSON, then parse with mmdet's loader."""
        content = load_json(self.ann_file)
        categories = require_list(content, 'categories', self.ann_file)
        require_keys(categories, ('id', 'name'), self.ann_file, 'categories')
        missing = sorted(set(self.COCO_NAMES) - {c['name'] for c in categories})
        if missing:
            raise AnnotationError(f'{self.ann_file}: categories {missing} of COCO are missing')
        images = {image['id']: image for image in require_list(content, 'images', self.ann_file)}
        annotations = require_list(content, 'annotations', self.ann_file)
        require_keys(annotations, ('image_id',), self.ann_file, 'annotations')
        for index, ann in enumerate(annotations):
            if ann['image_id'] not in images:
                raise AnnotationError(f'{self.ann_file}: {describe("annotations", index, ann)} refers to '
                                      f'unknown image_id {ann["image_id"]!r}')
        check_masks(annotations, images, self.ann_file)
        del content
        with self._original_coco_names():
            return super().load_data_list()

    @contextmanager
    def _original_coco_names(self):
        """mmdet selects JSON categories by ``metainfo['classes']``: expose the COCO names meanwhile."""
        ov_classes = self._metainfo['classes']
        self._metainfo['classes'] = self.COCO_NAMES
        try:
            yield
        finally:
            self._metainfo['classes'] = ov_classes
