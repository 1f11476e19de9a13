"""Toy COCO: panoptic PNG/JSON consistency, instances JSON via pycocotools, and mmdet loading."""
import numpy as np
import pytest
from pycocotools.coco import COCO

SPLITS = {'train': 24, 'val': 8}


@pytest.mark.parametrize('split', SPLITS)
def test_panoptic_split_consistent(toy_root, split, check_panoptic):
    coco = toy_root / 'coco'
    data = check_panoptic(coco / 'annotations' / f'panoptic_{split}2017.json',
                                coco / 'annotations' / f'panoptic_{split}2017', coco / f'{split}2017')
    assert len(data['images']) == SPLITS[split]
    for image in data['images']:
        assert image['file_name'] == f'{image["id"]:012d}.jpg'
        assert 128 <= min(image['height'], image['width']) and max(image['height'], image['width']) <= 256


def test_panoptic_categories_are_the_real_133(toy_root, read_json):
    categories = read_json(toy_root / 'coco' / 'annotations' / 'panoptic_val2017.json')['categories']
    assert len(categories) == 133
    assert [c['isthing'] for c in categories] == [1] * 80 + [0] * 53
    by_name = {c['name']: c for c in categories}
    # official COCO panoptic ids (non-contiguous), spot-checked by hand
    assert by_name['person']['id'] == 1 and by_name['stop sign']['id'] == 13
    assert by_name['toothbrush']['id'] == 90 and by_name['banner']['id'] == 92
    assert by_name['sky-other-merged']['id'] == 187 and by_name['rug-merged']['id'] == 200
    assert by_name['person']['supercategory'] == 'person' and by_name['person']['color'] == [220, 20, 60]


def test_images_vary_in_size_and_orientation(toy_root, read_json):
    images = read_json(toy_root / 'coco' / 'annotations' / 'panoptic_train2017.json')['images']
    assert len({(i['height'], i['width']) for i in images}) >= 4
    assert any(i['height'] > i['width'] for i in images)
    assert any(i['height'] < i['width'] for i in images)


def test_every_image_has_a_non_crowd_thing_and_some_have_crowd(toy_root, read_json):
    data = read_json(toy_root / 'coco' / 'annotations' / 'panoptic_train2017.json')
    thing_ids = {c['id'] for c in data['categories'] if c['isthing']}
    crowd = 0
    for ann in data['annotations']:
        assert any(s['category_id'] in thing_ids and not s['iscrowd'] for s in ann['segments_info'])
        crowd += sum(s['iscrowd'] for s in ann['segments_info'])
    assert crowd >= 1


@pytest.mark.parametrize('split', SPLITS)
def test_instances_match_panoptic_things(toy_root, split, read_json):
    annotations = toy_root / 'coco' / 'annotations'
    coco = COCO(str(annotations / f'instances_{split}2017.json'))
    panoptic = read_json(annotations / f'panoptic_{split}2017.json')
    thing_ids = {c['id'] for c in panoptic['categories'] if c['isthing']}
    assert len(coco.getCatIds()) == 80 and set(coco.getCatIds()) == thing_ids
    expected = [(p['image_id'], s['category_id'], s['area'], s['iscrowd'])
                for p in panoptic['annotations'] for s in p['segments_info'] if s['category_id'] in thing_ids]
    anns = coco.loadAnns(coco.getAnnIds())
    found = [(a['image_id'], a['category_id'], a['area'], a['iscrowd']) for a in anns]
    assert sorted(found) == sorted(expected)
    for ann in anns:
        image = coco.imgs[ann['image_id']]
        mask = coco.annToMask(ann)
        assert mask.shape == (image['height'], image['width'])
        assert mask.sum() == ann['area']
        ys, xs = np.nonzero(mask)
        assert ann['bbox'] == [xs.min(), ys.min(), xs.max() - xs.min() + 1, ys.max() - ys.min() + 1]
        # crowd as uncompressed RLE (list counts), others as compressed RLE (string counts)
        assert isinstance(ann['segmentation']['counts'], list if ann['iscrowd'] else str)


def test_mmdet_coco_panoptic_dataset_reads_it(toy_root):
    from mmdet.datasets import CocoPanopticDataset
    dataset = CocoPanopticDataset(
        data_root=str(toy_root / 'coco'), ann_file='annotations/panoptic_train2017.json',
        data_prefix=dict(img='train2017/', seg='annotations/panoptic_train2017/'),
        filter_cfg=dict(filter_empty_gt=True, min_size=32), pipeline=[])
    assert len(dataset) == SPLITS['train']  # every toy image keeps a non-crowd thing
    labels = {s['category'] for i in range(len(dataset)) for s in dataset.get_data_info(i)['segments_info']}
    assert labels and all(0 <= label < 133 for label in labels)
    names = {dataset.metainfo['classes'][label] for label in labels}
    assert 'person' in names or 'car' in names
    assert names <= {'person', 'car', 'bus', 'motorcycle', 'airplane', 'boat', 'dog', 'horse',
                     'sky-other-merged', 'wall-other-merged', 'grass-merged', 'road'}
