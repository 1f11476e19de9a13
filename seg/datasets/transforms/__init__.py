"""Data transforms (registered in mmdet's TRANSFORMS)."""
from .filtering import FilterAnnotationsHB, ResizeOri
from .formatting import PackVidSegInputs
from .loading import AddSemSeg, LoadPanopticAnnotationsHB, LoadTrackAnnotationsHB, LoadVideoSegAnnotations
from .video import ImageCopy, VideoClipSample

__all__ = ['AddSemSeg', 'FilterAnnotationsHB', 'ImageCopy', 'LoadPanopticAnnotationsHB',
           'LoadTrackAnnotationsHB', 'LoadVideoSegAnnotations', 'PackVidSegInputs', 'ResizeOri',
           'VideoClipSample']
