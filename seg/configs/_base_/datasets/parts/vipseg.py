# VIPSeg building blocks (DATA.md §2.7, §4, §5): frame folders + panomasks, no cache file.
vipseg_train = dict(
    type='VIPSegDataset',
    data_root='data/VIPSeg/',
    ann_file='train.txt',
    data_prefix=dict(img='imgs/', seg='panomasks/'),
    pipeline=[
        dict(type='VideoClipSample', num_selected=2, interval=2),
        dict(type='TransformBroadcaster', share_random_params=True, transforms=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadVideoSegAnnotations'),
            dict(type='RandomResize', scale=(1280, 736), ratio_range=(0.8, 2.0), keep_ratio=True),
            dict(type='RandomCrop', crop_size=(1280, 736), crop_type='absolute', recompute_bbox=True,
                 allow_negative_crop=True),
            dict(type='RandomFlip', prob=0.5)]),
        dict(type='PackVidSegInputs'),
    ])

vipseg_test = dict(  # evaluated at the 720p-resized resolution (ResizeOri)
    type='VIPSegDataset',
    data_root='data/VIPSeg/',
    ann_file='val.txt',
    data_prefix=dict(img='imgs/', seg='panomasks/'),
    test_mode=True,
    pipeline=[
        dict(type='TransformBroadcaster', transforms=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadVideoSegAnnotations'),
            dict(type='Resize', scale=(1280, 736), keep_ratio=True),
            dict(type='ResizeOri')]),
        dict(type='PackVidSegInputs'),
    ])
