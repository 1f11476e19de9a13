"""Data preprocessors."""
from .batch_split import own_pad_shape, split_padded_batch
from .video_seg_data_preprocessor import VideoSegDataPreprocessor

__all__ = ['VideoSegDataPreprocessor', 'own_pad_shape', 'split_padded_batch']
