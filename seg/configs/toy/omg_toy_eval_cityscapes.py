# Toy Cityscapes panoptic evaluation of the tiny OMG-Seg (EVAL.md §3.3): 8 things + 11 stuff (dataset order),
# panoptic only, CityscapesPanopticMetric (PQ / SQ / RQ) against the toy val GT; prediction PNGs + JSON go to
# <work_dir>/cityscapes_panoptic_results/. Toy data: python tools/dataset_convert/make_toy_data.py --out data/toy
# Text bank: python tools/gen_cls.py seg/configs/toy/omg_toy_eval_cityscapes.py
_base_ = [
    '../_base_/models/omg_toy.py',
    '../_base_/datasets/parts/toy.py',
    '../_base_/default_runtime.py',
]

model = dict(
    panoptic_head=dict(
        num_things_classes=8,
        num_stuff_classes=11,
        classifier=dict(bank_name='omgseg_tiny_convnext_CityscapesPanopticDataset'),
        loss_cls=dict(class_weight=[1.0] * 19 + [0.1])),
    test_cfg=dict(panoptic_on=True, semantic_on=False, instance_on=False, object_mask_thr=0.0,
                  iou_thr=0.8, filter_low_score=True))

__toy_cityscapes = 'data/toy/cityscapes/'
test_dataloader = dict(
    batch_size=2,
    num_workers=0,
    persistent_workers=False,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='CityscapesPanopticDataset',
        data_root=__toy_cityscapes,
        ann_file='annotations/cityscapes_panoptic_val_trainId.json',
        data_prefix=dict(img='leftImg8bit/val/', seg='annotations/cityscapes_panoptic_val_trainId/'),
        test_mode=True,
        pipeline={{_base_.toy_image_test_pipeline}}))
test_evaluator = dict(
    type='CityscapesPanopticMetric',
    ann_file=__toy_cityscapes + 'annotations/cityscapes_panoptic_val_trainId.json',
    seg_prefix=__toy_cityscapes + 'annotations/cityscapes_panoptic_val_trainId/',
    output_dir='cityscapes_panoptic_results')
train_dataloader = None
val_dataloader = None
val_evaluator = None
test_cfg = dict(type='TestLoop')
default_hooks = dict(logger=dict(type='LoggerHook', interval=1))
