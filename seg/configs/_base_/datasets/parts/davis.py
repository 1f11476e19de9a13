# DAVIS 2017 building block (DATA.md §2.8, §5): evaluation only, GT at the original size.
davis_test = dict(
    type='DAVISDataset',
    data_root='data/DAVIS/',
    ann_file='ImageSets/2017/val.txt',
    data_prefix=dict(img='JPEGImages/480p/', seg='Annotations/480p/'),
    test_mode=True,
    pipeline=[
        dict(type='TransformBroadcaster', transforms=[
            dict(type='LoadImageFromFile'),
            dict(type='Resize', scale=(1280, 736), keep_ratio=True),
            dict(type='LoadVideoSegAnnotations')]),
        dict(type='PackVidSegInputs'),
    ])
