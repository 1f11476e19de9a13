"""Runner hooks."""
from .exact_resume_hook import ExactResumeHook
from .safe_checkpoint_hook import SafeCheckpointHook
from .seg_visualization_hook import SegVisualizationHook

__all__ = ['ExactResumeHook', 'SafeCheckpointHook', 'SegVisualizationHook']
