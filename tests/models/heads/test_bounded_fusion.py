"""Bounded (streamed) fusion equals the vectorised fusion exactly, on random low-resolution logits."""
import pytest
import torch
import torch.nn.functional as F
from mmdet.models.seg_heads.panoptic_fusion_heads import MaskFormerFusionHead
from mmdet.structures import DetDataSample
from mmengine.config import ConfigDict

from seg.models.heads import OMGFusionHead
from seg.models.heads.query_masks import QueryMasks, resample_through

NUM_THINGS, NUM_STUFF = 4, 3
# padded input 64x96 (logits at 1/4), image 58x90 inside the padding, original 117x181 (odd sizes)
META = dict(batch_input_shape=(64, 96), img_shape=(58, 90), ori_shape=(117, 181))


def _heads(**cfg):
    test_cfg = ConfigDict(dict(panoptic_on=True, instance_on=True, semantic_on=True, max_per_image=12,
                               iou_thr=0.8, filter_low_score=True, object_mask_thr=0.0), **cfg)
    return [OMGFusionHead(num_things_classes=NUM_THINGS, num_stuff_classes=NUM_STUFF, test_cfg=test_cfg,
                          fusion_mode=mode) for mode in ('bounded', 'vectorised')]


def _random_predictions(seed: int, num_queries: int = 23):
    """Class logits (Q, N+1) and 1/4-resolution mask logits (Q, 16, 24), with ties: duplicated queries
    (identical masks and scores), a mask identical to another with a lower score, flat masks."""
    generator = torch.Generator().manual_seed(seed)
    cls = torch.randn(num_queries, NUM_THINGS + NUM_STUFF + 1, generator=generator) * 3
    masks = torch.randn(num_queries, 16, 24, generator=generator) * 4
    cls[5], masks[5] = cls[2], masks[2]          # exact duplicate: the first one must win every tie
    masks[7] = masks[3]                          # same mask, different class score
    masks[9] = 0.0                               # probability exactly 0.5 everywhere
    masks[11] = -30.0                            # probability ~0: ties at value 0 between queries
    masks[12] = -30.0
    return cls, masks


@pytest.mark.parametrize('seed', [0, 1, 2, 3])
@pytest.mark.parametrize('rescale', [True, False])
@pytest.mark.parametrize('cfg', [dict(), dict(object_mask_thr=0.4, filter_low_score=False),
                                 dict(iou_thr=0.5, max_per_image=200)])
def test_bounded_fusion_equals_vectorised(seed, rescale, cfg):
    cls, low = _random_predictions(seed)
    bounded, vectorised = _heads(**cfg)
    sample = DetDataSample(metainfo=META)
    # small chunks: several queries per chunk and a last partial chunk
    masks = QueryMasks.from_meta(low, META, rescale, chunk_elements=5 * 117 * 181)
    assert 1 < masks.chunk_size < len(low)
    ours = {'pan': bounded.panoptic_postprocess(cls, masks).sem_seg,
            'ins': bounded.instance_postprocess(cls, masks),
            'sem': bounded.semantic_postprocess(cls, masks).sem_seg}
    # the reference: whole (Q, Hp, Wp) tensor upsampled at once, as the head's predict did
    padded = F.interpolate(low[None], size=META['batch_input_shape'], mode='bilinear', align_corners=False)
    reference = vectorised.predict(cls[None], padded, [sample], rescale=rescale)[0]
    assert ours['pan'].dtype == torch.int32
    assert torch.equal(ours['pan'], reference['pan_results'].sem_seg)
    assert torch.equal(ours['sem'], reference['sem_results'].sem_seg)
    for key in ('masks', 'labels', 'scores', 'bboxes'):
        assert torch.equal(getattr(ours['ins'], key), getattr(reference['ins_results'], key)), key
    # the default predict path from low-resolution logits gives the same
    streamed = bounded.predict(cls[None], low[None], [sample], rescale=rescale)[0]
    assert torch.equal(streamed['pan_results'].sem_seg, ours['pan'])


def test_ties_go_to_the_first_query_and_duplicates_are_rejected():
    """Identical queries 0 and 1: query 0 owns every pixel, query 1 has no area and gets no id."""
    cls = torch.zeros(3, NUM_THINGS + NUM_STUFF + 1)
    cls[:2, 0] = cls[2, 5] = 10.0
    low = torch.full((3, 16, 24), -10.0)
    low[:2, :8] = 10.0
    low[2, 8:] = 10.0
    for head in _heads():
        pan = head.panoptic_postprocess(cls, QueryMasks.from_meta(low, META, True)).sem_seg[0]
        assert set(pan.unique().tolist()) == {0 + 1000, 5}


