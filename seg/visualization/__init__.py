"""Visualizers: image overlays (panoptic / instance / semantic) and video overlays with GIFs."""
from .colors import ClassStyle, display_name, hashed_color, instance_color
from .image_io import encode_gif, encode_image, load_rgb, write_gif, write_image
from .prompts import draw_prompts
from .seg_local_visualizer import PREDICTION_KINDS, SegLocalVisualizer
from .segments import Segment, ground_truth_panoptic, panoptic_segments, prediction_segments
from .vid_seg_local_visualizer import VidSegLocalVisualizer, video_name_of

__all__ = [
    'ClassStyle', 'PREDICTION_KINDS', 'Segment', 'SegLocalVisualizer', 'VidSegLocalVisualizer',
    'display_name', 'draw_prompts', 'encode_gif', 'encode_image', 'ground_truth_panoptic', 'hashed_color',
    'instance_color', 'load_rgb', 'panoptic_segments', 'prediction_segments', 'video_name_of', 'write_gif',
    'write_image'
]
