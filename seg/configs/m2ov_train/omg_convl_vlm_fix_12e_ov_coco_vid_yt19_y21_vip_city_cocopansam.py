# OMG-Seg ConvNeXt-L, frozen CLIP, 12 epochs on COCO-panoptic (2-frame pseudo clips) + YouTube-VIS 2019 +
# YouTube-VIS 2021 + VIPSeg + Cityscapes + COCO-SAM prompts; merged vocabulary 139 things + 101 stuff.
# The dataset part (composition, pipelines, loaders) lives in the _base_ dataset file named below.
_base_ = [
    '../_base_/models/omg_convl.py',
    '../_base_/datasets/coco_panoptic_video_yt19_yt21_vip_cityscapes_cocopansam.py',
    '../_base_/schedules/schedule_12e.py',
    '../_base_/default_runtime.py',
]

__num_things_classes = 139
__num_stuff_classes = 101
__num_classes = __num_things_classes + __num_stuff_classes
__bank_name = ('convnext_large_d_320_Concat_CocoPanopticOVDataset_YouTubeVISDataset_2019_'
             'YouTubeVISDataset_2021_VIPSegDataset_CityscapesPanopticDataset')

model = dict(
    type='OMGSegVideo',  # images, 2-frame clips and prompt batches in one co-training run
    data_preprocessor=dict(batch_augments=[
        dict(type='BatchFixedSizePad', size=(736, 1280), img_pad_value=0, pad_mask=True, mask_pad_value=0,
             pad_seg=True, seg_pad_value=65535)
    ]),
    panoptic_head=dict(
        num_things_classes=__num_things_classes,
        num_stuff_classes=__num_stuff_classes,
        enable_box_query=True,
        classifier=dict(bank_name=__bank_name),
        loss_cls=dict(class_weight=[1.0] * __num_classes + [0.1])),
    test_cfg=dict(object_mask_thr=0.8))
