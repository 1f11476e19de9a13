# The embedded default: the tiny OMG-Seg (random tiny CLIP, 20 queries) trained on the toy COCO panoptic
# data (make_toy_data.py) as single images on the CPU, then evaluated with COCO panoptic PQ and COCO mask AP
# on the toy val split. Vocabulary = the real 133-class COCO open-vocabulary list (the toy images use 12 of
# them), so the bank is `omgseg_tiny_convnext_CocoPanopticOVDataset` (python tools/gen_cls.py THIS_CONFIG).
# Differences to the real schedule, for a few CPU minutes: 10x the lr, a looser gradient clip, no lr
# auto-scaling, an iteration-based loop.
_base_ = [
    '../_base_/models/omg_toy.py',
    '../_base_/datasets/parts/toy.py',
    '../_base_/schedules/schedule_toy_600it.py',
]

__clip_model_name = 'omgseg_tiny_convnext'
__num_things_classes = 80
__num_stuff_classes = 53
DATASET_NAME = 'CocoPanopticOVDataset'  # names the bank written by gen_cls

model = dict(
    panoptic_head=dict(
        num_things_classes=__num_things_classes,
        num_stuff_classes=__num_stuff_classes,
        classifier=dict(bank_name=f'{__clip_model_name}_{DATASET_NAME}'),
        loss_cls=dict(class_weight=[1.0] * (__num_things_classes + __num_stuff_classes) + [0.1])),
    test_cfg=dict(panoptic_on=True, instance_on=True, semantic_on=False, object_mask_thr=0.0))

__toy = 'data/toy/'
train_dataloader = dict(
    batch_size=2,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='ResumableInfiniteSampler', shuffle=True),  # exact --resume (seg/datasets/samplers)
    batch_sampler=dict(type='ResumableAspectRatioBatchSampler'),
    dataset=dict(
        type='CocoPanopticOVDataset',
        data_root=__toy + 'coco/',
        ann_file='annotations/panoptic_train2017.json',
        data_prefix=dict(img='train2017/', seg='annotations/panoptic_train2017/'),
        filter_cfg=dict(filter_empty_gt=True, min_size=32),
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadPanopticAnnotationsHB', with_bbox=True, with_mask=True, with_seg=True),
            dict(type='RandomFlip', prob=0.5),
            dict(type='RandomResize', scale=(192, 128), ratio_range=(0.8, 1.5), keep_ratio=True),
            dict(type='RandomCrop', crop_size=(192, 128), crop_type='absolute', recompute_bbox=True,
                 allow_negative_crop=True),
            dict(type='PackDetInputs'),
        ]))
test_dataloader = dict(
    batch_size=2,
    num_workers=0,
    persistent_workers=False,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset={{_base_.toy_coco_pan_test}})
test_evaluator = [
    dict(type='CocoPanopticMetric',
         ann_file=__toy + 'coco/annotations/panoptic_val2017.json',
         seg_prefix=__toy + 'coco/annotations/panoptic_val2017/'),
    dict(type='CocoMetric', ann_file=__toy + 'coco/annotations/instances_val2017.json', metric=['segm']),
]
