"""``ConcatOVDataset``: concatenation of datasets with merged vocabularies and per-dataset label remap."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from mmdet.datasets import BaseVideoDataset
from mmdet.registry import DATASETS
from mmengine.dataset import BaseDataset, ConcatDataset

from .class_names import ClassNames
from .vocabulary_merge import lookup_table, merge_vocabularies, remap_labels

DATA_TAGS = ('coco', 'sam')
CLASS_AGNOSTIC_TAG = 'sam'


def unwrap(dataset):
    """The innermost dataset under Repeat/ClassBalanced wrappers."""
    while not isinstance(dataset, BaseDataset) and hasattr(dataset, 'dataset'):
        dataset = dataset.dataset
    return dataset


def dataset_vocabulary(dataset) -> ClassNames | None:
    """Things/stuff of a dataset (all ``classes`` as things without a split); None if it has no classes."""
    meta = dataset.metainfo
    if meta.get('classes') is None:
        return None
    if 'thing_classes' in meta:
        return ClassNames(tuple(meta['thing_classes']), tuple(meta.get('stuff_classes', ())))
    return ClassNames(tuple(meta['classes']), ())


def dataset_name(dataset) -> str:
    """``dataset_name`` attribute of the wrapped dataset, else its class name."""
    inner = unwrap(dataset)
    return getattr(inner, 'dataset_name', None) or type(inner).__name__


def yields_clips(dataset) -> bool:
    """Whether samples are clips (video dataset or a pipeline transform that makes clips)."""
    inner = unwrap(dataset)
    if isinstance(inner, BaseVideoDataset):
        return True
    transforms = getattr(getattr(inner, 'pipeline', None), 'transforms', [])
    return any(getattr(t, 'produces_clip', False) for t in transforms)


@DATASETS.register_module()
class ConcatOVDataset(ConcatDataset):
    """Concatenate datasets, merge their class lists (DATA.md §6.2) and remap every sample's labels.

    Args:
        datasets: dataset configs or instances (typically ``RepeatDataset``-wrapped).
        data_tag: one tag per dataset, ``'coco'`` (normal) or ``'sam'`` (class-agnostic prompts);
            default all ``'coco'``.
        lazy_init: defer loading the annotations of the components.

    Metainfo: ``classes``, ``thing_classes``, ``stuff_classes``, ``mapper`` (one dict per dataset),
    ``dataset_names``. Each sample gets ``data_tag`` in its data sample(s) metainfo.
    """

    def __init__(self, datasets: Sequence[BaseDataset | dict], data_tag: Sequence[str] | None = None,
                 lazy_init: bool = False):
        built = [DATASETS.build(d) if isinstance(d, dict) else d for d in datasets]
        if not built:
            raise ValueError('ConcatOVDataset needs at least one dataset')
        # mmengine's ConcatDataset.__init__ rejects wrapped datasets and requires equal metainfo;
        # we set its state directly (``full_init`` then builds the torch ConcatDataset index).
        self.datasets = built
        self.ignore_keys = []
        self._fully_initialized = False
        self.data_tags = tuple(data_tag) if data_tag is not None else ('coco',) * len(built)
        if len(self.data_tags) != len(built) or any(t not in DATA_TAGS for t in self.data_tags):
            raise ValueError(f'data_tag must give one of {DATA_TAGS} per dataset ({len(built)}), '
                             f'got {data_tag!r}')
        vocabularies = [None if tag == CLASS_AGNOSTIC_TAG else dataset_vocabulary(d)
                        for d, tag in zip(built, self.data_tags)]
        merged = merge_vocabularies(vocabularies)
        self.lookup_tables = [lookup_table(m) for m in merged.label_maps]
        names = [dataset_name(d) for d, v in zip(built, vocabularies) if v is not None]
        self.dataset_name = names[0] if len(names) == 1 else 'Concat_' + '_'.join(names)
        self.sample_kinds = tuple('video' if yields_clips(d) else 'image' for d in built)
        self._metainfo = dict(classes=merged.classes, thing_classes=merged.thing_classes,
                              stuff_classes=merged.stuff_classes, mapper=list(merged.label_maps),
                              dataset_names=[dataset_name(d) for d in built])
        if not lazy_init:
            self.full_init()

    def dataset_index(self, idx: int) -> int:
        """Index of the component dataset that global index ``idx`` falls in."""
        return self._get_ori_dataset_idx(idx)[0]

    def group_key(self, idx: int) -> str:
        """Batch-compatibility key of a sample: ``'<image|video>/<data_tag>'``."""
        dataset_idx = self.dataset_index(idx)
        return f'{self.sample_kinds[dataset_idx]}/{self.data_tags[dataset_idx]}'

    def __getitem__(self, idx: int) -> dict:
        """Sample of the component dataset with labels remapped into the merged vocabulary."""
        if not self._fully_initialized:
            self.full_init()
        dataset_idx, sample_idx = self._get_ori_dataset_idx(idx)
        data = self.datasets[dataset_idx][sample_idx]
        name = self._metainfo['dataset_names'][dataset_idx]
        for sample in frame_samples(data['data_samples']):
            remap_sample(sample, self.lookup_tables[dataset_idx], f'{name} sample {sample_idx}')
            sample.set_metainfo(dict(data_tag=self.data_tags[dataset_idx]))
        if hasattr(data['data_samples'], 'video_data_samples'):
            data['data_samples'].set_metainfo(dict(data_tag=self.data_tags[dataset_idx]))
        return data


def frame_samples(data_samples) -> list:
    """The per-image ``DetDataSample``s of a packed sample (one, or one per clip frame)."""
    if hasattr(data_samples, 'video_data_samples'):
        return list(data_samples.video_data_samples)
    return [data_samples]


def remap_sample(sample, table: np.ndarray, what: str) -> None:
    """Rewrite instance labels and semantic-map pixels of one ``DetDataSample`` through ``table``."""
    for field in ('gt_instances', 'ignored_instances'):
        instances = sample.get(field)
        if instances is not None and 'labels' in instances:
            labels = instances.labels
            instances.labels = torch.from_numpy(remap_labels(labels.numpy(), table, f'{what} {field}')).to(
                labels.dtype)
    sem_seg = sample.get('gt_sem_seg')
    if sem_seg is not None:
        values = sem_seg.sem_seg
        sem_seg.sem_seg = torch.from_numpy(remap_labels(values.numpy(), table, f'{what} gt_sem_seg')).to(
            values.dtype)
