"""Query decoder heads and their named outputs."""
from .clip_targets import clip_strip_sample, tube_instances
from .omg_seg_head import OMGSegHead
from .outputs import DecoderQueries, HeadOutputs, HeadPrediction
from .video_fusion import VideoInstanceSelection, frame_instances, frame_panoptic, frame_semantic

__all__ = ['OMGSegHead', 'DecoderQueries', 'HeadOutputs', 'HeadPrediction']
from .omg_fusion_head import OMGFusionHead

__all__ += ['OMGFusionHead']
__all__ += ['VideoInstanceSelection', 'clip_strip_sample', 'frame_instances', 'frame_panoptic',
            'frame_semantic', 'tube_instances']
