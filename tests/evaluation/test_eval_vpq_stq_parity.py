"""VPQ / STQ against literal transcriptions of OMG-Seg's offline algorithm (concatenated windows)."""
import numpy as np
import pytest

from seg.evaluation.functional.stq import STQAccumulator
from seg.evaluation.functional.video_panoptic_quality import frame_counts, vpq_stats_video, vpq_summary

MAX_INS, GT_VOID, NUM_CLASSES, NUM_THINGS = 10000, 65535, 4, 2


def _reference_vpq_eval(pred, gt):
    """OMG-Seg ``vpq_eval`` on one concatenated window of encoded maps (cat * 10000 + instance)."""
    num_cat = NUM_CLASSES + 1
    iou, tp, fn, fp = (np.zeros(num_cat) for _ in range(4))
    pred_areas = dict(zip(*np.unique(pred, return_counts=True)))
    gt_areas = dict(zip(*np.unique(gt, return_counts=True)))
    offset = int(1e7)
    ign_ids = {g for g in gt_areas if g // MAX_INS == GT_VOID}
    int_areas = dict(zip(*np.unique(gt.astype(np.int64) * offset + pred, return_counts=True)))
    gt_matched, pred_matched = set(), set()
    for int_id, area in int_areas.items():
        g, p = int(int_id // offset), int(int_id % offset)
        if g // MAX_INS != p // MAX_INS:
            continue
        union = gt_areas[g] + pred_areas[p] - area - int_areas.get(GT_VOID * MAX_INS * offset + p, 0)
        if area / union > 0.5:
            tp[g // MAX_INS] += 1
            iou[g // MAX_INS] += area / union
            gt_matched.add(g)
            pred_matched.add(p)
    for g in gt_areas:
        if g not in gt_matched and g // MAX_INS != GT_VOID:
            fn[g // MAX_INS] += 1
    for p in pred_areas:
        if p in pred_matched:
            continue
        if sum(int_areas.get(i * offset + p, 0) for i in ign_ids) / pred_areas[p] > 0.5:
            continue
        fp[p // MAX_INS] += 1
    return iou, tp, fn, fp


def _reference_vpq(videos, k):
    stats = [_reference_vpq_eval(np.concatenate(preds[s:s + k], 1), np.concatenate(gts[s:s + k], 1))
             for gts, preds in videos for s in range(len(gts) - k + 1)]
    iou, tp, fn, fp = (np.sum([s[i] for s in stats], 0)[:NUM_CLASSES] for i in range(4))
    pq = np.nan_to_num(iou / (tp + 1e-15) * tp / (tp + 0.5 * fn + 0.5 * fp + 1e-15))
    return 100 * pq.mean(), 100 * pq[:NUM_THINGS].mean(), 100 * pq[NUM_THINGS:].mean()


def _random_video(rng, frames=5, h=6, w=8):
    """Encoded GT / prediction maps: things with tracks, stuff, GT void, prediction void."""
    gts, preds = [], []
    for _ in range(frames):
        cats = rng.integers(0, NUM_CLASSES, (h // 2, w // 2)).repeat(2, 0).repeat(2, 1)
        inst = np.where(cats < NUM_THINGS, rng.integers(1, 3, cats.shape), 0)
        gt = cats * MAX_INS + inst
        gt[rng.random(gt.shape) < 0.08] = GT_VOID * MAX_INS
        pred = np.where(rng.random(gt.shape) < 0.8, cats * MAX_INS + inst,
                        rng.integers(0, NUM_CLASSES, gt.shape) * MAX_INS)
        pred = np.where((pred // MAX_INS < NUM_THINGS) & (rng.random(gt.shape) < 0.2), pred + 1, pred)
        pred[rng.random(gt.shape) < 0.05] = NUM_CLASSES * MAX_INS
        gts.append(gt)
        preds.append(pred)
    return gts, preds


def _as_frame(encoded, void_category):
    ids = np.where(encoded // MAX_INS == void_category, 0, encoded + 1)
    return ids, {int(i): {'category_id': int((i - 1) // MAX_INS), 'iscrowd': 0} for i in np.unique(ids) if i}


CATEGORIES = {c: {'isthing': int(c < NUM_THINGS)} for c in range(NUM_CLASSES)}


def test_vpq_equals_concatenated_window_reference():
    rng = np.random.default_rng(7)
    videos = [_random_video(rng) for _ in range(3)]
    stats = None
    for gts, preds in videos:
        counts = [frame_counts(*_as_frame(g, GT_VOID), *_as_frame(p, NUM_CLASSES), CATEGORIES, 'f')
                  for g, p in zip(gts, preds)]
        video_stats = vpq_stats_video(counts, (1, 2, 4))
        stats = video_stats if stats is None else {k: stats[k].__iadd__(video_stats[k]) for k in stats}
    ours = vpq_summary(stats, CATEGORIES, absent_categories='zero')  # OMG-Seg's NaN -> 0 mean
    for k in (1, 2, 4):
        expected = _reference_vpq(videos, k)
        got = (ours[f'VPQ@{k}'], ours[f'VPQ_th@{k}'], ours[f'VPQ_st@{k}'])
        assert got == pytest.approx(expected, abs=1e-9)
    assert 0 < ours['VPQ'] < 100


def _reference_stq(videos):
    """OMG-Seg ``stq`` + ``STQState`` (prediction thing mask from GT semantics, as published)."""
    totals = dict(conf=np.zeros((NUM_CLASSES + 1,) * 2, np.int64), aq=0.0, tubes=0)
    for gts, preds in videos:
        pred_sizes, gt_sizes, inter = {}, {}, {}
        for y_true, y_pred in zip(gts, preds):
            sem_l = np.where(y_true // MAX_INS != GT_VOID, y_true // MAX_INS, NUM_CLASSES)
            sem_p = np.where(y_pred // MAX_INS != GT_VOID, y_pred // MAX_INS, NUM_CLASSES)
            np.add.at(totals['conf'], (sem_l.ravel(), sem_p.ravel()), 1)
            label_mask = sem_l < NUM_THINGS
            crowd = label_mask & (y_true % MAX_INS == 0)
            label_mask, pred_mask = label_mask & ~crowd, (sem_l < NUM_THINGS) & ~crowd
            both = label_mask & pred_mask
            for store, values in ((pred_sizes, y_pred[pred_mask]), (gt_sizes, y_true[label_mask]),
                                  (inter, y_true[both] * int(1e7) + y_pred[both])):
                for v, c in zip(*np.unique(values, return_counts=True)):
                    store[v] = store.get(v, 0) + c
        for g, gs in gt_sizes.items():
            inner = sum(inter[int(1e7) * g + p] ** 2 / (ps + gs - inter[int(1e7) * g + p])
                        for p, ps in pred_sizes.items() if int(1e7) * g + p in inter)
            totals['aq'] += inner / gs
        totals['tubes'] += len(gt_sizes)
    conf = totals['conf'].copy()
    conf[NUM_CLASSES] = 0
    i = np.diag(conf)
    union = conf.sum(0) + conf.sum(1) - i
    iou = np.sum(i / np.maximum(union, 1e-15)) / np.count_nonzero(union)
    aq = totals['aq'] / totals['tubes']
    return np.sqrt(aq * iou), aq, iou


def test_stq_reference_mode_equals_published_algorithm_and_fix_differs():
    rng = np.random.default_rng(11)
    videos = [_random_video(rng) for _ in range(2)]
    results = {}
    for reference in (True, False):
        acc = STQAccumulator(num_classes=NUM_CLASSES, thing_classes=range(NUM_THINGS), ignore_label=GT_VOID,
                             reference_thing_mask=reference)
        for index, (gts, preds) in enumerate(videos):
            for g, p in zip(gts, preds):
                p_sem = np.where(p // MAX_INS == NUM_CLASSES, GT_VOID, p // MAX_INS)
                acc.update(index, g // MAX_INS, g % MAX_INS, p_sem, p % MAX_INS)
        results[reference] = acc.result()
    expected = _reference_stq(videos)
    got = results[True]
    assert (got['STQ'], got['AQ'], got['IoU']) == pytest.approx(expected, rel=1e-12)
    assert results[False]['IoU'] == pytest.approx(got['IoU'])
    assert results[False]['AQ'] != pytest.approx(got['AQ'])
