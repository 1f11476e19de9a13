"""Transforms: PNG decoding, panoptic loading, clip sampling, copying, filtering, shared augmentation."""
import random

import numpy as np
import pytest
from mmdet.registry import DATASETS
from mmdet.structures.mask import BitmapMasks
from PIL import Image

from seg.datasets.panoptic_codecs import NO_OBJ, decode_davis, decode_vipseg
from seg.datasets.transforms import (
    AddSemSeg,
    FilterAnnotationsHB,
    ImageCopy,
    LoadPanopticAnnotationsHB,
    ResizeOri,
    VideoClipSample,
)


def test_decode_vipseg_hand_computed():
    # 0/200 void; 1 -> official 0 'wall' (stuff label 58); 301 -> official 2 'door' (thing 0) instance 1;
    # 12402 -> official 123 'train' (thing 57) instance 2
    raw = np.array([[0, 1, 200], [301, 301, 12402]], dtype=np.uint16)
    ids, segments = decode_vipseg(raw)
    np.testing.assert_array_equal(ids, [[-1, 580000, -1], [2, 2, 570003]])
    assert segments == [dict(id=2, category=0, is_thing=True), dict(id=570003, category=57, is_thing=True),
                        dict(id=580000, category=58, is_thing=False)]


def test_decode_davis_palette_and_colour():
    ids, segments = decode_davis(np.array([[0, 1], [2, 2]], dtype=np.uint8))
    assert [s['id'] for s in segments] == [1, 2] and all(s['category'] == 0 for s in segments)
    rgb = np.zeros((1, 2, 3), dtype=np.uint8)
    rgb[0, 1] = (128, 0, 3)
    ids, segments = decode_davis(rgb)
    assert ids.tolist() == [[-1, 128_000_003]] and len(segments) == 1


def test_load_panoptic_annotations_int32_no_obj(tmp_path):
    ids = np.zeros((4, 6), dtype=np.int64)
    ids[:2, :3] = 5           # thing segment
    ids[2:, :] = 300          # stuff segment (id 300 = (44, 1, 0) in RGB)
    rgb = np.stack([ids % 256, ids // 256 % 256, ids // 65536], -1).astype(np.uint8)
    path = tmp_path / 'pan.png'
    Image.fromarray(rgb).save(path)
    results = dict(seg_map_path=str(path), ori_shape=(4, 6), img_id=1, img_path='x.jpg',
                   instances=[dict(bbox=[0, 0, 3, 2], bbox_label=7, ignore_flag=0)],
                   segments_info=[dict(id=5, category=7, is_thing=True),
                                  dict(id=300, category=140, is_thing=False)])
    out = LoadPanopticAnnotationsHB(with_bbox=True, with_mask=True, with_seg=True).transform(results)
    sem = out['gt_seg_map']
    assert sem.dtype == np.int32
    expected = np.full((4, 6), NO_OBJ)
    expected[:2, :3] = 7
    expected[2:] = 140
    np.testing.assert_array_equal(sem, expected)
    assert out['gt_masks'].masks.shape == (1, 4, 6) and out['gt_masks'].masks[0].sum() == 6
    assert out['gt_bboxes_labels'].tolist() == [7]


def video(length):
    return dict(video_id=3, video_length=length,
                images=[dict(img_id=i, frame_id=i, img_path=f'{i}.jpg') for i in range(length)])


def test_video_clip_sample_frames_and_rejection():
    sampler = VideoClipSample(num_selected=2, interval=2)
    assert sampler.span == 3
    assert sampler.transform(video(2)) is None
    random.seed(0)
    starts = set()
    for _ in range(200):
        clip = sampler.transform(video(5))
        first, second = clip['frame_id']
        assert second == first + 2
        assert clip['video_id'] == [3, 3] and clip['video_length'] == [2, 2]
        assert clip['ori_video_length'] == [5, 5]
        starts.add(first)
    assert starts == {0, 1, 2}


def test_image_copy_track_ids():
    results = dict(img=np.zeros((2, 2, 3), np.uint8), img_id=9, gt_bboxes_labels=np.array([3, 0, 3]))
    clip = ImageCopy(num_frames=2).transform(results)
    assert clip['frame_id'] == [0, 1] and clip['video_id'] == [9, 9]
    for ids in clip['gt_instances_ids']:
        assert ids.tolist() == [30001, 2, 30003]
    assert clip['img'][0] is not clip['img'][1]


def test_filter_annotations_by_mask_area():
    masks = np.zeros((2, 10, 10), np.uint8)
    masks[0, :5, :7] = 1   # 35 px: kept
    masks[1, :3, :3] = 1   # 9 px: ignored
    out = FilterAnnotationsHB(min_gt_mask_area=32).transform(dict(gt_masks=BitmapMasks(masks, 10, 10),
                                                                  gt_ignore_flags=np.zeros(2, bool)))
    assert out['gt_ignore_flags'].tolist() == [False, True]
    tiny = BitmapMasks(masks[1:], 10, 10)
    assert FilterAnnotationsHB(min_gt_mask_area=32).transform(dict(gt_masks=tiny)) is None


def test_add_sem_seg_and_resize_ori():
    out = AddSemSeg().transform(dict(img=np.zeros((3, 4, 3), np.uint8)))
    assert out['gt_seg_map'].dtype == np.int32 and (out['gt_seg_map'] == NO_OBJ).all()
    assert out['gt_seg_map'].shape == (3, 4)
    out = ResizeOri().transform(dict(img_shape=(5, 6), ori_shape=(10, 12), scale_factor=(0.5, 0.5)))
    assert out['ori_shape'] == (5, 6) and out['scale_factor'] == (1.0, 1.0)


@pytest.mark.parametrize('config', ['toy_youtube_vis_2019', 'toy_vipseg', 'toy_coco_panoptic'])
def test_clip_frames_share_flip_and_scale(toy_config, config):
    dataset = DATASETS.build(toy_config(config).train_dataloader.dataset)
    flips = set()
    for seed in range(6):
        random.seed(seed)
        np.random.seed(seed)
        first, second = dataset[seed % len(dataset)]['data_samples'].video_data_samples
        assert first.flip == second.flip and first.scale_factor == second.scale_factor
        if config != 'toy_coco_panoptic':  # real clips: one crop window for all frames
            assert first.img_shape == second.img_shape
        flips.add(first.flip)
    assert flips == {True, False}
