# Cityscapes panoptic, single images, 1280x736 crops.
_base_ = ['./parts/cityscapes_panoptic.py']

train_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='MultiDatasetSampler', shuffle=True),
    batch_sampler=dict(type='GroupedBatchSampler', group_by_orientation=True),
    dataset={{_base_.cityscapes_pan_train}})

val_dataloader = dict(
    batch_size=2,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset={{_base_.cityscapes_pan_test}})
test_dataloader = val_dataloader
