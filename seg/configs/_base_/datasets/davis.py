# DAVIS 2017 (evaluation only).
_base_ = ['./parts/davis.py']

train_dataloader = None

val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset={{_base_.davis_test}})
test_dataloader = val_dataloader
