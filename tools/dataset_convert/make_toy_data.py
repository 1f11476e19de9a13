"""Generate the embedded toy datasets in the real on-disk layouts and annotation formats.

Usage::

    python tools/dataset_convert/make_toy_data.py --out data/toy --seed 0 [--datasets coco,ade] [--force]

Writes, under ``--out`` (mirroring DATA.md section 1 with ``data/`` replaced by the toy folder):

* ``coco/``: ``{train,val}2017/*.jpg`` (24 + 8 images, 128-256 px, some portrait),
  ``annotations/panoptic_{train,val}2017.json`` + ``panoptic_{train,val}2017/*.png`` (RGB ids,
  all 133 categories with official ids) and ``annotations/instances_{train,val}2017.json``
  (80 things; RLE, crowd groups as uncompressed RLE with iscrowd 1);
* ``ade/ADEChallengeData2016/``: ``images/{training,validation}/``, ``ade20k_panoptic_{train,val}.json``
  + PNG folders (150 mmdet categories, ids 0..149 things first);
* ``cityscapes/``: ``leftImg8bit/``, ``gtFine/*_gtFine_instanceIds.png`` and the converted
  ``annotations/cityscapes_panoptic_{train,val}_trainId.json`` + PNGs;
* ``youtube_vis_2019/``, ``youtube_vis_2021/``: ``{train,valid}/JPEGImages/``, the official raw
  annotation files and ``annotations/youtube_vis_{year}_{train,valid}.json`` (COCO-video);
* ``VIPSeg/``: ``train.txt``, ``val.txt``, ``imgs/``, ``panomasks/`` (16-bit), plus
  ``panomasksRGB/``, ``panoVIPSeg_categories.json`` and ``panoptic_gt_VIPSeg_{train,val}.json``;
* ``DAVIS/``: ``ImageSets/2017/{train,val}.txt``, ``JPEGImages/480p/``, ``Annotations/480p/``
  (palette PNGs).

The interactive (COCO-SAM) set reads the toy COCO panoptic files; nothing extra is written.
The same ``--seed`` gives byte-identical files. A dataset folder that exists and is not empty is
refused unless ``--force`` is given, which replaces that folder only; each dataset is written to a
temporary folder first and swapped in when complete. Format details: the module docstrings of
``seg/datasets/toy/`` (one module per format).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from seg.datasets.toy import DATASET_NAMES, ToyDataError, make_toy_data


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description='Generate small synthetic datasets in the real on-disk formats '
                    '(COCO, ADE20K, Cityscapes, YouTube-VIS 2019/2021, VIPSeg, DAVIS).')
    parser.add_argument('--out', type=Path, default=Path('data/toy'),
                        help='output directory (default: data/toy)')
    parser.add_argument('--seed', type=int, default=0, help='random seed (default: 0)')
    parser.add_argument('--datasets', default=','.join(DATASET_NAMES),
                        help=f'comma-separated subset of: {",".join(DATASET_NAMES)} (default: all)')
    parser.add_argument('--force', action='store_true',
                        help='replace dataset folders that already exist under --out')
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the generator and print a short summary."""
    args = parse_args(argv)
    if args.seed < 0:
        print('error: --seed must be a non-negative integer', file=sys.stderr)
        return 2
    start = time.perf_counter()
    try:
        summaries = make_toy_data(args.out, seed=args.seed, datasets=args.datasets, force=args.force,
                                  log=print)
    except ToyDataError as exc:
        print(f'error: {exc}', file=sys.stderr)
        return 2
    total_bytes = sum(s.counts.get('bytes', 0) for s in summaries)
    print(f'wrote {len(summaries)} toy dataset(s) to {args.out} ({total_bytes / 1e6:.1f} MB, '
          f'seed {args.seed}) in {time.perf_counter() - start:.1f} s')
    return 0


if __name__ == '__main__':
    sys.exit(main())
