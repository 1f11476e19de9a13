# COCO panoptic for interactive (point/box prompt) training and evaluation.
_base_ = ['./parts/coco_panoptic.py']

train_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='MultiDatasetSampler', shuffle=True),
    batch_sampler=dict(type='GroupedBatchSampler', group_by_orientation=True),
    dataset={{_base_.coco_pan_sam_train}})

val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset={{_base_.coco_pan_sam_test}})
test_dataloader = val_dataloader
