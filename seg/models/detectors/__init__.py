"""Detectors."""
from .omg_seg import OMGSeg
from .omg_seg_interactive import OMGSegInteractive
from .omg_seg_video import OMGSegVideo
from .omg_seg_vos import OMGSegVOS

__all__ = ['OMGSeg', 'OMGSegInteractive', 'OMGSegVideo', 'OMGSegVOS']
