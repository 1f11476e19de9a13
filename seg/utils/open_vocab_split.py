"""The seen/unseen class split of an open-vocabulary evaluation config (``ov_vocabulary``).

Default (correct, GAPS.md §3.2): a test class is seen when one of its synonyms is a synonym of the real
training vocabulary (``train``), in model order: 94 of 150 for ADE.
``reference_split=True``: the split the reference's ``tools/test.py`` computes, derived here from the same
class lists: its "train" vocabulary is the merge of ``joint_dataset.py``'s datasets (COCO, ADE, YT-VIS 19/21,
VIPSeg, Cityscapes, which includes ADE itself), its test names are mmdet's ``ADE20KPanopticDataset`` class
list (things first in mmdet 3.1-3.3, so index-aligned with the model), and a test class is seen when one of
its names split at ',' (unstripped: ``'palm, palm tree'`` gives ``' palm tree'``) equals one of the merged
names split at ','. That gives 140 seen / 10 unseen.
"""
from __future__ import annotations

from collections.abc import Sequence

from mmengine.config import Config

# joint_dataset.py's datasets, in its order (DATA.md §6.1): the reference's "train" vocabulary
REFERENCE_JOINT_VOCABULARIES = ('coco_panoptic_ov', 'ade_panoptic_ov', 'youtube_vis_2019', 'youtube_vis_2021',
                                'vipseg', 'cityscapes_panoptic')


def reference_class_overlap(test_classes: Sequence[str], train_classes: Sequence[str]) -> list[bool]:
    """The reference's ``calculate_class_overlapping``: names split at ',' without stripping, exact match."""
    train_names = {name for train_class in train_classes for name in train_class.split(',')}
    return [any(name in train_names for name in test_class.split(',')) for test_class in test_classes]


def reference_ade_vocabularies() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(merged joint_dataset vocabulary, mmdet ADE20KPanopticDataset class names) the reference compares."""
    from mmdet.datasets import ADE20KPanopticDataset

    from seg.datasets.class_names import load_class_names
    from seg.datasets.vocabulary_merge import merge_vocabularies
    merged = merge_vocabularies([load_class_names(name) for name in REFERENCE_JOINT_VOCABULARIES])
    return merged.classes, tuple(ADE20KPanopticDataset.METAINFO['classes'])


def resolve_seen_classes(cfg: Config) -> list[bool] | None:
    """``cfg.ov_vocabulary`` -> one bool per model class (in the training vocabulary?), or None if unset.

    ``ov_vocabulary = dict(train='th139_st101', test='ade_panoptic_ov')`` names class lists in
    ``ext/class_names``; ``reference_split=True`` gives the reference's ADE split instead (module docstring).
    """
    spec = cfg.get('ov_vocabulary')
    if not spec:
        return None
    from seg.datasets.class_names import class_overlap, load_class_names
    if 'reference_unseen' in spec:
        raise ValueError('ov_vocabulary.reference_unseen is gone: the hand-copied vector was wrong; use '
                         'ov_vocabulary.reference_split=True (derived from the class lists)')
    test_classes = load_class_names(spec['test']).classes
    if spec.get('reference_split', False):
        train, test = reference_ade_vocabularies()
        if len(test) != len(test_classes):
            raise ValueError(f'ov_vocabulary.reference_split reproduces the ADE split ({len(test)} classes); '
                             f'test vocabulary {spec["test"]!r} has {len(test_classes)}')
        return reference_class_overlap(test, train)
    return class_overlap(test_classes, load_class_names(spec['train']).classes)
