# ADE20K panoptic building blocks (DATA.md §2.4, §4, §5).
ade_pan_train = dict(  # closed-set training config only
    type='ADEPanopticOVDataset',
    data_root='data/ade/ADEChallengeData2016/',
    ann_file='ade20k_panoptic_train.json',
    data_prefix=dict(img='images/training/', seg='ade20k_panoptic_train/'),
    filter_cfg=dict(filter_empty_gt=True, min_size=32),
    pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='LoadPanopticAnnotationsHB', with_bbox=True, with_mask=True, with_seg=True),
        dict(type='RandomFlip', prob=0.5),
        dict(type='RandomResize', scale=(1280, 736), ratio_range=(0.1, 2.0), keep_ratio=True),
        dict(type='RandomCrop', crop_size=(1280, 736), crop_type='absolute', recompute_bbox=True,
             allow_negative_crop=True),
        dict(type='PackDetInputs'),
    ])

ade_pan_test = dict(  # open-vocabulary evaluation, mmdet's ADE20K panoptic loader
    type='ADE20KPanopticDataset',
    data_root='data/ade/ADEChallengeData2016/',
    ann_file='ade20k_panoptic_val.json',
    data_prefix=dict(img='images/validation/', seg='ade20k_panoptic_val/'),
    test_mode=True,
    pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='Resize', scale=(2560, 640), keep_ratio=True),
        dict(type='LoadPanopticAnnotations', with_bbox=True, with_mask=True, with_seg=True),
        dict(type='PackDetInputs', meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor')),
    ])
