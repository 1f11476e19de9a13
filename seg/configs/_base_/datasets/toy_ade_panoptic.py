# Toy variant of the ade_panoptic dataset config (data/toy, 192x128 crops; see parts/toy.py).
_base_ = ['./parts/toy.py']

train_dataloader = dict(
    batch_size=1,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='MultiDatasetSampler', shuffle=True),
    batch_sampler=dict(type='GroupedBatchSampler'),
    dataset={{_base_.toy_ade_pan_train}})

val_dataloader = None
test_dataloader = None
