"""tools/dataset_convert/vis_to_coco.py: official YouTube-VIS JSON -> COCO-video JSON (DATA.md §2.6)."""
import importlib.util
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TOOL = REPO / 'tools' / 'dataset_convert' / 'vis_to_coco.py'
spec = importlib.util.spec_from_file_location('vis_to_coco', TOOL)
vis_to_coco = importlib.util.module_from_spec(spec)
spec.loader.exec_module(vis_to_coco)

def rle(area):
    """Uncompressed RLE of a 3 x 4 frame whose last ``area`` pixels are foreground."""
    return dict(size=[3, 4], counts=[12 - area, area])


S0, S2, T0, U1 = rle(1), rle(4), rle(4), rle(9)
OFFICIAL = dict(
    categories=[dict(id=1, name='person'), dict(id=2, name='dog')],
    videos=[dict(id=7, width=4, height=3, length=3, file_names=['vidA/0.jpg', 'vidA/5.jpg', 'vidA/10.jpg']),
            dict(id=9, width=4, height=3, length=1, file_names=['vidB/0.jpg'])],
    annotations=[
        dict(id=1, video_id=7, category_id=2, iscrowd=0, bboxes=[[0, 0, 1, 1], None, [1, 1, 2, 2]],
             segmentations=[S0, None, S2], areas=[1, None, 4]),
        dict(id=2, video_id=9, category_id=1, iscrowd=0, bboxes=[[0, 0, 2, 2]], segmentations=[T0],
             areas=[4]),
        dict(id=3, video_id=7, category_id=1, iscrowd=0, bboxes=[None, [0, 0, 3, 3], None],
             segmentations=[None, U1, None], areas=[None, 9, None]),
    ])


def test_convert_hand_made_official_file():
    out = vis_to_coco.convert(OFFICIAL, with_annotations=True)
    assert out['videos'] == [dict(id=7, name='vidA', width=4, height=3),
                             dict(id=9, name='vidB', width=4, height=3)]
    assert [(i['id'], i['file_name'], i['frame_id'], i['video_id']) for i in out['images']] == [
        (1, 'vidA/0.jpg', 0, 7), (2, 'vidA/5.jpg', 1, 7), (3, 'vidA/10.jpg', 2, 7), (4, 'vidB/0.jpg', 0, 9)]
    got = [(a['id'], a['image_id'], a['instance_id'], a['category_id'], a['segmentation'])
           for a in out['annotations']]
    assert got == [(1, 1, 1, 2, S0), (2, 2, 3, 1, U1), (3, 3, 1, 2, S2), (4, 4, 2, 1, T0)]
    assert 'annotations' not in vis_to_coco.convert(OFFICIAL, with_annotations=False)


def test_convert_rejects_unknown_video():
    broken = dict(OFFICIAL, annotations=[dict(OFFICIAL['annotations'][0], video_id=99)])
    with pytest.raises(ValueError, match=r'src.json: annotations refer to unknown video ids \[99\]'):
        vis_to_coco.convert(broken, with_annotations=True, source='src.json')


@pytest.mark.parametrize('version', ['2019', '2021'])
def test_toy_official_files_convert_to_the_toy_annotations(toy_root, tmp_path, version):
    root = toy_root / f'youtube_vis_{version}'
    written = vis_to_coco.main(['-i', str(root), '-o', str(tmp_path), '--version', version])
    assert [p.name for p in written] == [f'youtube_vis_{version}_{s}.json' for s in ('train', 'valid')]
    for path in written:
        assert json.loads(path.read_text()) == json.loads((root / 'annotations' / path.name).read_text())


def test_convert_rejects_missing_frames_and_broken_masks():
    short = dict(OFFICIAL['annotations'][0], segmentations=[S0, None])
    expected = (r'src.json: annotations\[0\] \(id=1\): "segmentations" has 2 entries for video 7 of 3 frames '
                r'\(one per frame, null where absent\)')
    with pytest.raises(ValueError, match=expected):
        vis_to_coco.convert(dict(OFFICIAL, annotations=[short]), with_annotations=True, source='src.json')
    broken = dict(OFFICIAL['annotations'][0], segmentations=[S0, None, dict(size=[3, 4], counts='05')])
    expected = r'annotations\[0\] \(id=1\): frame 2 of video 7: RLE counts sum to 5, expected height x width'
    with pytest.raises(ValueError, match=expected + ' = 3 x 4 = 12'):
        vis_to_coco.convert(dict(OFFICIAL, annotations=[broken]), with_annotations=True, source='src.json')
