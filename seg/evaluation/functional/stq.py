"""Segmentation and Tracking Quality (STQ = sqrt(AQ x IoU)), as DeepLab2 defines it.

Per sequence: the association quality AQ sums, over ground-truth thing tubes g and predicted
tubes p that overlap, ``TPA(p, g) * IoU(p, g) / |g|``; AQ = total over sequences / number of GT
tubes. Tubes are (class, instance id) pairs over a sequence; GT thing pixels with instance 0
are crowd and are ignored for association. The IoU term is the class-wise IoU of a confusion
matrix summed over all frames, with void GT rows removed and averaged over the classes whose
union is non-empty (a predicted void column counts as in DeepLab2).

The prediction-side thing mask uses the *predicted* semantics (DeepLab2). OMG-Seg's offline
script used the ground-truth semantics instead (GAPS.md); ``reference_thing_mask=True`` replays
that defect for parity.
"""
from __future__ import annotations

from collections import Counter, OrderedDict

import numpy as np

from .fileio import EvalInputError

__all__ = ['STQAccumulator']

_EPSILON = 1e-15
_INSTANCE_BITS = 32


def _counts(keys: np.ndarray) -> Counter:
    """Counter of unique values (or unique rows of an (N, 2) array) with their pixel counts."""
    if keys.ndim == 2:
        rows, counts = np.unique(keys, axis=0, return_counts=True)
        return Counter({(int(a), int(b)): int(c) for (a, b), c in zip(rows, counts)})
    values, counts = np.unique(keys, return_counts=True)
    return Counter(dict(zip(values.tolist(), counts.tolist())))


