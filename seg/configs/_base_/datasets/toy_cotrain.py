# Toy co-training: toy COCO-panoptic pseudo videos + toy YT-VIS-19 + toy VIPSeg (ratio 2:1:1).
_base_ = ['./parts/toy.py']

train_dataloader = dict(
    batch_size=1,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='MultiDatasetSampler', ratios=[2, 1, 1], num_samples=12),
    batch_sampler=dict(type='GroupedBatchSampler'),
    dataset=dict(
        type='ConcatOVDataset',
        data_tag=['coco', 'coco', 'coco'],
        datasets=[
            dict(type='RepeatDataset', times=1, dataset={{_base_.toy_coco_pan_video_train}}),
            dict(type='RepeatDataset', times=1, dataset={{_base_.toy_yt19_train}}),
            dict(type='RepeatDataset', times=1, dataset={{_base_.toy_vipseg_train}}),
        ]))
val_dataloader = None
test_dataloader = None
