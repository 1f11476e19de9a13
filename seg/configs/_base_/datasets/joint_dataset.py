# Vocabulary of COCO, ADE, YT-VIS-19/21, VIPSeg and Cityscapes (for embeddings / class overlap; not for training).
_base_ = ['./parts/coco_panoptic.py', './parts/ade_panoptic.py', './parts/youtube_vis.py', './parts/vipseg.py', './parts/cityscapes_panoptic.py']

train_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='MultiDatasetSampler', shuffle=True),
    batch_sampler=dict(type='GroupedBatchSampler', group_by_orientation=True),
    dataset=dict(
        type='ConcatOVDataset',
        data_tag=['coco', 'coco', 'coco', 'coco', 'coco', 'coco'],
        datasets=[
            dict(type='RepeatDataset', times=1, dataset={{_base_.coco_pan_video_train}}),
            dict(type='RepeatDataset', times=1, dataset={{_base_.ade_pan_train}}),
            dict(type='RepeatDataset', times=1, dataset={{_base_.yt19_train}}),
            dict(type='RepeatDataset', times=1, dataset={{_base_.yt21_train}}),
            dict(type='RepeatDataset', times=1, dataset={{_base_.vipseg_train}}),
            dict(type='RepeatDataset', times=1, dataset={{_base_.cityscapes_pan_train}}),
        ]))
val_dataloader = None
test_dataloader = None
