# COCO panoptic building blocks (DATA.md §2.1-2.2, §4, §5): one uniquely named dict per dataset split.
coco_pan_video_train = dict(  # 2-frame pseudo video, 1280x736 LSJ-style crops
    type='CocoPanopticOVDataset',
    data_root='data/coco/',
    ann_file='annotations/panoptic_train2017.json',
    data_prefix=dict(img='train2017/', seg='annotations/panoptic_train2017/'),
    filter_cfg=dict(filter_empty_gt=True, min_size=32),
    pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='LoadPanopticAnnotationsHB', with_bbox=True, with_mask=True, with_seg=True),
        dict(type='ImageCopy', num_frames=2),
        dict(type='TransformBroadcaster', share_random_params=True, transforms=[
            dict(type='RandomFlip', prob=0.5),
            dict(type='RandomResize', scale=(1280, 736), ratio_range=(0.8, 2.0), keep_ratio=True)]),
        dict(type='TransformBroadcaster', share_random_params=False, transforms=[
            dict(type='RandomCrop', crop_size=(1280, 736), crop_type='absolute', recompute_bbox=True,
                 allow_negative_crop=True)]),
        dict(type='PackVidSegInputs'),
    ])

coco_pan_sam_train = dict(  # interactive (prompt) training: every non-crowd segment is an instance
    type='CocoPanopticSAMDataset',
    data_root='data/coco/',
    ann_file='annotations/panoptic_train2017.json',
    data_prefix=dict(img='train2017/', seg='annotations/panoptic_train2017/'),
    filter_cfg=dict(filter_empty_gt=True, min_size=32),
    pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='LoadPanopticAnnotationsHB', with_bbox=True, with_mask=True, with_seg=True),
        dict(type='RandomFlip', prob=0.5),
        dict(type='RandomResize', scale=(1280, 736), ratio_range=(0.1, 2.0), keep_ratio=True),
        dict(type='RandomCrop', crop_size=(1280, 736), crop_type='absolute', recompute_bbox=True,
             allow_negative_crop=True),
        dict(type='FilterAnnotationsHB', min_gt_mask_area=32),
        dict(type='PackDetInputs'),
    ])

coco_pan_test = dict(  # val2017 with mmdet's standard class names; GT stays at the original size
    type='CocoPanopticEvalDataset',  # mmdet's dataset, GT JSON and PNGs validated
    data_root='data/coco/',
    ann_file='annotations/panoptic_val2017.json',
    data_prefix=dict(img='val2017/', seg='annotations/panoptic_val2017/'),
    test_mode=True,
    pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='Resize', scale=(1333, 800), keep_ratio=True),
        dict(type='LoadPanopticAnnotations', with_bbox=True, with_mask=True, with_seg=True),
        dict(type='PackDetInputs', meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor')),
    ])

coco_pan_sam_test = dict(  # interactive evaluation on val2017 (batch size 1)
    type='CocoPanopticSAMDataset',
    data_root='data/coco/',
    ann_file='annotations/panoptic_val2017.json',
    data_prefix=dict(img='val2017/', seg='annotations/panoptic_val2017/'),
    test_mode=True,
    pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='Resize', scale=(1333, 800), keep_ratio=True),
        dict(type='LoadPanopticAnnotations', with_bbox=True, with_mask=True, with_seg=True),
        dict(type='PackDetInputs', meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor')),
    ])
