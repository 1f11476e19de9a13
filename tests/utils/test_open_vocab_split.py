"""The seen/unseen split of the ADE open-vocabulary evaluation, against the spec's counts."""
import pytest
from mmengine.config import Config

from seg.datasets.class_names import class_overlap, load_class_names
from seg.datasets.vocabulary_merge import merge_vocabularies
from seg.utils.open_vocab_split import reference_class_overlap, resolve_seen_classes

# GAPS.md §3.2 (corrected): what the reference computes with the mmdet it pins
REFERENCE_UNSEEN = [43, 51, 80, 81, 86, 97, 111, 118, 127, 140]


def test_class_overlap_matches_whole_synonyms_only():
    overlap = class_overlap(['car,automobile', 'sky', 'carpet'], ['person,people', 'cars,car', 'skyscraper'])
    assert overlap == [True, False, False]


def test_ade_against_the_training_vocabulary_in_model_order():
    seen = resolve_seen_classes(Config(dict(ov_vocabulary=dict(train='th139_st101', test='ade_panoptic_ov'))))
    assert len(seen) == 150 and sum(seen) == 94  # GAPS.md §3.2: 94 of 150 seen
    assert seen[8] and seen[3]  # car, person


def test_reference_overlap_rule_keeps_leading_spaces():
    assert reference_class_overlap(['palm, palm tree', 'car,auto'], ['palm tree', 'auto']) == [False, True]


def test_reference_split_derived_from_the_class_lists():
    """Re-derive the reference split here, step by step, from the class lists it compares, and check the
    switch uses exactly that vector."""
    from mmdet.datasets import ADE20KPanopticDataset
    joint = ['coco_panoptic_ov', 'ade_panoptic_ov', 'youtube_vis_2019', 'youtube_vis_2021', 'vipseg',
             'cityscapes_panoptic']  # joint_dataset.py, in order
    merged = merge_vocabularies([load_class_names(name) for name in joint])
    assert (len(merged.thing_classes), len(merged.stuff_classes)) == (196, 124)
    train_names = set()
    for name in merged.classes:
        train_names.update(name.split(','))
    mmdet_ade = ADE20KPanopticDataset.METAINFO['classes']
    assert mmdet_ade[:2] == ('bed', 'window') and len(mmdet_ade) == 150  # things first: model order
    expected = [any(part in train_names for part in name.split(',')) for name in mmdet_ade]
    assert [i for i, s in enumerate(expected) if not s] == REFERENCE_UNSEEN

    cfg = Config(dict(ov_vocabulary=dict(train='th139_st101', test='ade_panoptic_ov', reference_split=True)))
    assert resolve_seen_classes(cfg) == expected


def test_unset_and_removed_or_mismatched_switches():
    assert resolve_seen_classes(Config(dict())) is None
    with pytest.raises(ValueError, match='reference_split=True'):
        resolve_seen_classes(Config(dict(ov_vocabulary=dict(train='x', test='ade_panoptic_ov',
                                                            reference_unseen=[150]))))
    with pytest.raises(ValueError, match='has 133'):
        resolve_seen_classes(Config(dict(ov_vocabulary=dict(train='x', test='coco_panoptic_ov',
                                                            reference_split=True))))
