"""Data preprocessors."""
from .video_seg_data_preprocessor import VideoSegDataPreprocessor

__all__ = ['VideoSegDataPreprocessor']
