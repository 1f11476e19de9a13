"""The seen/unseen class split of an open-vocabulary evaluation config (``ov_vocabulary``)."""
from __future__ import annotations

from mmengine.config import Config


def resolve_seen_classes(cfg: Config) -> list[bool] | None:
    """``cfg.ov_vocabulary`` -> one bool per model class (in the training vocabulary?), or None if unset.

    ``ov_vocabulary = dict(train='th139_st101', test='ade_panoptic_ov')`` names class lists in
    ``ext/class_names``; a test class is seen when one of its synonyms is a training synonym (GAPS §3.2: the
    correct split, in model order). ``reference_unseen=[...]`` instead marks exactly those model indices
    unseen, reproducing the published evaluation's misaligned vector.
    """
    spec = cfg.get('ov_vocabulary')
    if not spec:
        return None
    from seg.datasets.class_names import class_overlap, load_class_names
    test_classes = load_class_names(spec['test']).classes
    reference_unseen = spec.get('reference_unseen')
    if reference_unseen is not None:
        bad = [i for i in reference_unseen if not 0 <= i < len(test_classes)]
        if bad:
            raise ValueError(f'ov_vocabulary.reference_unseen: indices {bad} are outside '
                             f'0..{len(test_classes) - 1}')
        return [i not in set(reference_unseen) for i in range(len(test_classes))]
    return class_overlap(test_classes, load_class_names(spec['train']).classes)
