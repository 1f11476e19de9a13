"""Small synthetic datasets in the exact on-disk formats of the real ones (DATA.md sections 1-2).

Textured, smoothly moving shapes of 8 thing kinds (person, car, bus, motorcycle, airplane, boat,
dog, horse) over 4 stuff kinds (sky, wall, grass, road) are written as COCO panoptic + instances,
ADE20K panoptic, Cityscapes (raw + converted panoptic), YouTube-VIS 2019/2021 (official +
converted), VIPSeg (raw + panoptic-RGB evaluation files) and DAVIS-2017, each with its full real
category list. Output is byte-identical for a given seed. Entry point: :func:`make_toy_data`
(CLI: ``tools/dataset_convert/make_toy_data.py``).
"""
from .categories import ToyDataError
from .common import DatasetSummary
from .generate import DATASET_NAMES, DATASETS, make_toy_data, parse_dataset_names

__all__ = ['DATASETS', 'DATASET_NAMES', 'DatasetSummary', 'ToyDataError', 'make_toy_data',
           'parse_dataset_names']
