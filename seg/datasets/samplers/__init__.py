"""Samplers (registered in mmdet's DATA_SAMPLERS)."""
from .group_batch_sampler import GroupedBatchSampler
from .multi_dataset_sampler import MultiDatasetSampler

__all__ = ['GroupedBatchSampler', 'MultiDatasetSampler']
