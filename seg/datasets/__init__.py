"""Datasets, transforms and samplers (registered in mmdet's registries)."""
from . import samplers, transforms
from .annotation_checks import AnnotationError
from .class_names import ClassNames, load_class_names
from .coco_ov import CocoOVDataset
from .concat_ov import ConcatOVDataset
from .panoptic_json import (
    ADEPanopticOVDataset,
    CityscapesPanopticDataset,
    CocoPanopticEvalDataset,
    CocoPanopticOVDataset,
    CocoPanopticSAMDataset,
    PanopticJSONDataset,
)
from .video_folder import DAVISDataset, VideoFolderDataset, VIPSegDataset
from .youtube_vis import YouTubeVISDatasetV2

__all__ = [
    'ADEPanopticOVDataset', 'AnnotationError', 'CityscapesPanopticDataset', 'ClassNames', 'CocoOVDataset',
    'CocoPanopticEvalDataset', 'CocoPanopticOVDataset', 'CocoPanopticSAMDataset', 'ConcatOVDataset',
    'DAVISDataset', 'PanopticJSONDataset', 'VIPSegDataset', 'VideoFolderDataset', 'YouTubeVISDatasetV2',
    'load_class_names', 'samplers', 'transforms'
]
