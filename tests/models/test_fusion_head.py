"""OMGFusionHead: panoptic / instance / semantic outputs on hand-built logits."""
import pytest
import torch
from mmdet.models.seg_heads.panoptic_fusion_heads import MaskFormerFusionHead
from mmdet.structures import DetDataSample
from mmengine.config import ConfigDict

from seg.models.heads import OMGFusionHead

BIG = 10.0
TEST_CFG = ConfigDict(panoptic_on=True, instance_on=True, semantic_on=True, max_per_image=6,
                      iou_thr=0.8, filter_low_score=True, object_mask_thr=0.0)


def _head(**overrides):
    return OMGFusionHead(num_things_classes=2, num_stuff_classes=1,
                         test_cfg=ConfigDict(TEST_CFG, **overrides))


def _one_hot_logits(label: int, num_columns: int = 4) -> torch.Tensor:
    logits = torch.zeros(num_columns)
    logits[label] = BIG
    return logits


def _region(rows, cols, size=4):
    mask = torch.full((size, size), -BIG)
    mask[rows, cols] = BIG
    return mask


@pytest.fixture
def hand_built():
    """Queries: thing 0 top-left, a low-overlap thing 1 (loses its pixels), thing 0 bottom-right,
    stuff 2 on two regions, a background query. Classes: 0, 1 things; 2 stuff; column 3 background."""
    cls = torch.stack([_one_hot_logits(0), _one_hot_logits(1), _one_hot_logits(0), _one_hot_logits(2),
                       _one_hot_logits(3)])
    cls[1, 1] = BIG - 1  # lower score than query 0 so it loses the shared pixels
    masks = torch.stack([
        _region(slice(0, 2), slice(0, 2)),
        _region(slice(0, 2), slice(0, 3)),  # overlaps query 0 on 4 of its 6 pixels
        _region(slice(2, 4), slice(2, 4)),
        torch.where(_region(slice(0, 2), slice(0, 2)) > 0, -BIG, BIG),
        torch.full((4, 4), BIG),
    ])
    masks[3, 2:, 2:] = -BIG
    return cls, masks


def test_panoptic_ids_follow_query_order_and_skip_rejected_queries(hand_built):
    cls, masks = hand_built
    pan = _head().panoptic_postprocess(cls, masks).sem_seg[0]
    expected = torch.full((4, 4), 2, dtype=torch.int32)  # stuff class 2 fills the rest
    expected[:2, :2] = 0 + 1 * 1000
    expected[2:, 2:] = 0 + 2 * 1000  # query 1 was rejected and consumed no instance id
    assert pan.dtype == torch.int32
    assert torch.equal(pan, expected)


def test_panoptic_with_nothing_kept_is_all_void():
    cls = torch.stack([_one_hot_logits(3)] * 2)
    pan = _head().panoptic_postprocess(cls, torch.zeros(2, 4, 4)).sem_seg
    assert (pan == 3).all()


def test_vectorised_panoptic_equals_mmdet_loop_on_random_predictions():
    torch.manual_seed(0)
    for trial in range(5):
        cls = torch.randn(30, 6) * 3
        masks = torch.randn(30, 16, 16) * 4
        cfg = dict(object_mask_thr=0.3 * (trial % 2), filter_low_score=bool(trial % 3))
        ours = OMGFusionHead(num_things_classes=3, num_stuff_classes=2,
                             test_cfg=ConfigDict(TEST_CFG, **cfg))
        loop = MaskFormerFusionHead(num_things_classes=3, num_stuff_classes=2,
                                    test_cfg=ConfigDict(TEST_CFG, **cfg))
        assert torch.equal(ours.panoptic_postprocess(cls, masks).sem_seg,
                           loop.panoptic_postprocess(cls, masks).sem_seg)


def test_semantic_is_argmax_of_probability_weighted_masks(hand_built):
    cls, masks = hand_built
    sem = _head().semantic_postprocess(cls, masks).sem_seg[0]
    assert sem.shape == (4, 4)
    assert (sem[:2, :2] == 0).all() and (sem[2:, 2:] == 0).all()
    assert sem[0, 3] == 2 and sem[3, 0] == 2


def test_instances_are_top_scoring_thing_pairs_with_mask_scores(hand_built):
    cls, masks = hand_built
    inst = _head().instance_postprocess(cls, masks)
    assert (inst.labels < 2).all()  # stuff pairs are dropped after the top-k
    best = inst.scores.argmax()
    assert inst.labels[best] == 0
    assert inst.bboxes[best].tolist() in ([0, 0, 2, 2], [2, 2, 4, 4])
    assert inst.masks.dtype == torch.bool and inst.masks.shape[1:] == (4, 4)


def test_instances_with_fewer_pairs_than_max_per_image(hand_built):
    """5 queries x 3 classes = 15 pairs < max_per_image=100: all pairs are ranked, none invented."""
    cls, masks = hand_built
    head = _head(max_per_image=100)
    inst = head.instance_postprocess(cls, masks)
    thing_pairs = 5 * 2
    assert len(inst) == thing_pairs
    assert head.test_cfg['max_per_image'] == 100  # restored


def test_predict_crops_padding_and_rescales(hand_built):
    cls, masks = hand_built
    sample = DetDataSample(metainfo=dict(img_shape=(3, 3), ori_shape=(6, 6)))
    results = _head().predict(cls[None], masks[None], [sample], rescale=True)[0]
    assert set(results) == {'pan_results', 'ins_results', 'sem_results'}
    assert results['pan_results'].sem_seg.shape == (1, 6, 6)
    assert results['sem_results'].sem_seg.shape == (1, 6, 6)
    only_pan = _head(instance_on=False, semantic_on=False).predict(cls[None], masks[None], [sample])[0]
    assert set(only_pan) == {'pan_results'} and only_pan['pan_results'].sem_seg.shape == (1, 3, 3)
