"""ConcatOVDataset on the toy co-training configs: merged metainfo, label remap, tags, batching."""
import random

import numpy as np
import torch
from mmdet.registry import DATASETS
from mmengine.runner import Runner

from seg.datasets.class_names import load_class_names
from seg.datasets.panoptic_codecs import NO_OBJ
from seg.datasets.vocabulary_merge import merge_vocabularies


def frames(sample):
    return list(sample.video_data_samples) if hasattr(sample, 'video_data_samples') else [sample]


def seeded(fn, seed=0):
    random.seed(seed)
    np.random.seed(seed)
    return fn()


def test_toy_cotrain_metainfo_and_names(toy_config):
    dataset = DATASETS.build(toy_config('toy_cotrain').train_dataloader.dataset)
    names = ('coco_panoptic_ov', 'youtube_vis_2019', 'vipseg')
    expected = merge_vocabularies([load_class_names(n) for n in names])
    meta = dataset.metainfo
    assert tuple(meta['classes']) == expected.classes
    assert tuple(meta['thing_classes']) == expected.thing_classes
    assert dataset.dataset_name == 'Concat_CocoPanopticOVDataset_YouTubeVISDataset_2019_VIPSegDataset'
    assert meta['dataset_names'] == ['CocoPanopticOVDataset', 'YouTubeVISDataset_2019', 'VIPSegDataset']
    assert [dataset.group_key(dataset.cumulative_sizes[i] - 1) for i in range(3)] == ['video/coco'] * 3


def test_labels_and_semantic_maps_are_remapped(toy_config):
    dataset = DATASETS.build(toy_config('toy_cotrain').train_dataloader.dataset)
    for component in range(3):
        start = dataset.cumulative_sizes[component - 1] if component else 0
        table = dict(dataset.metainfo['mapper'][component])
        own = seeded(lambda: dataset.datasets[component][0])
        merged = seeded(lambda: dataset[start])
        for own_frame, merged_frame in zip(frames(own['data_samples']), frames(merged['data_samples'])):
            expected = [table[label] for label in own_frame.gt_instances.labels.tolist()]
            assert merged_frame.gt_instances.labels.tolist() == expected
            own_sem = own_frame.gt_sem_seg.sem_seg
            expected_sem = own_sem.clone().apply_(lambda v: table[v])  # per-pixel reference remap
            assert torch.equal(merged_frame.gt_sem_seg.sem_seg, expected_sem)
            assert merged_frame.data_tag == 'coco'


def test_sam_component_is_class_agnostic(toy_config):
    dataset = DATASETS.build(toy_config('toy_cotrain_all').train_dataloader.dataset)
    assert dataset.data_tags[-1] == 'sam'
    assert len(dataset.metainfo['classes']) == len(load_class_names('th139_st101').classes)
    sam_index = dataset.cumulative_sizes[-1] - 1
    assert dataset.group_key(sam_index) == 'image/sam'
    sample = dataset[sam_index]['data_samples']
    assert sample.data_tag == 'sam'
    assert (sample.gt_instances.labels == -1).all() and len(sample.gt_instances.labels) > 0
    assert set(torch.unique(sample.gt_sem_seg.sem_seg).tolist()) <= {-1, NO_OBJ}
    city_index = dataset.cumulative_sizes[-2] - 1
    assert dataset.group_key(city_index) == 'image/coco'


def test_toy_cotrain_dataloader_batches_are_pure(toy_config):
    cfg = toy_config('toy_cotrain_all').train_dataloader
    cfg.batch_size = 2
    cfg.sampler = dict(type='MultiDatasetSampler', ratios=[1, 1, 1, 1, 1, 1], num_samples=24, seed=0)
    loader = Runner.build_dataloader(cfg, seed=0)
    seen = set()
    for batch in loader:
        samples = batch['data_samples']
        assert len(samples) == 2
        kinds = {(type(s).__name__, s.data_tag) for s in samples}
        assert len(kinds) == 1
        seen |= kinds
        shapes = {tuple(x.shape[:-2]) for x in batch['inputs']}
        assert len(shapes) == 1
    assert {('TrackDataSample', 'coco'), ('DetDataSample', 'sam')} <= seen
