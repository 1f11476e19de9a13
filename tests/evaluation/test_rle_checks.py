"""Mask validation before decoding: the vectorised counts decoder equals pycocotools on real masks."""
import numpy as np
import pytest
from pycocotools import mask as mask_utils

from seg.evaluation.functional.rle_checks import MaskError, compressed_counts, find_invalid, to_compressed_rle


def _random_masks(count=120, seed=0):
    rng = np.random.default_rng(seed)
    masks = []
    for index in range(count):
        h, w = rng.integers(1, 120, 2)
        mask = rng.random((h, w)) < rng.random() * 0.05
        mask |= np.roll(mask, 1, 0)
        if index % 7 == 0:
            mask[:] = False
        if index % 11 == 0:
            mask[:] = True
        masks.append(mask.astype(np.uint8))
    return masks


def test_decoded_counts_rebuild_every_mask():
    masks = _random_masks()
    strings = [mask_utils.encode(np.asfortranarray(m))['counts'] for m in masks]
    counts, bounds, problems = compressed_counts(strings)
    assert problems == [None] * len(masks)
    for index, mask in enumerate(masks):
        runs = counts[bounds[index]:bounds[index + 1]]
        flat = np.repeat(np.arange(len(runs)) % 2, runs).astype(np.uint8)
        assert np.array_equal(flat.reshape(mask.shape[::-1]).T, mask)
    sizes = [m.shape for m in masks]
    segms = [{'size': list(s), 'counts': c.decode()} for s, c in zip(sizes, strings)]
    assert find_invalid(segms, sizes) is None


@pytest.mark.parametrize('segm, problem', [
    ({'size': [4, 5], 'counts': '05'}, 'RLE counts sum to 5, expected height x width = 4 x 5 = 20'),
    ({'size': [4, 5], 'counts': '0m'}, 'RLE counts end inside a run length (truncated string)'),
    ({'size': [4, 5], 'counts': '0O'}, 'RLE counts decode to a negative run length'),
    ({'size': [4, 5], 'counts': '0ooooooooo0'}, 'RLE counts hold a run length of more than 7 digits'),
    ({'size': [4, 5], 'counts': [5, 16]}, 'RLE counts sum to 21, expected height x width = 4 x 5 = 20'),
    ({'size': [4, 5], 'counts': [25, -5]}, 'uncompressed RLE counts must be non-negative integers'),
    ({'size': [5, 4], 'counts': '0d0'}, 'RLE size [5, 4] differs from the image size [4, 5]'),
    ({'counts': '0d0'}, "RLE needs \"size\" and \"counts\", got keys ['counts']"),
    ({'size': [4, 5], 'counts': 3},
     'RLE counts must be a string (compressed) or a list of integers, got int'),
    ([1, 2, 3, 4, 5, 6],
     'polygon 0 is a int, expected a list [x1, y1, x2, y2, ...] (polygons are a list of lists)'),
    ([[1, 2, 3]], 'polygon 0 must hold an even number of finite coordinates, got 3 values'),
    (None, 'segmentation is empty'),
])
def test_problems_are_named(segm, problem):
    assert find_invalid([{'size': [4, 5], 'counts': [20]}, segm], [(4, 5)] * 2) == (1, problem)


def test_valid_encodings_convert_to_the_same_rle():
    mask = np.zeros((4, 5), np.uint8)
    mask[1:3, 1:4] = 1
    reference = mask_utils.encode(np.asfortranarray(mask))
    runs = compressed_counts([reference['counts']])[0].tolist()
    assert sum(runs) == 20 and sum(runs[1::2]) == 6
    polygon = [[1, 1, 4, 1, 4, 3, 1, 3]]
    for segm in ({'size': [4, 5], 'counts': reference['counts'].decode()}, {'size': [4, 5], 'counts': runs}):
        rle = to_compressed_rle(segm, 4, 5)
        assert np.array_equal(mask_utils.decode(rle), mask)
    assert mask_utils.area(to_compressed_rle(polygon, 4, 5)) > 0
    assert to_compressed_rle(None, 4, 5) is None
    with pytest.raises(MaskError, match='sum to 5'):
        to_compressed_rle({'size': [4, 5], 'counts': '05'}, 4, 5)
