# ADE20K open-vocabulary panoptic evaluation (EVAL.md §2/§3.2): 100 things + 50 stuff, bank
# convnext_large_d_320_ADEPanopticOVDataset, CLIP re-scoring of classes with alpha 0.4 (seen) / beta 0.8
# (unseen). The seen/unseen split (`model.seen_classes`, one bool per ADE class in model order) is
# computed by tools/test.py from `overlapping`.
# Model part only: the evaluation dataset, evaluator and test loop are added as a further base
# (`./datasets/ade_panoptic_ov.py`, evaluation area).
_base_ = [
    './models/m2_convl_300q.py',
    '../_base_/default_runtime.py',
]

model = dict(
    ov_alpha=0.4,
    ov_beta=0.8,
    panoptic_head=dict(
        num_things_classes=100,
        num_stuff_classes=50,
        classifier=dict(bank_name='convnext_large_d_320_ADEPanopticOVDataset'),
        loss_cls=dict(class_weight=[1.0] * 150 + [0.1])),
    test_cfg=dict(panoptic_on=True, instance_on=False))
