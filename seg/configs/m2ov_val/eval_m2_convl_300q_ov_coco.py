# COCO panoptic + instance evaluation of OMG-Seg ConvNeXt-L (EVAL.md §2): 80 things + 53 stuff,
# bank convnext_large_d_320_CocoPanopticOVDataset.
# Model part only: the evaluation dataset, evaluator and test loop are added as a further base
# (`./datasets/coco_panoptic_ov.py`, evaluation area).
_base_ = [
    './models/m2_convl_300q.py',
    '../_base_/default_runtime.py',
]

model = dict(
    panoptic_head=dict(
        num_things_classes=80,
        num_stuff_classes=53,
        classifier=dict(bank_name='convnext_large_d_320_CocoPanopticOVDataset'),
        loss_cls=dict(class_weight=[1.0] * 133 + [0.1])),
    test_cfg=dict(panoptic_on=True, instance_on=True))