class STQAccumulator:
    """Accumulates STQ statistics frame by frame, per sequence.

    Args:
        num_classes: number of semantic classes (labels 0..num_classes-1).
        thing_classes: labels that have instances (tracked for AQ).
        ignore_label: semantic label of void pixels (GT and prediction).
        reference_thing_mask: replay OMG-Seg's bug (prediction thing mask from GT semantics).
    """

    def __init__(self, *, num_classes: int, thing_classes, ignore_label: int = 255,
                 reference_thing_mask: bool = False):
        self.num_classes = num_classes
        self.thing_classes = np.asarray(sorted(thing_classes), np.int64)
        self.ignore_label = ignore_label
        self.reference_thing_mask = reference_thing_mask
        self._confusion = OrderedDict()
        self._pred, self._gt, self._inter = {}, {}, {}
        self._length = OrderedDict()

    def _new_sequence(self, seq_id) -> None:
        """Create the empty statistics of a sequence seen for the first time."""
        if seq_id in self._confusion:
            return
        size = self.num_classes + 1
        self._confusion[seq_id] = np.zeros((size, size), np.int64)
        self._pred[seq_id], self._gt[seq_id], self._inter[seq_id] = Counter(), Counter(), Counter()
        self._length[seq_id] = 0

    def _semantic(self, semantic: np.ndarray, record: str) -> np.ndarray:
        """Semantic labels with void mapped to ``num_classes``; other out-of-range labels rejected."""
        semantic = semantic.astype(np.int64)
        void = semantic == self.ignore_label
        bad = ~void & ((semantic < 0) | (semantic >= self.num_classes))
        if bad.any():
            values = np.unique(semantic[bad]).tolist()[:10]
            raise EvalInputError(f'{record}: semantic labels {values} outside [0, {self.num_classes}) and '
                                 f'not the ignore label {self.ignore_label}')
        return np.where(void, self.num_classes, semantic)

    def update(self, seq_id, gt_semantic: np.ndarray, gt_instance: np.ndarray, pred_semantic: np.ndarray,
               pred_instance: np.ndarray, record: str = 'frame') -> None:
        """Add one frame of sequence ``seq_id`` (all maps H x W)."""
        shapes = {a.shape for a in (gt_semantic, gt_instance, pred_semantic, pred_instance)}
        if len(shapes) != 1:
            raise EvalInputError(f'{record}: GT / prediction map shapes differ: {sorted(shapes)}')
        gt_sem = self._semantic(gt_semantic, f'{record} (ground truth)').ravel()
        pred_sem = self._semantic(pred_semantic, f'{record} (prediction)').ravel()
        size = self.num_classes + 1
        self._new_sequence(seq_id)
        pairs = np.bincount(gt_sem * size + pred_sem, minlength=size * size)
        self._confusion[seq_id] += pairs.reshape(size, size)
        self._length[seq_id] += 1

        gt_inst = gt_instance.astype(np.int64).ravel()
        pred_inst = pred_instance.astype(np.int64).ravel()
        gt_thing = np.isin(gt_sem, self.thing_classes)
        pred_thing = gt_thing if self.reference_thing_mask else np.isin(pred_sem, self.thing_classes)
        crowd = gt_thing & (gt_inst == 0)
        gt_mask, pred_mask = gt_thing & ~crowd, pred_thing & ~crowd
        gt_keys = (gt_sem << _INSTANCE_BITS) + gt_inst
        pred_keys = (pred_sem << _INSTANCE_BITS) + pred_inst
        both = gt_mask & pred_mask
        self._gt[seq_id].update(_counts(gt_keys[gt_mask]))
        self._pred[seq_id].update(_counts(pred_keys[pred_mask]))
        self._inter[seq_id].update(_counts(np.stack([gt_keys[both], pred_keys[both]], axis=1)))

    def merge(self, other: 'STQAccumulator') -> 'STQAccumulator':
        """Add the sequences of another accumulator (same classes); a sequence in both is summed."""
        for seq_id in other._confusion:
            self._new_sequence(seq_id)
            self._confusion[seq_id] += other._confusion[seq_id]
            self._pred[seq_id].update(other._pred[seq_id])
            self._gt[seq_id].update(other._gt[seq_id])
            self._inter[seq_id].update(other._inter[seq_id])
            self._length[seq_id] += other._length[seq_id]
        return self

    def _association(self, seq_id) -> float:
        """Sum over GT tubes of sum_p TPA * IoU(p, g) / |g| for one sequence."""
        pred_sizes, gt_sizes = self._pred[seq_id], self._gt[seq_id]
        by_gt = {}
        for (gt_key, pred_key), tpa in self._inter[seq_id].items():
            by_gt.setdefault(gt_key, []).append((pred_key, tpa))
        total = 0.0
        for gt_key, gt_size in gt_sizes.items():
            inner = 0.0
            for pred_key, tpa in by_gt.get(gt_key, []):
                inner += tpa * (tpa / (pred_sizes[pred_key] + gt_size - tpa))
            total += inner / gt_size
        return total

    def _mean_iou(self, confusion: np.ndarray) -> float:
        """Class-wise IoU averaged over classes with a non-empty union; void GT row removed."""
        confusion = confusion.copy()
        confusion[self.num_classes, :] = 0
        inter = np.diag(confusion).astype(np.float64)
        union = confusion.sum(0) + confusion.sum(1) - inter
        present = np.count_nonzero(union)
        return float(np.sum(inter / np.maximum(union, _EPSILON)) / present) if present else 0.0

    def result(self) -> dict:
        """STQ, AQ, IoU (fractions in [0, 1]) overall and per sequence."""
        seq_ids = list(self._confusion)
        num_tubes = np.array([len(self._gt[s]) for s in seq_ids], np.float64)
        aq_sum = np.array([self._association(s) for s in seq_ids], np.float64)
        aq = float(aq_sum.sum() / max(num_tubes.sum(), _EPSILON)) if seq_ids else 0.0
        total = sum(self._confusion.values()) if seq_ids else np.zeros((1, 1), np.int64)
        iou = self._mean_iou(total) if seq_ids else 0.0
        aq_seq = aq_sum / np.maximum(num_tubes, _EPSILON)
        iou_seq = np.array([self._mean_iou(self._confusion[s]) for s in seq_ids], np.float64)
        return {'STQ': float(np.sqrt(aq * iou)), 'AQ': aq, 'IoU': iou,
                'STQ_per_seq': dict(zip(seq_ids, np.sqrt(aq_seq * iou_seq).tolist())),
                'AQ_per_seq': dict(zip(seq_ids, aq_seq.tolist())),
                'IoU_per_seq': dict(zip(seq_ids, iou_seq.tolist())),
                'Length_per_seq': dict(self._length)}
