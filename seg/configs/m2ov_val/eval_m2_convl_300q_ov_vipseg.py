# VIPSeg val evaluation of OMG-Seg ConvNeXt-L (EVAL.md §3.5): 58 things + 66 stuff, bank
# convnext_large_d_320_VIPSegDataset, tubes of 2 frames (3 for videos of at most 15 frames), panoptic
# fusion per frame with video-level class scores; thing ids = query index + 1 over the whole video
# (GAPS.md §3.4; the reference counts survivors per frame: --cfg-options
# model.test_cfg.panoptic_track_ids=frame_count, docs/REFERENCE_SWITCHES.md). Metrics: VPQ@1/2/4/6, VPQ, STQ (its IoU term is the video-semantic mIoU); the VIPSeg
# submission (pan_pred/<video>/<frame>.png + pred.json) goes to <work_dir>/vipseg_results/.
_base_ = [
    './models/m2_convl_300q_video.py',
    '../_base_/datasets/vipseg.py',
    '../_base_/default_runtime.py',
]

model = dict(
    clip_size=2,
    panoptic_head=dict(
        num_things_classes=58,
        num_stuff_classes=66,
        classifier=dict(bank_name='convnext_large_d_320_VIPSegDataset'),
        loss_cls=dict(class_weight=[1.0] * 124 + [0.1])),
    test_cfg=dict(panoptic_on=True, semantic_on=False, instance_on=False, panoptic_track_ids='query'))

# whole videos, one per batch; evaluation only (no training / validation loop)
train_dataloader = None
val_dataloader = None
test_cfg = dict(type='TestLoop')
test_evaluator = dict(type='VideoPanopticMetric', output_dir='vipseg_results', vpq_absent_categories='skip',
                      reference_thing_mask=False)
