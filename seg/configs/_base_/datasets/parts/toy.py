# Toy building blocks: the real dataset classes and pipelines on data/toy (make_toy_data.py) with
# 192x128 (W x H) resize/crop targets so that CPU runs are fast. Sizes and repeats are the only changes.
toy_data_root = 'data/toy/'
toy_scale = (192, 128)
toy_crop = dict(type='RandomCrop', crop_size=toy_scale, crop_type='absolute', recompute_bbox=True,
                allow_negative_crop=True)
toy_pan_load = [dict(type='LoadImageFromFile'),
                dict(type='LoadPanopticAnnotationsHB', with_bbox=True, with_mask=True, with_seg=True)]
toy_image_test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=toy_scale, keep_ratio=True),
    dict(type='LoadPanopticAnnotations', with_bbox=True, with_mask=True, with_seg=True),
    dict(type='PackDetInputs', meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor')),
]

toy_coco_pan_video_train = dict(
    type='CocoPanopticOVDataset',
    data_root=toy_data_root + 'coco/',
    ann_file='annotations/panoptic_train2017.json',
    data_prefix=dict(img='train2017/', seg='annotations/panoptic_train2017/'),
    filter_cfg=dict(filter_empty_gt=True, min_size=32),
    pipeline=toy_pan_load + [
        dict(type='ImageCopy', num_frames=2),
        dict(type='TransformBroadcaster', share_random_params=True, transforms=[
            dict(type='RandomFlip', prob=0.5),
            dict(type='RandomResize', scale=toy_scale, ratio_range=(0.8, 2.0), keep_ratio=True)]),
        dict(type='TransformBroadcaster', share_random_params=False, transforms=[toy_crop]),
        dict(type='PackVidSegInputs'),
    ])
toy_coco_pan_sam_train = dict(
    toy_coco_pan_video_train,
    type='CocoPanopticSAMDataset',
    pipeline=toy_pan_load + [
        dict(type='RandomFlip', prob=0.5),
        dict(type='RandomResize', scale=toy_scale, ratio_range=(0.1, 2.0), keep_ratio=True),
        toy_crop,
        dict(type='FilterAnnotationsHB', min_gt_mask_area=32),
        dict(type='PackDetInputs'),
    ])
toy_coco_pan_test = dict(
    type='CocoPanopticEvalDataset',
    data_root=toy_data_root + 'coco/',
    ann_file='annotations/panoptic_val2017.json',
    data_prefix=dict(img='val2017/', seg='annotations/panoptic_val2017/'),
    test_mode=True,
    pipeline=toy_image_test_pipeline)
toy_cityscapes_pan_train = dict(
    type='CityscapesPanopticDataset',
    data_root=toy_data_root + 'cityscapes/',
    ann_file='annotations/cityscapes_panoptic_train_trainId.json',
    data_prefix=dict(img='leftImg8bit/train/', seg='annotations/cityscapes_panoptic_train_trainId/'),
    filter_cfg=dict(filter_empty_gt=True, min_size=32),
    pipeline=toy_pan_load + [
        dict(type='RandomFlip', prob=0.5),
        dict(type='RandomResize', scale=toy_scale, ratio_range=(0.8, 1.5), keep_ratio=True),
        toy_crop,
        dict(type='PackDetInputs'),
    ])
toy_ade_pan_train = dict(
    type='ADEPanopticOVDataset',
    data_root=toy_data_root + 'ade/ADEChallengeData2016/',
    ann_file='ade20k_panoptic_train.json',
    data_prefix=dict(img='images/training/', seg='ade20k_panoptic_train/'),
    filter_cfg=dict(filter_empty_gt=True, min_size=32),
    pipeline=toy_pan_load + [
        dict(type='RandomFlip', prob=0.5),
        dict(type='RandomResize', scale=toy_scale, ratio_range=(0.1, 2.0), keep_ratio=True),
        toy_crop,
        dict(type='PackDetInputs'),
    ])
toy_clip_augment = [
    dict(type='RandomResize', scale=toy_scale, ratio_range=(0.8, 2.0), keep_ratio=True),
    toy_crop,
    dict(type='RandomFlip', prob=0.5),
]
toy_yt19_train = dict(
    type='YouTubeVISDatasetV2',
    dataset_version='2019',
    data_root=toy_data_root + 'youtube_vis_2019/',
    ann_file='annotations/youtube_vis_2019_train.json',
    data_prefix=dict(img_path='train/JPEGImages'),
    filter_cfg=dict(filter_empty_gt=True, min_size=32),
    pipeline=[
        dict(type='VideoClipSample', num_selected=2, interval=2),
        dict(type='TransformBroadcaster', share_random_params=True, transforms=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadTrackAnnotationsHB', with_mask=True),
            dict(type='AddSemSeg')] + toy_clip_augment),
        dict(type='PackVidSegInputs'),
    ])
toy_yt19_test = dict(
    type='YouTubeVISDatasetV2',
    dataset_version='2019',
    data_root=toy_data_root + 'youtube_vis_2019/',
    ann_file='annotations/youtube_vis_2019_valid.json',
    data_prefix=dict(img_path='valid/JPEGImages'),
    test_mode=True,
    pipeline=[
        dict(type='TransformBroadcaster', transforms=[
            dict(type='LoadImageFromFile'),
            dict(type='Resize', scale=toy_scale, keep_ratio=True),
            dict(type='LoadTrackAnnotations', with_mask=True)]),
        dict(type='PackTrackInputs'),
    ])
toy_yt21_train = dict(toy_yt19_train, dataset_version='2021', data_root=toy_data_root + 'youtube_vis_2021/',
                      ann_file='annotations/youtube_vis_2021_train.json')
toy_yt21_test = dict(toy_yt19_test, dataset_version='2021', data_root=toy_data_root + 'youtube_vis_2021/',
                     ann_file='annotations/youtube_vis_2021_valid.json')
toy_vipseg_train = dict(
    type='VIPSegDataset',
    data_root=toy_data_root + 'VIPSeg/',
    ann_file='train.txt',
    data_prefix=dict(img='imgs/', seg='panomasks/'),
    pipeline=[
        dict(type='VideoClipSample', num_selected=2, interval=2),
        dict(type='TransformBroadcaster', share_random_params=True, transforms=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadVideoSegAnnotations')] + toy_clip_augment),
        dict(type='PackVidSegInputs'),
    ])
toy_vipseg_test = dict(
    type='VIPSegDataset',
    data_root=toy_data_root + 'VIPSeg/',
    ann_file='val.txt',
    data_prefix=dict(img='imgs/', seg='panomasks/'),
    test_mode=True,
    pipeline=[
        dict(type='TransformBroadcaster', transforms=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadVideoSegAnnotations'),
            dict(type='Resize', scale=toy_scale, keep_ratio=True),
            dict(type='ResizeOri')]),
        dict(type='PackVidSegInputs'),
    ])
toy_davis_test = dict(
    type='DAVISDataset',
    data_root=toy_data_root + 'DAVIS/',
    ann_file='ImageSets/2017/val.txt',
    data_prefix=dict(img='JPEGImages/480p/', seg='Annotations/480p/'),
    test_mode=True,
    pipeline=[
        dict(type='TransformBroadcaster', transforms=[
            dict(type='LoadImageFromFile'),
            dict(type='Resize', scale=toy_scale, keep_ratio=True),
            dict(type='LoadVideoSegAnnotations')]),
        dict(type='PackVidSegInputs'),
    ])
