# Toy YouTube-VIS 2021 evaluation of the tiny OMG-Seg (MinVIS inference, tubes of 3 frames for the 8-frame
# toy videos). The toy valid split has no GT, so the metric runs on the toy train videos (test pipeline);
# results.json + submission zip go to <work_dir>/youtube_vis_2021_results/.
# Text bank: python tools/gen_cls.py seg/configs/toy/omg_toy_eval_y21.py --classes youtube_vis_2021 --name YouTubeVISDataset_2021
_base_ = [
    '../_base_/models/omg_toy.py',
    '../_base_/datasets/toy_youtube_vis_2021.py',
    '../_base_/default_runtime.py',
]

model = dict(
    type='OMGSegVideo',
    clip_size=5,
    clip_size_small=3,
    small_clip_thr=15,
    panoptic_head=dict(
        num_things_classes=40,
        num_stuff_classes=0,
        classifier=dict(bank_name='omgseg_tiny_convnext_YouTubeVISDataset_2021'),
        loss_cls=dict(class_weight=[1.0] * 40 + [0.1])),
    test_cfg=dict(panoptic_on=False, semantic_on=False, instance_on=True, object_mask_thr=0.0,
                  iou_thr=0.8, filter_low_score=True, max_per_image=100))

train_dataloader = None
val_dataloader = None
test_dataloader = dict(dataset=dict(ann_file='annotations/youtube_vis_2021_train.json',
                                    data_prefix=dict(img_path='train/JPEGImages')))
test_cfg = dict(type='TestLoop')
test_evaluator = dict(type='VideoInstanceAPMetric', output_dir='youtube_vis_2021_results')
default_hooks = dict(logger=dict(type='LoggerHook', interval=1))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
