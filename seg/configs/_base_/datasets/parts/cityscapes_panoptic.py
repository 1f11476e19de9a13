# Cityscapes panoptic building blocks (DATA.md §2.5, §4, §5).
cityscapes_pan_train = dict(
    type='CityscapesPanopticDataset',
    data_root='data/cityscapes/',
    ann_file='annotations/cityscapes_panoptic_train_trainId.json',
    data_prefix=dict(img='leftImg8bit/train/', seg='annotations/cityscapes_panoptic_train_trainId/'),
    filter_cfg=dict(filter_empty_gt=True, min_size=32),
    pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='LoadPanopticAnnotationsHB', with_bbox=True, with_mask=True, with_seg=True),
        dict(type='RandomFlip', prob=0.5),
        dict(type='RandomResize', scale=(1280, 736), ratio_range=(0.8, 1.5), keep_ratio=True),
        dict(type='RandomCrop', crop_size=(1280, 736), crop_type='absolute', recompute_bbox=True,
             allow_negative_crop=True),
        dict(type='PackDetInputs'),
    ])

cityscapes_pan_test = dict(
    type='CityscapesPanopticDataset',
    data_root='data/cityscapes/',
    ann_file='annotations/cityscapes_panoptic_val_trainId.json',
    data_prefix=dict(img='leftImg8bit/val/', seg='annotations/cityscapes_panoptic_val_trainId/'),
    test_mode=True,
    pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='Resize', scale=(2048, 1024), keep_ratio=True),
        dict(type='LoadPanopticAnnotationsHB', with_bbox=True, with_mask=True, with_seg=True),
        dict(type='PackDetInputs', meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor',
                                              'instances')),
    ])
