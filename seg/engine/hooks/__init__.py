"""Runner hooks."""
from .safe_checkpoint_hook import SafeCheckpointHook
from .seg_visualization_hook import SegVisualizationHook

__all__ = ['SafeCheckpointHook', 'SegVisualizationHook']
