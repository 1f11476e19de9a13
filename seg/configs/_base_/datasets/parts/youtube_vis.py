# YouTube-VIS 2019 / 2021 building blocks (DATA.md §2.6, §4, §5): 2-frame clips, frames 2 apart.
yt19_train = dict(
    type='YouTubeVISDatasetV2',
    dataset_version='2019',
    data_root='data/youtube_vis_2019/',
    ann_file='annotations/youtube_vis_2019_train.json',
    data_prefix=dict(img_path='train/JPEGImages'),
    filter_cfg=dict(filter_empty_gt=True, min_size=32),
    pipeline=[
        dict(type='VideoClipSample', num_selected=2, interval=2),
        dict(type='TransformBroadcaster', share_random_params=True, transforms=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadTrackAnnotationsHB', with_mask=True),
            dict(type='AddSemSeg'),
            dict(type='RandomResize', scale=(1280, 736), ratio_range=(0.8, 2.0), keep_ratio=True),
            dict(type='RandomCrop', crop_size=(1280, 736), crop_type='absolute', recompute_bbox=True,
                 allow_negative_crop=True),
            dict(type='RandomFlip', prob=0.5)]),
        dict(type='PackVidSegInputs'),
    ])

yt19_test = dict(  # whole videos, batch size 1
    type='YouTubeVISDatasetV2',
    dataset_version='2019',
    data_root='data/youtube_vis_2019/',
    ann_file='annotations/youtube_vis_2019_valid.json',
    data_prefix=dict(img_path='valid/JPEGImages'),
    test_mode=True,
    pipeline=[
        dict(type='TransformBroadcaster', transforms=[
            dict(type='LoadImageFromFile'),
            dict(type='Resize', scale=(1280, 736), keep_ratio=True),
            dict(type='LoadTrackAnnotations', with_mask=True)]),
        dict(type='PackTrackInputs'),
    ])

yt21_train = dict(yt19_train, dataset_version='2021', data_root='data/youtube_vis_2021/',
                  ann_file='annotations/youtube_vis_2021_train.json')
yt21_test = dict(yt19_test, dataset_version='2021', data_root='data/youtube_vis_2021/',
                 ann_file='annotations/youtube_vis_2021_valid.json')
