"""A short toy training on 'sam' batches teaches the tiny model to segment the clicked object."""
import numpy as np
import pytest
import torch
from mmdet.structures import DetDataSample, TrackDataSample
from mmdet.structures.mask import BitmapMasks
from mmengine.structures import InstanceData

from seg.models.query_generators import make_prompts
from tests.models.prompts.prompt_test_utils import build_interactive_model

SIZE = 64
CLICKS = torch.tensor([[20., 18.], [45., 48.]])  # inside object 0 and object 1


def _scene(shift: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A 64 x 64 noise image with a bright and a dark rectangle moved by ``shift`` px, and their masks."""
    rng = np.random.default_rng(0)
    image = rng.integers(0, 255, size=(3, SIZE, SIZE), dtype=np.uint8)
    masks = np.zeros((2, SIZE, SIZE), np.uint8)
    masks[0, 6 + shift:30 + shift, 6 + shift:36 + shift] = 1
    masks[1, 36 - shift:60 - shift, 30 - shift:60 - shift] = 1
    image[:, masks[0] > 0] = 220
    image[:, masks[1] > 0] = 30
    return image, masks


def _two_object_image(shift: int = 0) -> dict:
    """The scene as a 'sam' training sample (the two rectangles are the GT instances)."""
    image, masks = _scene(shift)
    sample = DetDataSample(metainfo=dict(img_shape=(SIZE, SIZE), ori_shape=(SIZE, SIZE), img_path='toy.jpg',
                                         scale_factor=(1.0, 1.0), data_tag='sam'))
    sample.gt_instances = InstanceData(labels=torch.tensor([-1, -1]), masks=BitmapMasks(masks, SIZE, SIZE),
                                       bboxes=torch.tensor([[6., 6., 36., 30.], [30., 36., 60., 60.]]))
    return dict(inputs=[torch.from_numpy(image)], data_samples=[sample])


def _click_ious(model) -> torch.Tensor:
    """IoU of the mask answering each click with the clicked object's GT mask."""
    model.eval()
    batch = _two_object_image()
    gt = torch.from_numpy(batch['data_samples'][0].gt_instances.masks.masks).bool()
    batch['data_samples'][0].prompts = make_prompts(points=CLICKS)
    data = model.data_preprocessor(batch, False)
    with torch.no_grad():
        masks = model(**data, mode='predict')[0].pred_instances.masks
    inter = (masks & gt).flatten(1).sum(-1).float()
    union = (masks | gt).flatten(1).sum(-1).float()
    return inter / union.clamp(min=1)


@pytest.fixture(scope='module')
def trained():
    """(model trained 120 steps on the scene, objects at 4 positions; click IoUs before training)."""
    model = build_interactive_model(seed=0)
    model.panoptic_head.prompt_sampler.num_prompts = 8
    untrained = _click_ious(model)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3)
    for step in range(120):
        model.train()
        data = model.data_preprocessor(_two_object_image(shift=step % 4), True)
        loss = sum(model(**data, mode='loss').values())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model, untrained


def test_click_inside_a_toy_object_segments_that_object_after_a_short_training(trained):
    model, untrained = trained
    ious = _click_ious(model)
    assert untrained.mean() < 0.3, untrained
    assert ious.min() > 0.6 and ious.mean() > 0.7, (untrained, ious)


def _toy_video(num_frames: int = 4, ids=(3, 7)) -> tuple[dict, list[np.ndarray]]:
    """The scene with the objects drifting 1 px per frame, as a packed video with first-frame GT ids."""
    frames, all_masks, samples = [], [], []
    for index in range(num_frames):
        image, masks = _scene(shift=index)
        frames.append(torch.from_numpy(image))
        all_masks.append(masks)
        sample = DetDataSample(metainfo=dict(img_shape=(SIZE, SIZE), ori_shape=(SIZE, SIZE), frame_id=index,
                                             img_path=f'video/{index:05d}.jpg', scale_factor=(1.0, 1.0)))
        sample.gt_instances = InstanceData(labels=torch.zeros(2, dtype=torch.long),
                                           masks=BitmapMasks(masks, SIZE, SIZE),
                                           instances_ids=torch.tensor(ids))
        samples.append(sample)
    video = TrackDataSample()
    video.video_data_samples = samples
    return dict(inputs=[torch.stack(frames)], data_samples=[video]), all_masks


def test_prompt_vos_follows_each_object_and_keeps_its_id_over_a_toy_video(trained):
    model, _ = trained
    vos = build_interactive_model(type='OMGSegVOS', vos_mode='prompt')
    vos.load_state_dict(model.state_dict())
    vos.eval()
    batch, gt_masks = _toy_video()
    data = vos.data_preprocessor(batch, False)
    with torch.no_grad():
        frames = vos(**data, mode='predict')[0].video_data_samples
    for frame, masks in zip(frames, gt_masks):
        id_map = frame.pred_track_proposal
        assert set(id_map.unique().tolist()) <= {0, 3, 7}
        for obj_id, mask in zip((3, 7), torch.from_numpy(masks).bool()):
            predicted = id_map == obj_id
            iou = (predicted & mask).sum() / (predicted | mask).sum().clamp(min=1)
            assert iou > 0.6, (frame.metainfo['frame_id'], obj_id, float(iou))
