# Toy version of the full OMG-Seg co-training mix (COCO-pan, YT-VIS-19/21, VIPSeg, Cityscapes, COCO-SAM).
_base_ = ['./parts/toy.py']

train_dataloader = dict(
    batch_size=1,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='MultiDatasetSampler', shuffle=True),
    batch_sampler=dict(type='GroupedBatchSampler'),
    dataset=dict(
        type='ConcatOVDataset',
        data_tag=['coco', 'coco', 'coco', 'coco', 'coco', 'sam'],
        datasets=[
            dict(type='RepeatDataset', times=1, dataset={{_base_.toy_coco_pan_video_train}}),
            dict(type='RepeatDataset', times=2, dataset={{_base_.toy_yt19_train}}),
            dict(type='RepeatDataset', times=2, dataset={{_base_.toy_yt21_train}}),
            dict(type='RepeatDataset', times=2, dataset={{_base_.toy_vipseg_train}}),
            dict(type='RepeatDataset', times=2, dataset={{_base_.toy_cityscapes_pan_train}}),
            dict(type='RepeatDataset', times=1, dataset={{_base_.toy_coco_pan_sam_train}}),
        ]))
val_dataloader = None
test_dataloader = None
