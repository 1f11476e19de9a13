"""Convert Cityscapes ``*_gtFine_instanceIds.png`` to COCO panoptic with re-ordered train ids.

``python tools/dataset_convert/cityscapes_panoptic.py --dataset-folder data/cityscapes/gtFine``

Writes ``<output>/cityscapes_panoptic_{split}_trainId.json`` and the PNGs
``<output>/cityscapes_panoptic_{split}_trainId/<city>/<name>_panoptic.png`` (default output: the
``gtFine`` folder's sibling ``annotations``). Category ids are the OMG-Seg train ids: the 8 things
(person ... bicycle) are 0-7 and the 11 stuff classes 8-18; labels ignored in evaluation are dropped.
Instance-id PNG values below 1000 are a semantic label id (crowd region for thing classes); values
from 1000 encode ``label_id * 1000 + instance``. The PNG colour of segment id ``s`` is
``(s % 256, s // 256 % 256, s // 65536)``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

# Cityscapes label id, colour and supercategory of each class, in OMG-Seg train-id order (App. A.6).
CITYSCAPES_LABELS = (
    ('person', 24, (220, 20, 60), 'human'), ('rider', 25, (255, 0, 0), 'human'),
    ('car', 26, (0, 0, 142), 'vehicle'), ('truck', 27, (0, 0, 70), 'vehicle'),
    ('bus', 28, (0, 60, 100), 'vehicle'), ('train', 31, (0, 80, 100), 'vehicle'),
    ('motorcycle', 32, (0, 0, 230), 'vehicle'), ('bicycle', 33, (119, 11, 32), 'vehicle'),
    ('road', 7, (128, 64, 128), 'flat'), ('sidewalk', 8, (244, 35, 232), 'flat'),
    ('building', 11, (70, 70, 70), 'construction'), ('wall', 12, (102, 102, 156), 'construction'),
    ('fence', 13, (190, 153, 153), 'construction'), ('pole', 17, (153, 153, 153), 'object'),
    ('traffic light', 19, (250, 170, 30), 'object'), ('traffic sign', 20, (220, 220, 0), 'object'),
    ('vegetation', 21, (107, 142, 35), 'nature'), ('terrain', 22, (152, 251, 152), 'nature'),
    ('sky', 23, (70, 130, 180), 'sky'),
)
NUM_THINGS = 8
SUFFIX = '_gtFine_instanceIds.png'


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options (same names as the reference createPanopticImgs.py)."""
    parser = argparse.ArgumentParser(description='Cityscapes instanceIds -> COCO panoptic (train ids).')
    parser.add_argument('--dataset-folder', default='data/cityscapes/gtFine',
                        help='the gtFine folder (holding <split>/<city>/*_instanceIds.png)')
    parser.add_argument('--output-folder', help='default: <dataset-folder>/../annotations')
    parser.add_argument('--set-names', nargs='+', default=['val', 'train'], help='splits to convert')
    return parser.parse_args(argv)


def categories() -> list[dict]:
    """The 19 categories with train ids (things first)."""
    return [dict(id=train_id, name=name, color=list(color), supercategory=supercategory,
                 isthing=int(train_id < NUM_THINGS))
            for train_id, (name, _, color, supercategory) in enumerate(CITYSCAPES_LABELS)]


def train_id_of_label_id() -> dict[int, int]:
    """Cityscapes label id -> OMG-Seg train id (evaluated classes only)."""
    return {label_id: train_id for train_id, (_, label_id, _, _) in enumerate(CITYSCAPES_LABELS)}


def convert_instance_ids(instance_ids: np.ndarray) -> tuple[np.ndarray, list[dict]]:
    """(panoptic RGB image, segments_info) of one ``*_instanceIds.png`` array."""
    train_ids = train_id_of_label_id()
    panoptic = np.zeros((*instance_ids.shape, 3), dtype=np.uint8)
    segments = []
    for segment_id in np.unique(instance_ids):
        segment_id = int(segment_id)
        label_id, is_crowd = (segment_id, 1) if segment_id < 1000 else (segment_id // 1000, 0)
        if label_id not in train_ids:
            continue
        category_id = train_ids[label_id]
        if category_id >= NUM_THINGS:
            is_crowd = 0
        mask = instance_ids == segment_id
        panoptic[mask] = (segment_id % 256, segment_id // 256 % 256, segment_id // 65536)
        cols, rows = np.nonzero(mask.any(axis=0))[0], np.nonzero(mask.any(axis=1))[0]
        bbox = [int(cols[0]), int(rows[0]), int(cols[-1] - cols[0] + 1), int(rows[-1] - rows[0] + 1)]
        segments.append(dict(id=segment_id, category_id=category_id, area=int(mask.sum()), bbox=bbox,
                             iscrowd=is_crowd))
    return panoptic, segments


def convert_split(dataset_folder: Path, output_folder: Path, split: str) -> Path | None:
    """Convert one split; returns the JSON path (None when the split folder has no file)."""
    import cv2
    from tqdm import tqdm

    from seg.utils.atomic import atomic_write_bytes, atomic_write_json

    files = sorted((dataset_folder / split).glob(f'*/*{SUFFIX}'))
    if not files:
        print(f'[cityscapes_panoptic] {split}: no *{SUFFIX} under {dataset_folder / split}, skipped')
        return None
    png_root = output_folder / f'cityscapes_panoptic_{split}_trainId'
    images, annotations = [], []
    for path in tqdm(files, desc=f'cityscapes {split}'):
        instance_ids = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
        if instance_ids is None or instance_ids.ndim != 2:
            raise ValueError(f'{path}: not a single-channel instance-id PNG')
        city, name = path.parent.name, path.name[:-len(SUFFIX)]
        panoptic, segments = convert_instance_ids(instance_ids.astype(np.int64))
        png_name = f'{city}/{name}_panoptic.png'
        ok, encoded = cv2.imencode('.png', panoptic[..., ::-1])
        if not ok:
            raise RuntimeError(f'could not encode the panoptic PNG of {path}')
        atomic_write_bytes(png_root / png_name, encoded.tobytes())
        height, width = instance_ids.shape
        images.append(dict(id=name, width=width, height=height, file_name=f'{city}/{name}_leftImg8bit.png'))
        annotations.append(dict(image_id=name, file_name=png_name, segments_info=segments))
    json_path = output_folder / f'cityscapes_panoptic_{split}_trainId.json'
    atomic_write_json(json_path, dict(images=images, annotations=annotations, categories=categories()))
    print(f'[cityscapes_panoptic] {split}: {len(images)} images -> {json_path}')
    return json_path


def main(argv=None) -> list[Path]:
    """Convert every requested split; returns the written JSON files."""
    args = parse_args(argv)
    dataset_folder = Path(args.dataset_folder)
    if not dataset_folder.is_dir():
        raise SystemExit(f'dataset folder not found: {dataset_folder} (pass the gtFine folder)')
    output_folder = Path(args.output_folder) if args.output_folder else dataset_folder.parent / 'annotations'
    written = [convert_split(dataset_folder, output_folder, split) for split in args.set_names]
    return [path for path in written if path is not None]


if __name__ == '__main__':
    sys.exit(0 if main() else 1)
