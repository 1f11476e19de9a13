"""Public inference API: image and video predictors, model loading, vocabularies."""
from .image_predictor import ImagePredictor
from .loading import build_model, default_device, load_config, resolve_pretrained
from .pipeline import build_image_pipeline, to_bgr_array
from .video_predictor import FrameObjects, VideoPredictor, VideoState
from .vocabulary import Vocabulary, parse_class_list

__all__ = [
    'FrameObjects', 'ImagePredictor', 'Vocabulary', 'build_image_pipeline', 'build_model', 'default_device',
    'load_config',
    'parse_class_list', 'resolve_pretrained', 'to_bgr_array', 'VideoPredictor', 'VideoState'
]
