"""Toy VIPSeg (panomasks + panoptic-RGB evaluation files) and DAVIS-2017 (palette PNGs)."""
import cv2
import numpy as np
import pytest
from panopticapi.utils import rgb2id
from PIL import Image

VIP_SPLITS = {'train': 6, 'val': 3}


def video_names(list_file):
    return list_file.read_text().splitlines()


def decode_panomask(value: int):
    """DATA.md 2.7: (official class id, instance or None) of a panomask value; None for void."""
    if value in (0, 200):
        return None
    if value > 128:
        return value // 100 - 1, value % 100
    return value - 1, None


@pytest.mark.parametrize('split', VIP_SPLITS)
def test_vipseg_panomasks_decode_per_spec(toy_root, split, read_json):
    root = toy_root / 'VIPSeg'
    categories = read_json(root / 'panoVIPSeg_categories.json')
    names = video_names(root / f'{split}.txt')
    assert len(names) == VIP_SPLITS[split]
    for name in names:
        imgs = sorted(p.stem for p in (root / 'imgs' / name).glob('*.jpg'))
        masks = sorted(p.stem for p in (root / 'panomasks' / name).glob('*.png'))
        assert imgs == masks and 4 <= len(imgs) <= 8
        for stem in masks:
            values = cv2.imread(str(root / 'panomasks' / name / f'{stem}.png'), cv2.IMREAD_UNCHANGED)
            assert values.dtype == np.uint16 and values.ndim == 2
            for value in np.unique(values).tolist():
                decoded = decode_panomask(value)
                if decoded is None:
                    continue
                class_id, instance = decoded
                assert categories[class_id]['isthing'] == int(instance is not None), (name, stem, value)


def test_vipseg_categories_match_spec_order(toy_root, read_json):
    categories = read_json(toy_root / 'VIPSeg' / 'panoVIPSeg_categories.json')
    assert [c['id'] for c in categories] == list(range(124))
    things = [c['name'] for c in categories if c['isthing']]
    stuff = [c['name'] for c in categories if not c['isthing']]
    assert len(things) == 58 and len(stuff) == 66
    # DATA.md A.3: things / stuff in official-id order
    assert things[:6] == ['door', 'ladder', 'window', 'goal', 'sculpture', 'flag'] and things[-1] == 'train'
    assert stuff[:3] == ['wall', 'ceiling', 'stair'] and stuff[-1] == 'food'


@pytest.mark.parametrize('split', VIP_SPLITS)
def test_vipseg_panoptic_rgb_matches_panomasks(toy_root, split, read_json):
    root = toy_root / 'VIPSeg'
    data = read_json(root / f'panoptic_gt_VIPSeg_{split}.json')
    assert len(data['categories']) == 124
    assert [v['video_id'] for v in data['videos']] == [a['video_id'] for a in data['annotations']]
    assert [v['video_id'] for v in data['videos']] == video_names(root / f'{split}.txt')
    for video, video_anns in zip(data['videos'], data['annotations']):
        name = video['video_id']
        id_of_value = {}
        for image, ann in zip(video['images'], video_anns['annotations']):
            assert image['id'] == ann['image_id'] and image['file_name'] == ann['file_name']
            values = cv2.imread(str(root / 'panomasks' / name / image['file_name']), cv2.IMREAD_UNCHANGED)
            with Image.open(root / 'panomasksRGB' / name / image['file_name']) as png:
                ids = rgb2id(np.asarray(png))
            assert values.shape == ids.shape == (image['height'], image['width'])
            assert np.array_equal(values == 0, ids == 0)
            assert {s['id'] for s in ann['segments_info']} == set(np.unique(ids).tolist()) - {0}
            for seg in ann['segments_info']:
                mask = ids == seg['id']
                value_set = np.unique(values[mask]).tolist()
                assert len(value_set) == 1 and np.array_equal(values == value_set[0], mask)
                assert decode_panomask(value_set[0])[0] == seg['category_id']
                assert seg['area'] == int(mask.sum())
                # the same panomask value keeps one segment id in the whole video
                assert id_of_value.setdefault(value_set[0], seg['id']) == seg['id']


DAVIS_SPLITS = ('train', 'val')


def test_davis_palette_pngs(toy_root):
    root = toy_root / 'DAVIS'
    # first DAVIS palette colours, written out by hand (PASCAL-VOC colour map)
    expected = [(0, 0, 0), (128, 0, 0), (0, 128, 0), (128, 128, 0), (0, 0, 128), (128, 0, 128),
                (0, 128, 128), (128, 128, 128), (64, 0, 0), (192, 0, 0)]
    for split in DAVIS_SPLITS:
        names = video_names(root / 'ImageSets' / '2017' / f'{split}.txt')
        assert len(names) == 3
        for name in names:
            frames = sorted(p.name for p in (root / 'JPEGImages' / '480p' / name).glob('*.jpg'))
            masks = sorted(p.name for p in (root / 'Annotations' / '480p' / name).glob('*.png'))
            assert frames[0] == '00000.jpg' and [m.replace('.png', '.jpg') for m in masks] == frames
            first_ids = None
            for mask_name in masks:
                with Image.open(root / 'Annotations' / '480p' / name / mask_name) as png:
                    assert png.mode == 'P'
                    palette = np.asarray(png.getpalette()[:30]).reshape(-1, 3)
                    ids = set(np.unique(np.asarray(png)).tolist())
                assert [tuple(c) for c in palette] == expected
                if first_ids is None:
                    first_ids = ids - {0}
                    assert first_ids == set(range(1, len(first_ids) + 1)) and first_ids
                assert ids - {0} <= first_ids


def test_davis_colour_decoding_gives_object_ids(toy_root):
    """The dataset class reads the PNG as colour and decodes id = c0*1e6 + c1*1e3 + c2 (DATA.md 2.8)."""
    root = toy_root / 'DAVIS'
    name = video_names(root / 'ImageSets' / '2017' / 'val.txt')[0]
    path = root / 'Annotations' / '480p' / name / '00000.png'
    colour = cv2.imread(str(path), cv2.IMREAD_UNCHANGED).astype(np.int64)
    assert colour.ndim == 3  # palette expanded by OpenCV
    decoded = colour[..., 0] * 1_000_000 + colour[..., 1] * 1000 + colour[..., 2]
    with Image.open(path) as png:
        indices = np.asarray(png)
    assert np.array_equal(decoded == 0, indices == 0)
    assert len(np.unique(decoded)) == len(np.unique(indices))
