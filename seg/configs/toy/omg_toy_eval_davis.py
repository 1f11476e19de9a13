# Toy DAVIS-17 VOS of the tiny OMG-Seg, reference protocol (25 -> here all 20 queries ranked by objectness,
# Hungarian-matched to the first frame's objects, MinVIS tubes of 3 frames for the 8-frame toy videos).
# Palette PNGs in <work_dir>/DAVIS/; J&F from the toy GT. Prompt propagation instead:
# --cfg-options model.vos_mode=prompt model.panoptic_head.enable_box_query=True
# Classes do not affect VOS, so the classifier has a placeholder bank (no gen_cls needed).
_base_ = [
    '../_base_/models/omg_toy.py',
    '../_base_/datasets/toy_davis.py',
    '../_base_/default_runtime.py',
]

model = dict(
    type='OMGSegVOS',
    vos_mode='proposal',
    num_proposals=20,
    clip_size=5,
    clip_size_small=3,
    small_clip_thr=15,
    panoptic_head=dict(classifier=dict(bank_name=None, placeholder_bank=True)),
    test_cfg=dict(panoptic_on=False, semantic_on=False, instance_on=False))

train_dataloader = None
val_dataloader = None
test_cfg = dict(type='TestLoop')
test_evaluator = dict(type='DAVISMetric', id_encoding='index', output_dir='DAVIS')
default_hooks = dict(logger=dict(type='LoggerHook', interval=1))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
