"""mmengine metrics (registered in mmdet's METRICS) wrapping ``seg.evaluation.functional``."""
from .cityscapes_panoptic_metric import CityscapesPanopticMetric
from .interactive_iou_metric import InteractiveIoUMetric
from .sem_seg_metric import SemSegIoUMetric
from .video_instance_metric import VideoInstanceAPMetric
from .video_panoptic_metric import VideoPanopticMetric
from .vos_metric import DAVISMetric

__all__ = ['CityscapesPanopticMetric', 'DAVISMetric', 'InteractiveIoUMetric', 'SemSegIoUMetric',
           'VideoInstanceAPMetric', 'VideoPanopticMetric']
