# CPU schedule of the toy configs: 600 iterations, 10x the real lr, a looser gradient clip than the real
# 0.01, no lr auto-scaling, seed 0. Same optimiser structure as schedule_12e.py (DATA.md §7).
# Includes the shared runtime (its logger/checkpoint intervals are overridden here for iteration runs).
_base_ = ['../default_runtime.py']

__max_iters = 600

train_cfg = dict(type='ResumableIterBasedTrainLoop', max_iters=__max_iters, val_interval=__max_iters + 1)
val_cfg = None
test_cfg = dict(type='TestLoop')
val_dataloader = None
val_evaluator = None
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
    checkpoint=dict(type='SafeCheckpointHook', by_epoch=False, interval=300, max_keep_ckpts=2))
log_processor = dict(type='LogProcessor', window_size=25, by_epoch=False)
randomness = dict(seed=0)
