# YouTube-VIS 2021: 2-frame clips for training, whole videos for test.
_base_ = ['./parts/youtube_vis.py']

train_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='MultiDatasetSampler', shuffle=True),
    batch_sampler=dict(type='GroupedBatchSampler', group_by_orientation=True),
    dataset={{_base_.yt21_train}})

val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset={{_base_.yt21_test}})
test_dataloader = val_dataloader
