# Co-training without Cityscapes (unused by the reference): COCO-pan x1, YT-VIS-19 x17, VIPSeg x14, COCO-SAM x1.
_base_ = ['./parts/coco_panoptic.py', './parts/youtube_vis.py', './parts/vipseg.py']

train_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='MultiDatasetSampler', shuffle=True),
    batch_sampler=dict(type='GroupedBatchSampler', group_by_orientation=True),
    dataset=dict(
        type='ConcatOVDataset',
        data_tag=['coco', 'coco', 'coco', 'sam'],
        datasets=[
            dict(type='RepeatDataset', times=1, dataset={{_base_.coco_pan_video_train}}),
            dict(type='RepeatDataset', times=17, dataset={{_base_.yt19_train}}),
            dict(type='RepeatDataset', times=14, dataset={{_base_.vipseg_train}}),
            dict(type='RepeatDataset', times=1, dataset={{_base_.coco_pan_sam_train}}),
        ]))
val_dataloader = None
test_dataloader = None
