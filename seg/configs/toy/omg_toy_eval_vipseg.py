# Toy VIPSeg evaluation of the tiny OMG-Seg: MinVIS inference (tubes of 2 frames, 3 for videos of at most
# 15 frames), per-frame panoptic maps with thing ids = query index + 1; VPQ@1/2/4/6, VPQ, STQ. The VIPSeg
# submission (pan_pred/ + pred.json) goes to <work_dir>/vipseg_results/.
# Text bank: python tools/gen_cls.py seg/configs/toy/omg_toy_eval_vipseg.py --classes vipseg --name VIPSegDataset
_base_ = [
    '../_base_/models/omg_toy.py',
    '../_base_/datasets/toy_vipseg.py',
    '../_base_/default_runtime.py',
]

model = dict(
    type='OMGSegVideo',
    clip_size=2,
    clip_size_small=3,
    small_clip_thr=15,
    panoptic_head=dict(
        num_things_classes=58,
        num_stuff_classes=66,
        classifier=dict(bank_name='omgseg_tiny_convnext_VIPSegDataset'),
        loss_cls=dict(class_weight=[1.0] * 124 + [0.1])),
    test_cfg=dict(panoptic_on=True, semantic_on=False, instance_on=False, object_mask_thr=0.0,
                  iou_thr=0.8, filter_low_score=True))

train_dataloader = None
val_dataloader = None
test_cfg = dict(type='TestLoop')
test_evaluator = dict(type='VideoPanopticMetric', output_dir='vipseg_results')
default_hooks = dict(logger=dict(type='LoggerHook', interval=1))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
