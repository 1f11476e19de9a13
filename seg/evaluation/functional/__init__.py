"""Offline metric math over numpy arrays and standard result files (no model, no mmengine)."""
from .coco_panoptic import evaluate_coco_panoptic
from .davis import evaluate_davis, evaluate_davis_sequence
from .davis_measures import boundary_f_measure, db_statistics, region_similarity
from .fileio import EvalInputError, write_json_atomic, write_png_atomic
from .instance_ap import evaluate_coco_instance
from .interactive_iou import interactive_miou, prompt_ious
from .panoptic_quality import OverlapTable, match_segments, pq_stat_single, pq_summary
from .semantic_iou import evaluate_semantic_folders, semantic_confusion, semantic_summary
from .stq import STQAccumulator
from .video_panoptic_quality import VPQ_WINDOWS, frame_counts, vpq_stats_video, vpq_summary
from .vipseg import evaluate_vps
from .ytvis_ap import evaluate_ytvis, video_iou

__all__ = [
    'EvalInputError', 'OverlapTable', 'STQAccumulator', 'VPQ_WINDOWS', 'boundary_f_measure', 'db_statistics',
    'evaluate_coco_instance', 'evaluate_coco_panoptic', 'evaluate_davis', 'evaluate_davis_sequence',
    'evaluate_semantic_folders', 'evaluate_vps', 'evaluate_ytvis', 'frame_counts', 'interactive_miou',
    'match_segments', 'pq_stat_single', 'pq_summary', 'prompt_ious', 'region_similarity',
    'semantic_confusion', 'semantic_summary', 'video_iou', 'vpq_stats_video', 'vpq_summary',
    'write_json_atomic', 'write_png_atomic',
]
