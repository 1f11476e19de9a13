# COCO panoptic + instance evaluation of OMG-Seg ConvNeXt-L (EVAL.md §2): 80 things + 53 stuff,
# bank convnext_large_d_320_CocoPanopticOVDataset.
# Generate the bank once: python tools/gen_cls.py seg/configs/m2ov_val/eval_m2_convl_300q_ov_coco.py
#   --classes coco_panoptic_ov --name CocoPanopticOVDataset
_base_ = [
    './models/m2_convl_300q.py',
    '../_base_/datasets/parts/coco_panoptic.py',
    '../_base_/default_runtime.py',
]

model = dict(
    panoptic_head=dict(
        num_things_classes=80,
        num_stuff_classes=53,
        classifier=dict(bank_name='convnext_large_d_320_CocoPanopticOVDataset'),
        loss_cls=dict(class_weight=[1.0] * 133 + [0.1])),
    test_cfg=dict(panoptic_on=True, instance_on=True))

train_dataloader = None
val_dataloader = None
test_dataloader = dict(
    batch_size=2,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset={{_base_.coco_pan_test}})
test_evaluator = [
    dict(type='CocoPanopticMetric',
         ann_file='data/coco/annotations/panoptic_val2017.json',
         seg_prefix='data/coco/annotations/panoptic_val2017/'),
    dict(type='CocoMetric', ann_file='data/coco/annotations/instances_val2017.json', metric=['segm']),
]
test_cfg = dict(type='TestLoop')
