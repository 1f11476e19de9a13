"""Fixtures of the toy-data tests: every toy dataset generated once per session, and checkers.

Checkers are fixtures (returning functions) because test modules here cannot import siblings.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from panopticapi.utils import rgb2id
from PIL import Image

TOY_SEED = 0  # the seed of the session-wide ``toy_root`` fixture in tests/conftest.py


def load_json(path: Path):
    """Read a JSON file."""
    return json.loads(Path(path).read_text())


def mask_bbox(mask: np.ndarray) -> list[int]:
    """[x, y, w, h] of a non-empty mask, computed independently of the generator."""
    rows, cols = np.any(mask, axis=1), np.any(mask, axis=0)
    y0, y1 = np.flatnonzero(rows)[[0, -1]]
    x0, x1 = np.flatnonzero(cols)[[0, -1]]
    return [int(x0), int(y0), int(x1 - x0 + 1), int(y1 - y0 + 1)]


def check_panoptic_split(json_path: Path, png_dir: Path, image_dir: Path) -> dict:
    """Assert a COCO-panoptic split is self-consistent (PNG ids, areas, boxes, categories, images).

    Returns the loaded JSON.
    """
    data = load_json(json_path)
    category_ids = {c['id'] for c in data['categories']}
    images = {img['id']: img for img in data['images']}
    assert len(images) == len(data['images']) == len(data['annotations'])
    for ann in data['annotations']:
        image = images[ann['image_id']]
        with Image.open(image_dir / image['file_name']) as img:
            assert img.size == (image['width'], image['height'])
        with Image.open(png_dir / ann['file_name']) as png:
            assert png.mode == 'RGB'
            ids = rgb2id(np.asarray(png))
        assert ids.shape == (image['height'], image['width'])
        present = set(np.unique(ids).tolist()) - {0}
        assert present == {s['id'] for s in ann['segments_info']}, ann['file_name']
        for seg in ann['segments_info']:
            mask = ids == seg['id']
            assert seg['area'] == int(mask.sum())
            assert seg['bbox'] == mask_bbox(mask)
            assert seg['category_id'] in category_ids
            assert seg['iscrowd'] in (0, 1)
    return data


@pytest.fixture(scope='session')
def read_json():
    """``read_json(path)``: the parsed JSON file."""
    return load_json


@pytest.fixture(scope='session')
def check_panoptic():
    """``check_panoptic(json_path, png_dir, image_dir)``: assert a COCO-panoptic split is consistent."""
    return check_panoptic_split
