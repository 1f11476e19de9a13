"""Query decoder heads and their named outputs."""
from .omg_seg_head import OMGSegHead
from .outputs import DecoderQueries, HeadOutputs, HeadPrediction

__all__ = ['OMGSegHead', 'DecoderQueries', 'HeadOutputs', 'HeadPrediction']
from .omg_fusion_head import OMGFusionHead

__all__ += ['OMGFusionHead']
