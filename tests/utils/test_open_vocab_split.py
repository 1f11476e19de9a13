"""The seen/unseen split of the ADE open-vocabulary evaluation, against the spec's counts."""
import pytest
from mmengine.config import Config

from seg.datasets.class_names import class_overlap
from seg.utils.open_vocab_split import resolve_seen_classes

REFERENCE_UNSEEN = [8, 17, 40, 63, 72, 82, 90, 109, 125, 126, 133, 147]  # GAPS.md §3.2, as coded


def test_class_overlap_matches_whole_synonyms_only():
    overlap = class_overlap(['car,automobile', 'sky', 'carpet'], ['person,people', 'cars,car', 'skyscraper'])
    assert overlap == [True, False, False]


def test_ade_against_the_training_vocabulary_in_model_order():
    seen = resolve_seen_classes(Config(dict(ov_vocabulary=dict(train='th139_st101', test='ade_panoptic_ov'))))
    assert len(seen) == 150 and sum(seen) == 94  # GAPS.md §3.2: 94 of 150 seen
    assert seen[8] and seen[3]  # car, person


def test_reference_switch_reproduces_the_published_vector():
    cfg = Config(dict(ov_vocabulary=dict(train='th139_st101', test='ade_panoptic_ov',
                                         reference_unseen=REFERENCE_UNSEEN)))
    seen = resolve_seen_classes(cfg)
    assert sum(seen) == 138 and [i for i, s in enumerate(seen) if not s] == REFERENCE_UNSEEN


def test_unset_and_bad_indices():
    assert resolve_seen_classes(Config(dict())) is None
    with pytest.raises(ValueError, match=r'indices \[150\] are outside 0..149'):
        resolve_seen_classes(Config(dict(ov_vocabulary=dict(train='x', test='ade_panoptic_ov',
                                                            reference_unseen=[150]))))
