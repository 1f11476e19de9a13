"""tools/dataset_convert/cityscapes_panoptic.py: instanceIds PNGs -> COCO panoptic with train ids."""
import importlib.util
import json
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
TOOL = REPO / 'tools' / 'dataset_convert' / 'cityscapes_panoptic.py'
spec = importlib.util.spec_from_file_location('cityscapes_panoptic', TOOL)
converter = importlib.util.module_from_spec(spec)
spec.loader.exec_module(converter)


def test_categories_follow_the_class_list():
    from seg.datasets.class_names import load_class_names
    cats = converter.categories()
    assert [c['name'] for c in cats] == list(load_class_names('cityscapes_panoptic').classes)
    assert [c['id'] for c in cats] == list(range(19)) and sum(c['isthing'] for c in cats) == 8


def test_convert_hand_made_instance_ids():
    ids = np.array([[7, 7, 26001, 26001],   # road (stuff), car instance 1
                    [24, 24, 26002, 3],      # person crowd (label id < 1000), car instance 2, ignored id 3
                    [23, 23, 23, 23]])       # sky
    panoptic, segments = converter.convert_instance_ids(ids)
    assert [(s['id'], s['category_id'], s['iscrowd'], s['area']) for s in segments] == [
        (7, 8, 0, 2), (23, 18, 0, 4), (24, 0, 1, 2), (26001, 2, 0, 2), (26002, 2, 0, 1)]
    assert segments[3]['bbox'] == [2, 0, 2, 1]
    channels = panoptic.astype(np.int64)
    decoded = channels[..., 0] + 256 * channels[..., 1] + 65536 * channels[..., 2]
    assert decoded[0, 2] == 26001 and decoded[1, 3] == 0  # ignored label stays void


def test_toy_gtfine_converts_to_the_toy_annotations(toy_root, tmp_path):
    root = toy_root / 'cityscapes'
    written = converter.main(['--dataset-folder', str(root / 'gtFine'), '--output-folder', str(tmp_path)])
    assert [p.name for p in written] == ['cityscapes_panoptic_val_trainId.json',
                                         'cityscapes_panoptic_train_trainId.json']
    for path in written:
        ours = json.loads(path.read_text())
        theirs = json.loads((root / 'annotations' / path.name).read_text())
        assert ours == theirs
        for ann in ours['annotations']:
            png_dir = path.name[:-len('.json')]
            ours_png = np.array(Image.open(tmp_path / png_dir / ann['file_name']))
            theirs_png = np.array(Image.open(root / 'annotations' / png_dir / ann['file_name']))
            np.testing.assert_array_equal(ours_png, theirs_png)
