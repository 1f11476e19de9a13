"""Command-line options shared by the demos: model source, device and class vocabulary."""
from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np
from mmengine.config import DictAction

from .predictor_base import PredictorBase
from .vocabulary import parse_class_list

DEFAULT_CONFIG = str(Path(__file__).resolve().parents[1] / 'configs' / 'toy' / 'omg_toy_coco_panoptic.py')


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """--config/--checkpoint or --pretrained, --device, --cfg-options, --classes/--stuff-classes, --bank."""
    parser.add_argument('--config', default=DEFAULT_CONFIG, help='model config (default: the toy config)')
    parser.add_argument('--checkpoint', help='weights for --config (without: random weights, a warning)')
    parser.add_argument('--pretrained', help='folder / hub id: config.py + model.safetensors or model.pth '
                        '(not --config)')
    parser.add_argument('--device', help='e.g. cpu or cuda:0 (default: the GPU when there is one)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='override config settings')
    parser.add_argument('--classes', help='thing classes: "cat,dog" or a .txt (one per line) / .json file; '
                        'default: the model\'s vocabulary')
    parser.add_argument('--stuff-classes', help='stuff (region) classes, same formats as --classes')
    parser.add_argument('--bank', help='a text-bank file from tools/gen_cls.py (offline vocabulary; its '
                        'class names come from the .json beside it); not with --classes')


def predictor_from_args(cls: type[PredictorBase], args: argparse.Namespace, **kwargs) -> PredictorBase:
    """The predictor the options describe, with the requested vocabulary installed."""
    bank = getattr(args, 'bank', None)
    if bank and (args.classes or args.stuff_classes):
        raise ValueError('--bank and --classes/--stuff-classes both set a vocabulary; give one')
    if args.pretrained:
        predictor = cls.from_pretrained(args.pretrained, args.device, cfg_options=args.cfg_options, **kwargs)
    else:
        if not args.checkpoint:
            warnings.warn('no --checkpoint given: the model has random weights; outputs are meaningless')
        predictor = cls.from_config(args.config, args.checkpoint, args.device, cfg_options=args.cfg_options,
                                    **kwargs)
    if bank:
        predictor.set_bank(bank)
    elif args.classes or args.stuff_classes:
        things = parse_class_list(args.classes) if args.classes else []
        stuff = parse_class_list(args.stuff_classes) if args.stuff_classes else []
        predictor.set_classes(things, stuff)
    return predictor


def parse_coordinates(spec: str | None, width: int, what: str) -> np.ndarray | None:
    """``'x,y;x,y'`` -> (n, width) float array (``width`` numbers per item)."""
    if not spec:
        return None
    try:
        rows = [[float(v) for v in item.split(',')] for item in spec.split(';') if item.strip()]
    except ValueError as exc:
        raise ValueError(f'{what} {spec!r}: expected numbers like "10,20;30,40"') from exc
    if not rows or any(len(row) != width for row in rows):
        raise ValueError(f'{what} {spec!r}: every item needs {width} comma-separated numbers')
    return np.asarray(rows, dtype=np.float32)
