# 12-epoch schedule of the OMG-Seg training configs (DATA.md §7).
__max_epochs = 12
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=__max_epochs, val_interval=2)
val_cfg = None
test_cfg = dict(type='TestLoop')

param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=500),
    dict(type='MultiStepLR', begin=0, end=__max_epochs, by_epoch=True, milestones=[8, 11], gamma=0.1),
]

__embed_multi = dict(lr_mult=1.0, decay_mult=0.0)
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=0.0001, weight_decay=0.05, eps=1e-8, betas=(0.9, 0.999)),
    paramwise_cfg=dict(
        custom_keys={
            'backbone': dict(lr_mult=0.1, decay_mult=1.0),
            'query_embed': __embed_multi,
            'query_feat': __embed_multi,
            'level_embed': __embed_multi,
        },
        norm_decay_mult=0.0),
    clip_grad=dict(max_norm=0.01, norm_type=2))

# lr = 1e-4 x (#GPUs x batch per GPU) / 16: the reference trains on 32 GPUs x 1 sample.
auto_scale_lr = dict(enable=True, base_batch_size=16)
