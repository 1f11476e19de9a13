# DAVIS-17 semi-supervised VOS, reference protocol (EVAL.md §3.6, MODEL.md §12.4): MinVIS inference with
# object queries (tubes of 5 frames, 3 for videos of at most 15 frames); the 25 queries of highest
# video-level objectness are Hungarian-matched (mask IoU) to the first frame's objects and painted with
# their ids. Palette PNGs go to <work_dir>/DAVIS/<video>/<frame>.png; J&F is computed from the loaded GT.
# Vocabulary: the 80 COCO things (bank convnext_large_d_320_CocoOVDataset; classes do not affect VOS).
_base_ = [
    './models/m2_convl_300q_video.py',
    '../_base_/datasets/davis.py',
    '../_base_/default_runtime.py',
]

model = dict(
    type='OMGSegVOS',
    vos_mode='proposal',
    num_proposals=25,
    panoptic_head=dict(
        num_things_classes=80,
        num_stuff_classes=0,
        classifier=dict(bank_name='convnext_large_d_320_CocoOVDataset'),
        loss_cls=dict(class_weight=[1.0] * 80 + [0.1])),
    test_cfg=dict(panoptic_on=False, semantic_on=False, instance_on=False))

train_dataloader = None
val_dataloader = None
test_cfg = dict(type='TestLoop')
test_evaluator = dict(type='DAVISMetric', id_encoding='index', output_dir='DAVIS')
