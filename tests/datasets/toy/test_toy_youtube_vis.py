"""Toy YouTube-VIS 2019 / 2021: official raw files and the converted COCO-video files."""
import numpy as np
import pycocotools.mask as mask_utils
import pytest
from PIL import Image

YEARS = ('2019', '2021')


def official_path(root, year, split):
    return root / f'{split}.json' if year == '2019' else root / split / 'instances.json'


@pytest.mark.parametrize('year', YEARS)
def test_official_train_tracks_decode(toy_root, year, read_json):
    root = toy_root / f'youtube_vis_{year}'
    data = read_json(official_path(root, year, 'train'))
    assert [c['id'] for c in data['categories']] == list(range(1, 41))
    videos = {v['id']: v for v in data['videos']}
    assert len(videos) == 6
    late = early = False
    for track in data['annotations']:
        video = videos[track['video_id']]
        assert len(track['segmentations']) == len(track['bboxes']) == len(track['areas']) == video['length']
        present = [s is not None for s in track['segmentations']]
        assert present == [b is not None for b in track['bboxes']] == [a is not None for a in track['areas']]
        late |= not present[0]
        early |= not present[-1]
        for frame_id, seg in enumerate(track['segmentations']):
            if seg is None:
                continue
            rle = mask_utils.frPyObjects(seg, video['height'], video['width'])
            mask = mask_utils.decode(rle)
            assert mask.shape == (video['height'], video['width'])
            assert int(mask.sum()) == track['areas'][frame_id]
            assert list(mask_utils.toBbox(rle)) == track['bboxes'][frame_id]
    assert late and early  # an object that appears late and one that disappears early


@pytest.mark.parametrize('year', YEARS)
@pytest.mark.parametrize('split', ['train', 'valid'])
def test_frames_exist_with_video_size(toy_root, year, split, read_json):
    root = toy_root / f'youtube_vis_{year}'
    data = read_json(official_path(root, year, split))
    for video in data['videos']:
        assert video['file_names'][0].endswith('/00000.jpg')
        for file_name in video['file_names']:
            with Image.open(root / split / 'JPEGImages' / file_name) as img:
                assert img.size == (video['width'], video['height'])
    assert ('annotations' in data) == (split == 'train')


@pytest.mark.parametrize('year', YEARS)
def test_converted_train_matches_official(toy_root, year, read_json):
    root = toy_root / f'youtube_vis_{year}'
    official = read_json(official_path(root, year, 'train'))
    converted = read_json(root / 'annotations' / f'youtube_vis_{year}_train.json')
    assert converted['categories'] == official['categories']
    names = [v['file_names'][0].split('/')[0] for v in official['videos']]
    assert [v['name'] for v in converted['videos']] == names
    images = converted['images']
    assert [i['id'] for i in images] == list(range(1, len(images) + 1))
    assert len(images) == sum(v['length'] for v in official['videos'])
    image_by_id = {i['id']: i for i in images}
    expected = sum(s is not None for t in official['annotations'] for s in t['segmentations'])
    assert len(converted['annotations']) == expected
    assert [a['id'] for a in converted['annotations']] == list(range(1, expected + 1))
    tracks_of_instance = {}
    for ann in converted['annotations']:
        image = image_by_id[ann['image_id']]
        assert ann['video_id'] == image['video_id']
        tracks_of_instance.setdefault(ann['instance_id'], set()).add((ann['video_id'], ann['category_id']))
        mask = mask_utils.decode(mask_utils.frPyObjects(ann['segmentation'], image['height'], image['width']))
        assert int(mask.sum()) == ann['area']
    assert all(len(v) == 1 for v in tracks_of_instance.values())
    assert sorted(tracks_of_instance) == list(range(1, len(official['annotations']) + 1))


@pytest.mark.parametrize('year', YEARS)
def test_converted_valid_has_no_annotations(toy_root, year, read_json):
    converted = read_json(toy_root / f'youtube_vis_{year}' / 'annotations' / f'youtube_vis_{year}_valid.json')
    assert 'annotations' not in converted
    assert len(converted['videos']) == 3 and converted['images']


def test_class_names_are_the_real_yt_vis_names(toy_root, read_json):
    data19 = read_json(toy_root / 'youtube_vis_2019' / 'train.json')
    data21 = read_json(toy_root / 'youtube_vis_2021' / 'train' / 'instances.json')
    assert data19['categories'][0]['name'] == 'person' and data19['categories'][5]['name'] == 'sedan'
    assert data21['categories'][0]['name'] == 'airplane' and data21['categories'][39]['name'] == 'zebra'
    used_ids = {t['category_id'] for t in data19['annotations']}
    used = {c['name'] for c in data19['categories'] if c['id'] in used_ids}
    assert used <= {'person', 'sedan', 'motorbike', 'airplane', 'boat', 'dog', 'horse'}


def test_mmdet_youtube_vis_dataset_reads_it(toy_root):
    from mmdet.datasets import YouTubeVISDataset
    dataset = YouTubeVISDataset(
        dataset_version='2019', data_root=str(toy_root / 'youtube_vis_2019'),
        ann_file='annotations/youtube_vis_2019_train.json', data_prefix=dict(img='train/JPEGImages/'),
        pipeline=[])
    assert len(dataset) == 6
    video = dataset.get_data_info(0)
    assert video['video_length'] == len(video['images'])
    instances = [inst for img in video['images'] for inst in img['instances']]
    assert instances and all(0 <= inst['bbox_label'] < 40 for inst in instances)
    assert np.all([inst['instance_id'] >= 1 for inst in instances])
