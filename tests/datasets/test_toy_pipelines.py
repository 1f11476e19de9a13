"""Every toy dataset loads through its real dataset class and the pipeline of its config."""
import numpy as np
import pytest
import torch
from mmdet.registry import DATASETS
from mmdet.structures import DetDataSample, TrackDataSample

from seg.datasets.panoptic_codecs import NO_OBJ

MAX_H, MAX_W = 128, 192  # toy crop (W, H) = (192, 128)


def frames_of(sample):
    return list(sample.video_data_samples) if isinstance(sample, TrackDataSample) else [sample]


def check_frame(frame: DetDataSample, num_classes: int, num_things: int, hw, class_agnostic=False):
    inst = frame.gt_instances
    n = len(inst.labels)
    assert inst.labels.dtype == torch.int64
    assert inst.masks.masks.shape == (n, *hw) and tuple(inst.bboxes.shape) == (n, 4)
    if not class_agnostic:
        assert ((inst.labels >= 0) & (inst.labels < num_things)).all()
    sem = frame.gt_sem_seg.sem_seg
    assert sem.shape == (1, *hw) and sem.dtype == torch.int32
    values = set(torch.unique(sem).tolist())
    assert values <= set(range(num_classes)) | {NO_OBJ}
    instance_only = values == {NO_OBJ}  # YT-VIS: AddSemSeg attaches an all-void map
    for label, mask in zip(inst.labels.tolist(), inst.masks.masks):
        if mask.any() and not class_agnostic and not instance_only:
            painted = sem[0][torch.from_numpy(mask.astype(bool))]
            assert (painted == label).all()  # instance pixels carry the instance's class


@pytest.mark.parametrize('config, kind, class_agnostic', [
    ('toy_coco_panoptic', 'clip', False), ('toy_youtube_vis_2019', 'clip', False),
    ('toy_youtube_vis_2021', 'clip', False), ('toy_vipseg', 'clip', False),
    ('toy_cityscapes_panoptic', 'image', False), ('toy_ade_panoptic', 'image', False),
    ('toy_coco_panoptic_sam', 'image', True)])
def test_toy_train_pipeline(toy_config, config, kind, class_agnostic):
    cfg = toy_config(config)
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    assert len(dataset) > 0
    meta = dataset.metainfo
    num_things = len(meta.get('thing_classes', meta['classes']))
    for idx in range(min(len(dataset), 3)):
        data = dataset[idx]
        inputs, sample = data['inputs'], data['data_samples']
        assert inputs.dtype == torch.uint8
        if kind == 'clip':
            assert isinstance(sample, TrackDataSample) and inputs.ndim == 4 and inputs.shape[:2] == (2, 3)
        else:
            assert isinstance(sample, DetDataSample) and inputs.ndim == 3 and inputs.shape[0] == 3
        h, w = inputs.shape[-2:]
        assert h <= MAX_H and w <= MAX_W
        for frame in frames_of(sample):
            check_frame(frame, len(meta['classes']), num_things, (h, w), class_agnostic)
            assert frame.img_shape == (h, w)
        if kind == 'clip':
            check_track_ids(frames_of(sample))


def check_track_ids(frames):
    """Instance ids are int64 and identify the same class in every frame of the clip."""
    label_of = {}
    for frame in frames:
        ids = frame.gt_instances.instances_ids
        assert ids.dtype == torch.int64 and len(ids) == len(frame.gt_instances.labels)
        assert len(set(ids.tolist())) == len(ids)
        for i, label in zip(ids.tolist(), frame.gt_instances.labels.tolist()):
            assert label_of.setdefault(i, label) == label


def test_coco_pseudo_video_ids_follow_label_times_10000(toy_config):
    dataset = DATASETS.build(toy_config('toy_coco_panoptic').train_dataloader.dataset)
    for idx in range(3):
        frames = frames_of(dataset[idx]['data_samples'])
        for frame in frames:
            ids, labels = frame.gt_instances.instances_ids, frame.gt_instances.labels
            assert ((ids // 10000) == labels).all() and (ids % 10000 >= 1).all()


@pytest.mark.parametrize('config', ['toy_coco_panoptic', 'toy_youtube_vis_2019', 'toy_vipseg', 'toy_davis'])
def test_toy_test_pipeline(toy_config, config):
    cfg = toy_config(config)
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    data = dataset[0]
    sample = data['data_samples']
    if isinstance(sample, TrackDataSample):
        video = dataset.get_data_info(0)
        assert data['inputs'].shape[0] == len(sample) == video['video_length']
        assert max(data['inputs'].shape[-2:]) <= MAX_W
    if config == 'toy_vipseg':  # evaluated at the resized resolution
        frame = sample.video_data_samples[0]
        assert frame.ori_shape == frame.img_shape and frame.scale_factor == (1.0, 1.0)
        assert frame.gt_sem_seg.sem_seg.shape[-2:] == frame.img_shape
    if config == 'toy_davis':  # GT at the original size, every object a class-agnostic instance
        frame = sample.video_data_samples[0]
        assert frame.gt_instances.masks.masks.shape[-2:] == frame.ori_shape
        assert (frame.gt_instances.labels == 0).all() and len(frame.gt_instances.labels) > 0


def test_vipseg_frames_are_all_kept_and_ids_are_panoptic(toy_config):
    cfg = toy_config('toy_vipseg')
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    video = dataset.get_data_info(0)
    assert video['video_length'] == len(video['images']) > 2
    assert video['images'][1]['img_id'] == video['video_id'] * 10000 + 1
    frame = frames_of(dataset[0]['data_samples'])[0]
    ids = frame.gt_instances.instances_ids
    np.testing.assert_array_equal((ids // 10000).numpy(), frame.gt_instances.labels.numpy())


def test_coco_ov_instances_use_open_vocabulary_names(toy_root):
    from seg.datasets import CocoOVDataset
    dataset = CocoOVDataset(data_root=str(toy_root / 'coco'), ann_file='annotations/instances_train2017.json',
                            data_prefix=dict(img='train2017/'), pipeline=[])
    assert dataset.dataset_name == 'CocoOVDataset'
    classes = dataset.metainfo['classes']
    assert classes[0].startswith('person,child') and len(classes) == 80
    labels = [inst['bbox_label'] for i in range(len(dataset))
              for inst in dataset.get_data_info(i)['instances']]
    assert labels and all(0 <= label < 80 for label in labels)
    assert CocoOVDataset.METAINFO['classes'][0].startswith('person,child')  # class level left unchanged
