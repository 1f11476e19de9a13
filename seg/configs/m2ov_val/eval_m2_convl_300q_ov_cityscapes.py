# Cityscapes panoptic evaluation (EVAL.md §2/§3.3) with the correct split 8 things + 11 stuff. The
# reference config swaps them (11 things, GAPS §3.1): its fusion treats road, sidewalk, building as things.
# To reproduce the official number: --cfg-options model.panoptic_fusion_head.num_things_classes=11
# (docs/REFERENCE_SWITCHES.md). Bank convnext_large_d_320_CityscapesPanopticDataset.
# Metric: CityscapesPanopticMetric (PQ / SQ / RQ; prediction PNGs + JSON in a temporary folder).
_base_ = [
    './models/m2_convl_300q.py',
    '../_base_/datasets/parts/cityscapes_panoptic.py',
    '../_base_/default_runtime.py',
]

model = dict(
    panoptic_fusion_head=dict(num_things_classes=8),  # reference: 11 (the swap)
    panoptic_head=dict(
        num_things_classes=8,
        num_stuff_classes=11,
        classifier=dict(bank_name='convnext_large_d_320_CityscapesPanopticDataset'),
        loss_cls=dict(class_weight=[1.0] * 19 + [0.1])),
    test_cfg=dict(panoptic_on=True, instance_on=False))

# val images at native resolution, evaluation only (no training / validation loop)
test_dataloader = dict(
    batch_size=2,
    num_workers=2,
    persistent_workers=False,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset={{_base_.cityscapes_pan_test}})
test_evaluator = dict(
    type='CityscapesPanopticMetric',
    ann_file='data/cityscapes/annotations/cityscapes_panoptic_val_trainId.json',
    seg_prefix='data/cityscapes/annotations/cityscapes_panoptic_val_trainId/')
train_dataloader = None
val_dataloader = None
val_evaluator = None
train_cfg = None
val_cfg = None
test_cfg = dict(type='TestLoop')
