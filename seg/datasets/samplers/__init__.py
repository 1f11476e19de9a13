"""Samplers (registered in mmdet's DATA_SAMPLERS)."""
from .group_batch_sampler import GroupedBatchSampler
from .multi_dataset_sampler import MultiDatasetSampler
from .resumable_sampler import ResumableAspectRatioBatchSampler, ResumableInfiniteSampler, SeededBatch

__all__ = ['GroupedBatchSampler', 'MultiDatasetSampler', 'ResumableAspectRatioBatchSampler',
           'ResumableInfiniteSampler', 'SeededBatch']
