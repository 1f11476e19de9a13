# YouTube-VIS 2019 valid evaluation of OMG-Seg ConvNeXt-L (EVAL.md §3.4): 40 things, bank
# convnext_large_d_320_YouTubeVISDataset_2019, instance results only. The valid split has no public GT:
# results.json + results.submission_file.zip are written to <work_dir>/youtube_vis_2019_results/ for the
# official server.
_base_ = [
    './models/m2_convl_300q_video.py',
    '../_base_/datasets/youtube_vis_2019.py',
    '../_base_/default_runtime.py',
]

model = dict(
    panoptic_head=dict(
        num_things_classes=40,
        num_stuff_classes=0,
        classifier=dict(bank_name='convnext_large_d_320_YouTubeVISDataset_2019'),
        loss_cls=dict(class_weight=[1.0] * 40 + [0.1])),
    test_cfg=dict(panoptic_on=False, semantic_on=False, instance_on=True))

# whole videos, one per batch; evaluation only (no training / validation loop)
train_dataloader = None
val_dataloader = None
test_cfg = dict(type='TestLoop')
test_evaluator = dict(type='VideoInstanceAPMetric', output_dir='youtube_vis_2019_results', format_only=True)
