"""Toy ADE20K panoptic and Cityscapes (raw instanceIds + converted panoptic)."""
import numpy as np
import pytest
from panopticapi.utils import rgb2id
from PIL import Image

ADE = 'ade/ADEChallengeData2016'


@pytest.mark.parametrize('split,folder', [('train', 'training'), ('val', 'validation')])
def test_ade_panoptic_split_consistent(toy_root, split, folder, check_panoptic):
    ade = toy_root / ADE
    data = check_panoptic(ade / f'ade20k_panoptic_{split}.json', ade / f'ade20k_panoptic_{split}',
                                ade / 'images' / folder)
    for image in data['images']:
        assert image['file_name'] == f'{image["id"]}.jpg' and image['id'].startswith(f'ADE_{split}_')


def test_ade_categories_follow_mmdet(toy_root, read_json):
    from mmdet.datasets import ADE20KPanopticDataset
    categories = read_json(toy_root / ADE / 'ade20k_panoptic_val.json')['categories']
    assert [c['name'] for c in categories] == list(ADE20KPanopticDataset.METAINFO['classes'])
    assert [c['id'] for c in categories] == list(range(150))
    assert [c['isthing'] for c in categories] == [1] * 100 + [0] * 50


def test_mmdet_ade_dataset_reads_it(toy_root):
    from mmdet.datasets import ADE20KPanopticDataset
    dataset = ADE20KPanopticDataset(
        data_root=str(toy_root / ADE), ann_file='ade20k_panoptic_val.json',
        data_prefix=dict(img='images/validation/', seg='ade20k_panoptic_val/'), test_mode=True, pipeline=[])
    assert len(dataset) == 6
    names = {dataset.metainfo['classes'][s['category']] for i in range(len(dataset))
             for s in dataset.get_data_info(i)['segments_info']}
    assert names and names <= {'person', 'car', 'bus', 'minibike, motorbike', 'airplane', 'boat', 'animal',
                               'sky', 'wall', 'grass', 'road, route'}


def cityscapes_files(root, split):
    """(instanceIds path, leftImg8bit path) pairs of a split."""
    pairs = []
    for ids_path in sorted((root / 'gtFine' / split).glob('*/*_gtFine_instanceIds.png')):
        name = ids_path.name.replace('_gtFine_instanceIds.png', '')
        city = ids_path.parent.name
        pairs.append((ids_path, root / 'leftImg8bit' / split / city / f'{name}_leftImg8bit.png'))
    return pairs


@pytest.mark.parametrize('split,count', [('train', 8), ('val', 4)])
def test_cityscapes_instance_ids_match_converted_panoptic(toy_root, split, count, check_panoptic):
    root = toy_root / 'cityscapes'
    annotations = root / 'annotations'
    png_dir = annotations / f'cityscapes_panoptic_{split}_trainId'
    data = check_panoptic(png_dir.with_suffix('.json'), png_dir, root / 'leftImg8bit' / split)
    # hand-written original labelId -> re-ordered trainId of the classes the toy data can use
    label_to_train = {24: 0, 26: 2, 28: 4, 32: 6, 7: 8, 12: 11, 22: 17, 23: 18}
    things = {24, 26, 28, 32}
    records = {a['image_id']: a for a in data['annotations']}
    pairs = cityscapes_files(root, split)
    assert len(pairs) == count == len(records)
    crowd_seen = False
    for ids_path, image_path in pairs:
        with Image.open(ids_path) as png:
            values = np.asarray(png).astype(np.int64)
        assert image_path.exists()
        name = ids_path.name.replace('_gtFine_instanceIds.png', '')
        record = records[name]
        assert record['file_name'] == f'{ids_path.parent.name}/{name}_panoptic.png'
        with Image.open(annotations / f'cityscapes_panoptic_{split}_trainId' / record['file_name']) as png:
            pan = rgb2id(np.asarray(png))
        assert set(np.unique(values).tolist()) - {0} == {s['id'] for s in record['segments_info']}
        for seg in record['segments_info']:
            value = seg['id']
            label = value if value < 1000 else value // 1000
            assert seg['category_id'] == label_to_train[label]
            assert seg['iscrowd'] == int(value < 1000 and label in things)
            crowd_seen |= bool(seg['iscrowd'])
            assert np.array_equal(values == value, pan == value)
        assert np.array_equal(values == 0, pan == 0)  # unlabeled stays void
    if split == 'train':
        assert crowd_seen


def test_cityscapes_categories_are_the_19_train_ids(toy_root, read_json):
    data = read_json(toy_root / 'cityscapes' / 'annotations' / 'cityscapes_panoptic_val_trainId.json')
    names = [c['name'] for c in data['categories']]
    assert names[:8] == ['person', 'rider', 'car', 'truck', 'bus', 'train', 'motorcycle', 'bicycle']
    assert names[8:] == ['road', 'sidewalk', 'building', 'wall', 'fence', 'pole', 'traffic light',
                         'traffic sign', 'vegetation', 'terrain', 'sky']
    assert [c['id'] for c in data['categories']] == list(range(19))
    for image in data['images']:
        assert image['file_name'] == f'{image["id"].split("_")[0]}/{image["id"]}_leftImg8bit.png'
