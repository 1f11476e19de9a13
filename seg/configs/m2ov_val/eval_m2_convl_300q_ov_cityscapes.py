# Cityscapes panoptic evaluation (EVAL.md §2/§3.3) with the correct split 8 things + 11 stuff (the
# reference config swaps them, GAPS §3.1; to reproduce the official number set
# `__parity_swapped_things_stuff = True` below). Bank convnext_large_d_320_CityscapesPanopticDataset.
# Model part only: the evaluation dataset, evaluator and test loop are added as a further base
# (`./datasets/cityscapes_panoptic.py`, evaluation area).
_base_ = [
    './models/m2_convl_300q.py',
    '../_base_/default_runtime.py',
]

__parity_swapped_things_stuff = False
__num_things = 11 if __parity_swapped_things_stuff else 8

model = dict(
    panoptic_head=dict(
        num_things_classes=__num_things,
        num_stuff_classes=19 - __num_things,
        classifier=dict(bank_name='convnext_large_d_320_CityscapesPanopticDataset'),
        loss_cls=dict(class_weight=[1.0] * 19 + [0.1])),
    test_cfg=dict(panoptic_on=True, instance_on=False))
