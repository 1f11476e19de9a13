# Toy interactive segmentation: the tiny OMG-Seg trained on toy COCO-SAM prompts only (every non-crowd
# segment is a class-agnostic instance; 20 prompts per image drawn from the GT masks, half clicks, half
# boxes), then evaluated with one centre click per segment on the toy COCO val split (mIoU).
# Classes are not used by prompts, so the classifier has a placeholder bank (no gen_cls needed).
_base_ = [
    '../_base_/models/omg_toy.py',
    '../_base_/datasets/parts/toy.py',
    '../_base_/default_runtime.py',
]

__max_iters = 600

model = dict(
    type='OMGSegInteractive',
    prompts_only=True,
    panoptic_head=dict(
        enable_box_query=True,
        prompt_encoder=dict(type='PromptQueryGenerator'),
        prompt_sampler=dict(type='PromptSampler', num_prompts=20, box_prob=0.5, eval_prompt_type='point'),
        classifier=dict(bank_name=None, placeholder_bank=True)),
    test_cfg=dict(panoptic_on=False, semantic_on=False, instance_on=False))

train_dataloader = dict(
    batch_size=1,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset={{_base_.toy_coco_pan_sam_train}})
test_dataloader = dict(
    batch_size=2,
    num_workers=0,
    persistent_workers=False,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='CocoPanopticSAMDataset',
        data_root='data/toy/coco/',
        ann_file='annotations/panoptic_val2017.json',
        data_prefix=dict(img='val2017/', seg='annotations/panoptic_val2017/'),
        test_mode=True,
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='Resize', scale={{_base_.toy_scale}}, keep_ratio=True),
            dict(type='LoadPanopticAnnotationsHB', with_bbox=True, with_mask=True, with_seg=True),
            dict(type='PackDetInputs',
                 meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor')),
        ]))
test_evaluator = dict(type='InteractiveIoUMetric')
val_dataloader = None
val_evaluator = None

train_cfg = dict(type='IterBasedTrainLoop', max_iters=__max_iters, val_interval=__max_iters + 1)
val_cfg = None
test_cfg = dict(type='TestLoop')
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(type='MultiStepLR', begin=0, end=__max_iters, by_epoch=False,
         milestones=[int(__max_iters * 0.8)], gamma=0.1),
]
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=0.001, weight_decay=0.05, eps=1e-8, betas=(0.9, 0.999)),
    paramwise_cfg=dict(
        custom_keys={
            'backbone': dict(lr_mult=0.1, decay_mult=1.0),
            'query_embed': dict(lr_mult=1.0, decay_mult=0.0),
            'query_feat': dict(lr_mult=1.0, decay_mult=0.0),
            'level_embed': dict(lr_mult=1.0, decay_mult=0.0),
        },
        norm_decay_mult=0.0),
    clip_grad=dict(max_norm=1.0, norm_type=2))
auto_scale_lr = dict(enable=False, base_batch_size=16)

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=25),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=300, max_keep_ckpts=1))
log_processor = dict(type='LogProcessor', window_size=25, by_epoch=False)
randomness = dict(seed=0)
env_cfg = dict(dist_cfg=dict(backend='gloo'))
