"""Broken annotations are rejected early, with the file and the record named."""
import copy
import json
import shutil

import numpy as np
import pytest
from mmdet.registry import DATASETS
from PIL import Image

from seg.datasets import AnnotationError


def build(cfg_dataset, **overrides):
    cfg = copy.deepcopy(cfg_dataset)
    cfg.update(overrides)
    return DATASETS.build(cfg)


def write_json(tmp_path, content, name='broken.json'):
    path = tmp_path / name
    path.write_text(json.dumps(content))
    return str(path)


@pytest.fixture
def coco(toy_config, toy_root):
    cfg = toy_config('toy_coco_panoptic').train_dataloader.dataset
    content = json.loads((toy_root / 'coco' / 'annotations' / 'panoptic_train2017.json').read_text())
    return cfg, content


def test_unknown_category(coco, tmp_path):
    cfg, content = coco
    ann = content['annotations'][2]
    ann['segments_info'][1]['category_id'] = 9999
    path = write_json(tmp_path, content)
    with pytest.raises(AnnotationError) as info:
        build(cfg, ann_file=path)
    message = str(info.value)
    assert path in message and f'image_id={ann["image_id"]}' in message
    assert f'segments_info[1] (id={ann["segments_info"][1]["id"]})' in message and '9999' in message


def test_unknown_image_and_missing_record(coco, tmp_path):
    cfg, content = coco
    broken = copy.deepcopy(content)
    broken['annotations'][0]['image_id'] = 123456789
    with pytest.raises(AnnotationError, match=r'annotations\[0\].*unknown image_id 123456789'):
        build(cfg, ann_file=write_json(tmp_path, broken))
    broken = copy.deepcopy(content)
    dropped = broken['annotations'].pop(3)
    with pytest.raises(AnnotationError, match=rf'images\[\d+\] \(id={dropped["image_id"]}\) has no record'):
        build(cfg, ann_file=write_json(tmp_path, broken))


def test_missing_key_and_malformed_bbox(coco, tmp_path):
    cfg, content = coco
    broken = copy.deepcopy(content)
    del broken['annotations'][1]['segments_info'][0]['bbox']
    expected = r"annotations\[1\].*segments_info\[0\].*lacks key\(s\) \['bbox'\]"
    with pytest.raises(AnnotationError, match=expected):
        build(cfg, ann_file=write_json(tmp_path, broken))
    broken = copy.deepcopy(content)
    broken['annotations'][1]['segments_info'][0]['bbox'] = [1, 2, 3]
    with pytest.raises(AnnotationError, match=r'malformed bbox \[1, 2, 3\]'):
        build(cfg, ann_file=write_json(tmp_path, broken))
    del broken['images']
    with pytest.raises(AnnotationError, match="top-level key 'images'"):
        build(cfg, ann_file=write_json(tmp_path, broken))


def test_category_table_must_match_the_class_list(coco, tmp_path):
    cfg, content = coco
    broken = copy.deepcopy(content)
    broken['categories'].pop()
    with pytest.raises(AnnotationError, match='132 categories, but CocoPanopticOVDataset expects 133'):
        build(cfg, ann_file=write_json(tmp_path, broken))
    broken = copy.deepcopy(content)
    broken['categories'][0]['isthing'] = 0
    with pytest.raises(AnnotationError, match=r'categories\[0\] \(id=1\) has isthing=0'):
        build(cfg, ann_file=write_json(tmp_path, broken))


def test_invalid_json_and_missing_file(coco, tmp_path):
    cfg, _ = coco
    path = tmp_path / 'bad.json'
    path.write_text('{"images": [')
    with pytest.raises(AnnotationError, match=f'{path}: not valid JSON'):
        build(cfg, ann_file=str(path))
    with pytest.raises(AnnotationError, match='annotation file not found'):
        build(cfg, ann_file=str(tmp_path / 'absent.json'))


def test_missing_png_names_the_image(toy_config, toy_root, tmp_path):
    cfg = toy_config('toy_coco_panoptic').train_dataloader.dataset
    seg_dir = tmp_path / 'seg'
    shutil.copytree(toy_root / 'coco' / 'annotations' / 'panoptic_train2017', seg_dir)
    dataset = build(cfg, data_prefix=dict(img='train2017/', seg=str(seg_dir) + '/'))
    info = dataset.get_data_info(0)
    (seg_dir / info['seg_map_path'].split('/')[-1]).unlink()
    with pytest.raises(FileNotFoundError, match=rf"{info['seg_map_path']} of image id={info['img_id']}"):
        dataset.pipeline(copy.deepcopy(info))


def test_youtube_vis_bad_records(toy_config, toy_root, tmp_path):
    cfg = toy_config('toy_youtube_vis_2019').train_dataloader.dataset
    ann_file = toy_root / 'youtube_vis_2019' / 'annotations' / 'youtube_vis_2019_train.json'
    content = json.loads(ann_file.read_text())
    broken = copy.deepcopy(content)
    broken['annotations'][4]['category_id'] = 77
    path = write_json(tmp_path, broken)
    expected = rf"{path}: annotations\[4\] \(id=.*\) has unknown category_id 77"
    with pytest.raises(AnnotationError, match=expected):
        build(cfg, ann_file=path)
    broken = copy.deepcopy(content)
    broken['images'][0]['video_id'] = 999
    with pytest.raises(AnnotationError, match=r'images\[0\] .*unknown video_id 999'):
        build(cfg, ann_file=write_json(tmp_path, broken))
    with pytest.raises(AnnotationError, match='are missing \\(is it the other year\\?\\)'):
        build(cfg, dataset_version='2021')


def copy_vipseg(toy_root, tmp_path):
    root = tmp_path / 'VIPSeg'
    shutil.copytree(toy_root / 'VIPSeg', root)
    return root


def test_vipseg_missing_folder_frame_and_bad_values(toy_config, toy_root, tmp_path):
    cfg = toy_config('toy_vipseg').train_dataloader.dataset
    root = copy_vipseg(toy_root, tmp_path)
    videos = (root / 'train.txt').read_text().split()
    (root / 'bad.txt').write_text(videos[0] + '\nno_such_video\n')
    with pytest.raises(AnnotationError, match=r"bad.txt: video 'no_such_video' has no frame folder"):
        build(cfg, data_root=str(root), ann_file='bad.txt')
    masks = sorted((root / 'panomasks' / videos[0]).iterdir())
    masks[1].unlink()
    expected = rf"video '{videos[0]}' frame '{masks[1].stem}.jpg' has no mask"
    with pytest.raises(AnnotationError, match=expected):
        build(cfg, data_root=str(root))
    with pytest.raises(AnnotationError, match='video list file not found'):
        build(cfg, data_root=str(root), ann_file='absent.txt')


def test_vipseg_png_out_of_range_names_the_png(toy_config, toy_root, tmp_path):
    cfg = toy_config('toy_vipseg').train_dataloader.dataset
    root = copy_vipseg(toy_root, tmp_path)
    dataset = build(cfg, data_root=str(root))
    frame = dataset.get_data_info(0)['images'][0]
    Image.fromarray(np.full((4, 4), 126 * 100 + 1, dtype=np.uint16)).save(frame['seg_map_path'])
    from seg.datasets.transforms import LoadVideoSegAnnotations
    with pytest.raises(ValueError, match=rf"{frame['seg_map_path']}: VIPSeg panomask has values outside"):
        LoadVideoSegAnnotations().transform(dict(frame))
