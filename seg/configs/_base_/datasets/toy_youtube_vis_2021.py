# Toy variant of the youtube_vis_2021 dataset config (data/toy, 192x128 crops; see parts/toy.py).
_base_ = ['./parts/toy.py']

train_dataloader = dict(
    batch_size=1,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='MultiDatasetSampler', shuffle=True),
    batch_sampler=dict(type='GroupedBatchSampler'),
    dataset={{_base_.toy_yt21_train}})

val_dataloader = dict(
    batch_size=1,
    num_workers=0,
    persistent_workers=False,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset={{_base_.toy_yt21_test}})
test_dataloader = val_dataloader