def test_vectorised_fusion_matches_mmdet_up_to_float_rounding():
    """Per-query sigmoid / mask scores (for exact bounded = vectorised) change mmdet's values by ulps only."""
    cls, low = _random_predictions(0)
    full = QueryMasks.from_meta(low, META, True).full()
    head = _heads()[1]
    mmdet_head = MaskFormerFusionHead(num_things_classes=NUM_THINGS, num_stuff_classes=NUM_STUFF,
                                      test_cfg=head.test_cfg)
    assert torch.equal(head.panoptic_postprocess(cls, full).sem_seg,
                       mmdet_head.panoptic_postprocess(cls, full).sem_seg)
    ours, theirs = head.instance_postprocess(cls, full), mmdet_head.instance_postprocess(cls, full)
    assert torch.equal(ours.masks, theirs.masks) and torch.equal(ours.labels, theirs.labels)
    torch.testing.assert_close(ours.scores, theirs.scores, rtol=1e-5, atol=1e-6)
    # semantic: groups of queries instead of one einsum over all of them
    probs = F.softmax(cls, -1)[:, :-1]
    sums = torch.einsum('qc,qhw->chw', probs, full.sigmoid())
    sem = head.semantic_postprocess(cls, full).sem_seg[0]
    top2 = sums.topk(2, dim=0).values
    clear = (top2[0] - top2[1]) > 1e-5
    assert torch.equal(sem[clear], sums.argmax(0)[clear])


def test_instance_score_threshold_drops_low_scores_only():
    cls, low = _random_predictions(1)
    head = _heads()[0]
    masks = QueryMasks.from_meta(low, META, True)
    every = head.instance_postprocess(cls, masks)
    threshold = float(every.scores.median())
    kept = head.instance_postprocess(cls, masks, score_thr=threshold)
    expected = every[every.scores >= threshold]
    assert 0 < len(kept) < len(every)
    for key in ('masks', 'labels', 'scores', 'bboxes'):
        assert torch.equal(getattr(kept, key), getattr(expected, key)), key


def test_query_chunks_resample_exactly_like_the_whole_tensor():
    _, low = _random_predictions(2)
    whole = QueryMasks.from_meta(low, META, True, chunk_elements=10 ** 9)
    single = QueryMasks.from_meta(low, META, True, chunk_elements=1)
    assert whole.chunk_size >= len(low) and single.chunk_size == 1
    reference = whole.full()
    assert reference.shape == (len(low), 117, 181)
    streamed = torch.cat([logits for _, logits in single.chunks()])
    assert torch.equal(streamed, reference)
    picked = torch.tensor([3, 0, 17])
    assert torch.equal(torch.cat([logits for _, logits in single.chunks(picked)]), reference[picked])


def test_resample_through_equals_two_whole_tensor_resizes():
    low = torch.randn(1, 150, 16, 24, generator=torch.Generator().manual_seed(3)) * 4
    padded = F.interpolate(low, size=(64, 96), mode='bilinear', align_corners=False)
    expected = F.interpolate(padded, size=(5, 7), mode='bilinear', align_corners=False)  # downsampling
    streamed = resample_through(low, (5, 7), via=(64, 96), chunk_elements=3 * 64 * 96)  # chunks 64 + 86
    assert torch.equal(streamed, expected)


def test_streamed_segment_scores_equal_the_dense_iou_formula():
    from seg.apis.results import segment_scores
    cls, low = _random_predictions(0)
    head = _heads()[0]
    masks = QueryMasks.from_meta(low, META, True, chunk_elements=3 * 117 * 181)
    pan = head.panoptic_postprocess(cls, masks).sem_seg[0]
    ids = pan.unique()
    ids = ids[ids != NUM_THINGS + NUM_STUFF].long()
    segments = pan[None] == ids[:, None, None]
    labels = ids % 1000
    probs = F.softmax(cls, -1)[:, :-1]
    # the former dense computation: float matmul of all binary query masks at full size
    dense, queries = segments.flatten(1).float(), (masks.full() > 0).flatten(1).float()
    inter = dense @ queries.T
    iou = inter / (dense.sum(1, keepdim=True) + queries.sum(1)[None] - inter).clamp(min=1)
    predicts = probs.argmax(1)[None] == labels[:, None]
    iou = torch.where(predicts.any(1, keepdim=True), iou.masked_fill(~predicts, -1), iou)
    expected = probs[iou.argmax(1), labels]
    assert torch.equal(segment_scores(segments, labels, probs, masks), expected)
