"""Datasets and converters: malformed masks, missing frames, ground truth that contradicts itself."""
from __future__ import annotations

import functools
import json
import shutil
import tempfile
from pathlib import Path

from fault_case import Case, error_of, run_cli

LOADER = dict(type='LoadPanopticAnnotationsHB', with_bbox=True, with_mask=True, with_seg=True)


@functools.cache
def toy() -> Path:
    """The toy COCO and YouTube-VIS 2019 data, generated once per process."""
    from seg.datasets.toy import make_toy_data
    root = Path(tempfile.mkdtemp(prefix='fault_cases_toy_'))
    make_toy_data(root, seed=0, datasets=['coco', 'youtube_vis_2019'])
    return root


def build(**cfg):
    from mmdet.registry import DATASETS
    from mmengine.registry import init_default_scope

    import seg  # noqa: F401
    init_default_scope('mmdet')
    return DATASETS.build(cfg)


def _json(tmp: Path, relative: str, edit) -> tuple[str, dict]:
    content = json.loads((toy() / relative).read_text())
    edit(content)
    path = tmp / Path(relative).name
    path.write_text(json.dumps(content))
    return str(path), content


def _ytvis(tmp: Path, edit) -> str:
    path, _ = _json(tmp, 'youtube_vis_2019/annotations/youtube_vis_2019_train.json', edit)
    return error_of(build, type='YouTubeVISDatasetV2', dataset_version='2019', ann_file=path,
                    data_prefix=dict(img_path=''), pipeline=[])


def ytvis_train_rle_short(tmp):
    def edit(content):
        segmentation = content['annotations'][3]['segmentation']
        segmentation['counts'] = [5, 10]
    return _ytvis(tmp, edit)


def ytvis_category_not_mapped(tmp):
    def edit(content):
        content['categories'].append({'supercategory': 'object', 'id': 99, 'name': 'unicorn'})
        content['annotations'][0]['category_id'] = 99
    return _ytvis(tmp, edit)


def coco_instances_garbage_rle(tmp):
    def edit(content):
        ann = next(a for a in content['annotations'] if isinstance(a['segmentation'], dict))
        ann['segmentation']['counts'] = 'zzzz'
    path, _ = _json(tmp, 'coco/annotations/instances_train2017.json', edit)
    return error_of(build, type='CocoOVDataset', ann_file=path, data_prefix=dict(img=''), pipeline=[])


def vis_to_coco_missing_frames(tmp):
    root = tmp / 'yv'
    root.mkdir()
    official = json.loads((toy() / 'youtube_vis_2019' / 'train.json').read_text())
    official['annotations'][1]['segmentations'].pop()
    (root / 'train.json').write_text(json.dumps(official))
    return run_cli('tools/dataset_convert/vis_to_coco.py', '-i', str(root), '-o', str(tmp / 'out'),
                   '--version', '2019', '--splits', 'train')


def _panoptic(tmp: Path, split: str, edit) -> tuple[str, str, dict]:
    """Broken copy of the toy panoptic JSON of ``split`` and a copy of its PNG folder."""
    seg_dir = tmp / f'panoptic_{split}2017'
    shutil.copytree(toy() / 'coco' / 'annotations' / f'panoptic_{split}2017', seg_dir)
    path, content = _json(tmp, f'coco/annotations/panoptic_{split}2017.json', edit)
    return path, str(seg_dir) + '/', content


def _load_first(tmp: Path, edit) -> str:
    path, seg_dir, _ = _panoptic(tmp, 'train', edit)
    dataset = build(type='CocoPanopticOVDataset', ann_file=path, data_prefix=dict(img='', seg=seg_dir),
                    pipeline=[LOADER])
    info = dataset.get_data_info(0)
    return error_of(dataset.pipeline, dict(info, ori_shape=(info['height'], info['width'])))


def panoptic_png_id_not_in_json(tmp):
    return _load_first(tmp, lambda content: content['annotations'][0]['segments_info'].pop(0))


def panoptic_json_segment_not_in_png(tmp):
    def edit(content):
        content['annotations'][0]['segments_info'].append(
            {'id': 12345, 'category_id': 1, 'iscrowd': 0, 'bbox': [0, 0, 2, 2], 'area': 4})
    return _load_first(tmp, edit)


def panoptic_test_png_id_not_in_json(tmp):
    path, seg_dir, _ = _panoptic(tmp, 'val', lambda c: c['annotations'][0]['segments_info'].pop(0))
    return error_of(build, type='CocoPanopticEvalDataset', ann_file=path,
                    data_prefix=dict(img='', seg=seg_dir), test_mode=True, pipeline=[])


def panoptic_test_unmapped_category(tmp):
    def edit(content):
        content['annotations'][0]['segments_info'][1]['category_id'] = 9999
    path, seg_dir, _ = _panoptic(tmp, 'val', edit)
    return error_of(build, type='CocoPanopticEvalDataset', ann_file=path,
                    data_prefix=dict(img='', seg=seg_dir), test_mode=True, pipeline=[])


CASES = [
    Case(5, 'YT-VIS training annotation whose RLE counts do not sum to H x W',
         'DIR/youtube_vis_2019_train.json: annotations[3] (id=4) (image_id=2, frame 1 of video 1): RLE '
         'counts sum to 15, expected height x width = 128 x 224 = 28672', ytvis_train_rle_short),
    Case(5, 'COCO instances training annotation with garbage RLE counts',
         "DIR/instances_train2017.json: annotations[0] (id=1) (image_id=9): RLE counts contain 'z' at "
         "character 0; compressed counts use only '0'..'o'", coco_instances_garbage_rle),
    Case(5, 'official YT-VIS track with fewer per-frame segmentations than frames (`vis_to_coco.py`)',
         'error: DIR/yv/train.json: annotations[1] (id=2): "segmentations" has 5 entries for video 1 of 6 '
         'frames (one per frame, null where absent)', vis_to_coco_missing_frames),
    Case(10, 'panoptic PNG id absent from `segments_info` (training loader)',
         'DIR/panoptic_train2017/000000000009.png: segment ids [11829830] of image id=9 are in the PNG but '
         'not in segments_info (their pixels would become void)', panoptic_png_id_not_in_json),
    Case(10, 'JSON segment absent from the panoptic PNG (training loader)',
         'DIR/panoptic_train2017/000000000009.png: segments_info ids [12345] of image id=9 have no pixels in '
         'the PNG (they would be empty masks)', panoptic_json_segment_not_in_png),
    Case(10, 'panoptic test GT PNG id absent from `segments_info` (`CocoPanopticEvalDataset`)',
         'DIR/panoptic_val2017/000000100000.png: segment ids [11829830] of image id=100000 are in the PNG '
         'but not in segments_info (their pixels would become void)', panoptic_test_png_id_not_in_json),
    Case(10, 'unmapped category in the panoptic test GT (`CocoPanopticEvalDataset`)',
         'DIR/panoptic_val2017.json: annotations[0] (image_id=100000) segments_info[1] (id=10025880) has '
         'unknown category_id 9999', panoptic_test_unmapped_category),
    Case(10, 'YT-VIS category declared in the JSON but not a class of the dataset',
         "DIR/youtube_vis_2019_train.json: categories 'unicorn' (1 annotations) are not classes of "
         'YouTube-VIS 2019; their annotations would be dropped (rename them or remove the annotations)',
         ytvis_category_not_mapped),
]
