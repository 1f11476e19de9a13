# Toy image + video co-training of the tiny OMG-Seg (CPU-sized): toy COCO panoptic as 2-frame pseudo clips,
# toy YouTube-VIS 2019 and toy VIPSeg 2-frame clips, and toy Cityscapes single images, one dataset per
# batch (batch size 1), 192x128 crops. One model (OMGSegVideo) takes both the clip and the image batches.
# Text bank of the merged vocabulary: python tools/gen_cls.py seg/configs/toy/omg_toy_cotrain.py
_base_ = [
    '../_base_/models/omg_toy.py',
    '../_base_/datasets/parts/toy.py',
    '../_base_/schedules/schedule_12e.py',
    '../_base_/default_runtime.py',
]

__num_things_classes = 136  # merged vocabulary of the four toy datasets (ConcatOVDataset)
__num_stuff_classes = 101
__num_classes = __num_things_classes + __num_stuff_classes
__bank_name = ('omgseg_tiny_convnext_Concat_CocoPanopticOVDataset_YouTubeVISDataset_2019_VIPSegDataset_'
               'CityscapesPanopticDataset')

model = dict(
    type='OMGSegVideo',
    panoptic_head=dict(
        num_things_classes=__num_things_classes,
        num_stuff_classes=__num_stuff_classes,
        classifier=dict(bank_name=__bank_name),
        loss_cls=dict(class_weight=[1.0] * __num_classes + [0.1])))

train_dataloader = dict(
    batch_size=1,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='MultiDatasetSampler', ratios=[2, 1, 1, 1], num_samples=10),
    batch_sampler=dict(type='GroupedBatchSampler'),
    dataset=dict(
        type='ConcatOVDataset',
        data_tag=['coco', 'coco', 'coco', 'coco'],
        datasets=[
            dict(type='RepeatDataset', times=1, dataset={{_base_.toy_coco_pan_video_train}}),
            dict(type='RepeatDataset', times=1, dataset={{_base_.toy_yt19_train}}),
            dict(type='RepeatDataset', times=1, dataset={{_base_.toy_vipseg_train}}),
            dict(type='RepeatDataset', times=1, dataset={{_base_.toy_cityscapes_pan_train}}),
        ]))

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=1, val_interval=1)
param_scheduler = [dict(type='ConstantLR', factor=1.0, by_epoch=False, begin=0, end=1)]
optim_wrapper = dict(optimizer=dict(lr=1e-4), clip_grad=dict(max_norm=1.0, norm_type=2))
auto_scale_lr = dict(enable=False, base_batch_size=16)
test_cfg = None
default_hooks = dict(logger=dict(type='LoggerHook', interval=1),
                     checkpoint=dict(type='SafeCheckpointHook', interval=1, max_keep_ckpts=1))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
