"""YouTube-VIS 2019 / 2021 in the COCO-video format of ``tools/dataset_convert/vis_to_coco.py``."""
from __future__ import annotations

from mmdet.datasets import BaseVideoDataset
from mmdet.registry import DATASETS

from .annotation_checks import AnnotationError, check_coco_video_json, check_mapped_categories, load_json
from .class_names import load_class_names

VERSIONS = ('2019', '2021')


@DATASETS.register_module()
class YouTubeVISDatasetV2(BaseVideoDataset):
    """YouTube-VIS video instance segmentation; ``dataset_version`` picks the 40-class list.

    The class list is passed as instance metainfo (the class-level ``METAINFO`` is never changed).
    """

    def __init__(self, dataset_version: str, *args, metainfo: dict | None = None, **kwargs):
        dataset_version = str(dataset_version)
        if dataset_version not in VERSIONS:
            raise ValueError(
                f'unsupported YouTube-VIS version {dataset_version!r}; expected one of {VERSIONS}')
        self.dataset_version = dataset_version
        names = load_class_names(f'youtube_vis_{dataset_version}').metainfo()
        super().__init__(*args, metainfo={**names, **(metainfo or {})}, **kwargs)

    @property
    def dataset_name(self) -> str:
        """``YouTubeVISDataset_2019`` / ``YouTubeVISDataset_2021`` (text-bank and merge names)."""
        return f'YouTubeVISDataset_{self.dataset_version}'

    def load_data_list(self) -> list[dict]:
        """Validate the JSON (records, ids, categories) before mmdet parses it."""
        content = load_json(self.ann_file)
        check_coco_video_json(content, self.ann_file)
        names = [c['name'] for c in content['categories']]
        missing = [c for c in self.metainfo['classes'] if c not in names]
        if missing:
            raise AnnotationError(f'{self.ann_file}: categories {missing} of YouTube-VIS '
                                  f'{self.dataset_version} are missing (is it the other year?)')
        check_mapped_categories(content, self.metainfo['classes'], self.ann_file,
                                f'YouTube-VIS {self.dataset_version}')
        del content
        return super().load_data_list()
