"""OMG-Seg model components, registered in mmdet's MODELS registry on import."""
from . import backbones, classifiers, data_preprocessors, detectors, heads, query_generators, utils  # noqa: F401
from .backbones import OpenCLIPBackbone
from .classifiers import CLIPTextClassifier
from .data_preprocessors import VideoSegDataPreprocessor
from .detectors import OMGSeg
from .heads import OMGFusionHead, OMGSegHead

__all__ = ['OpenCLIPBackbone', 'CLIPTextClassifier', 'VideoSegDataPreprocessor', 'OMGSeg',
           'OMGFusionHead', 'OMGSegHead']
