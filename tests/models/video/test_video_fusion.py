"""Per-frame video post-processing: query-index track ids, per-video instance selection, chunked semantics."""
import pytest
import torch
import torch.nn.functional as F
from mmdet.evaluation.functional import INSTANCE_OFFSET

from seg.models.heads import frame_instances, frame_panoptic, frame_semantic
from seg.models.heads.video_fusion import select_video_instances, upsample_frame_masks

META = dict(batch_input_shape=(16, 16), img_shape=(12, 16), ori_shape=(24, 32))
NUM_CLASSES = 12  # toy: 8 things + 4 stuff


def class_logits(labels):
    """Logits (Q, 13) that put ~all probability on the given label (12 = background)."""
    logits = torch.full((len(labels), NUM_CLASSES + 1), -20.0)
    logits[torch.arange(len(labels)), torch.tensor(labels)] = 20.0
    return logits


def box_logits(boxes, size=4):
    """Low-resolution mask logits (Q, size, size): +20 inside each (y0, y1, x0, x1) box, -20 outside."""
    masks = torch.full((len(boxes), size, size), -20.0)
    for q, box in enumerate(boxes):
        if box is not None:
            y0, y1, x0, x1 = box
            masks[q, y0:y1, x0:x1] = 20.0
    return masks


def test_upsampling_crops_the_padding_and_rescales_to_the_original_size():
    masks = box_logits([(0, 2, 0, 2)])
    out = upsample_frame_masks(masks, META, rescale=True)
    assert out.shape == (1, 24, 32)
    assert out[0, 0, 0] > 0 and out[0, -1, -1] < 0
    assert upsample_frame_masks(masks[:0], META, rescale=False).shape == (0, 12, 16)


def test_panoptic_thing_ids_are_query_indices_and_survive_other_tracks_vanishing(video_model):
    fusion = video_model.panoptic_fusion_head
    cls = class_logits([1, 12, 3, 9])  # query 1 is background, query 3 is stuff
    frames = [box_logits([(0, 2, 0, 2), None, (2, 3, 2, 4), (0, 1, 2, 4)]),
              box_logits([None, None, (2, 3, 2, 4), (0, 1, 2, 4)])]  # query 0's object left the video
    maps = [frame_panoptic(fusion, cls, masks, META, rescale=False).sem_seg[0] for masks in frames]
    track_3 = 3 + 3 * INSTANCE_OFFSET  # label 3, query index 2 -> id (2 + 1)
    assert set(maps[0].unique().tolist()) == {1 + 1 * INSTANCE_OFFSET, track_3, 9, NUM_CLASSES}
    assert set(maps[1].unique().tolist()) == {track_3, 9, NUM_CLASSES}
    assert (maps[0] == track_3).sum() == (maps[1] == track_3).sum() > 0


def test_instances_are_selected_once_per_video_with_stable_ids():
    cls = class_logits([1, 3, 9])
    cls[0, 2] = 19.0  # query 0: second, weaker thing class
    selection = select_video_instances(cls, num_things=8, max_per_video=4)
    assert selection.queries.tolist() == [1, 0, 0]  # stuff pair (query 2, class 9) dropped
    assert selection.labels.tolist() == [3, 1, 2]
    probs = F.softmax(cls, dim=-1)
    assert torch.allclose(selection.scores, probs[[1, 0, 0], [3, 1, 2]])
    first = frame_instances(selection, box_logits([(0, 2, 0, 2), (2, 4, 2, 4), None]), META, rescale=False)
    second = frame_instances(selection, box_logits([None, (2, 4, 2, 4), None]), META, rescale=False)
    for result in (first, second):
        assert result.instances_id.tolist() == [1, 2, 3] and result.labels.tolist() == [3, 1, 2]
        assert result.masks.shape == (3, 12, 16)
    assert torch.allclose(first.scores, selection.scores, atol=0.02)  # mask score ~1 inside the boxes
    assert (first.scores <= selection.scores).all()
    assert second.masks[1].sum() == 0 and second.scores[1] == 0
    assert first.bboxes[1].tolist() == [0.0, 0.0, 8.0, 8.0]


def test_chunked_semantic_inference_equals_the_image_fusion(video_model):
    generator = torch.Generator().manual_seed(0)
    cls = torch.randn(7, NUM_CLASSES + 1, generator=generator)
    masks = torch.randn(7, 4, 4, generator=generator)
    chunked = frame_semantic(cls, masks, META, rescale=True, chunk=3).sem_seg
    full = video_model.panoptic_fusion_head.semantic_postprocess(
        cls, upsample_frame_masks(masks, META, rescale=True)).sem_seg
    assert chunked.shape == (1, 24, 32) and torch.equal(chunked, full)


def test_reference_track_ids_count_survivors_per_frame(video_model):
    """test_cfg.panoptic_track_ids='frame_count' (reference): the same query gets id 2 then id 1 when the
    other thing vanishes."""
    fusion = video_model.panoptic_fusion_head
    cls = class_logits([1, 12, 3, 9])
    frames = [box_logits([(0, 2, 0, 2), None, (2, 3, 2, 4), (0, 1, 2, 4)]),
              box_logits([None, None, (2, 3, 2, 4), (0, 1, 2, 4)])]
    with fusion.test_cfg_overrides(panoptic_track_ids='frame_count'):
        maps = [frame_panoptic(fusion, cls, masks, META, rescale=False).sem_seg[0] for masks in frames]
    assert 3 + 2 * INSTANCE_OFFSET in maps[0].unique().tolist()
    assert 3 + 1 * INSTANCE_OFFSET in maps[1].unique().tolist()
    with fusion.test_cfg_overrides(panoptic_track_ids='per_frame'):
        with pytest.raises(ValueError, match='panoptic_track_ids'):
            frame_panoptic(fusion, cls, frames[0], META, rescale=False)
