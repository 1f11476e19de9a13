"""Print total / trainable parameters per module prefix of a config's model; optionally dump its keys.

Usage:
    python tools/analysis/count_params.py CONFIG [--depth 2] [--dump-keys OUT.tsv]
        [--placeholder-bank] [--device meta|cpu] [--cfg-options k=v ...]

The model is built without downloading CLIP weights (backbone ``pretrained=None``), by default on the
``meta`` device (shapes only).
``--dump-keys`` writes the state_dict as TSV rows ``key<TAB>shape<TAB>dtype<TAB>trainable`` (shape like
``256x256``, ``scalar`` for 0-d; trainable 1/0 for parameters, ``-`` for buffers), the format of
``official_state_dict.tsv``.
"""
from __future__ import annotations

import argparse
import sys
from collections import OrderedDict

import torch
from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope
from torch import nn


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='model or train/eval config file')
    parser.add_argument('--depth', type=int, default=2, help='prefix depth of the per-module table')
    parser.add_argument('--dump-keys', metavar='OUT.tsv', help='write the state_dict keys as TSV')
    parser.add_argument('--placeholder-bank', action='store_true',
                        help='use a random text-embedding bank instead of reading the bank file')
    parser.add_argument('--device', default='meta', choices=['meta', 'cpu'],
                        help="where to build the model ('meta': shapes only, fast and memory-free)")
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='config overrides')
    return parser.parse_args(argv)


def build_model_offline(config: str, placeholder_bank: bool = False, cfg_options: dict | None = None,
                        device: str = 'cpu') -> nn.Module:
    """Build ``config``'s model with random CLIP weights (no download); 'meta' allocates nothing."""
    from mmdet.registry import MODELS

    import seg  # noqa: F401  (registers the modules)

    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmdet'))
    cfg.model.backbone.pretrained = None
    if placeholder_bank:
        cfg.model.panoptic_head.classifier.update(bank_name=None, placeholder_bank=True)
    with torch.device(device):
        return MODELS.build(cfg.model)


def shape_text(shape) -> str:
    """``256x256`` for a shape, ``scalar`` for 0-d."""
    return 'x'.join(str(s) for s in shape) if len(shape) else 'scalar'


def state_dict_rows(model: nn.Module) -> list[tuple[str, str, str, str]]:
    """(key, shape, dtype, trainable) for every state_dict entry, in state_dict order."""
    params = dict(model.named_parameters())
    rows = []
    for key, tensor in model.state_dict().items():
        trainable = str(int(params[key].requires_grad)) if key in params else '-'
        rows.append((key, shape_text(tensor.shape), str(tensor.dtype).replace('torch.', ''), trainable))
    return rows


def write_tsv_atomic(rows: list[tuple[str, ...]], path: str) -> None:
    """Write tab-separated rows to ``path`` atomically."""
    from seg.utils.atomic import atomic_write_text
    atomic_write_text(path, ''.join('\t'.join(row) + '\n' for row in rows))


def count_by_prefix(model: nn.Module, depth: int) -> OrderedDict[str, list[int]]:
    """prefix -> [trainable, frozen, #tensors], prefixes cut to ``depth`` dotted components."""
    table: OrderedDict[str, list[int]] = OrderedDict()
    for name, param in model.named_parameters():
        prefix = '.'.join(name.split('.')[:depth])
        entry = table.setdefault(prefix, [0, 0, 0])
        entry[0 if param.requires_grad else 1] += param.numel()
        entry[2] += 1
    return table


def format_report(model: nn.Module, depth: int) -> str:
    """Totals plus a per-prefix table of trainable / frozen parameters."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    lines = [f'total parameters: {total:,}', f'trainable: {trainable:,}', f'frozen: {total - trainable:,}',
             '', f'{"prefix":<50} {"trainable":>14} {"frozen":>14} {"#tensors":>9}']
    for prefix, (n_train, n_frozen, n_tensors) in count_by_prefix(model, depth).items():
        lines.append(f'{prefix:<50} {n_train:>14,} {n_frozen:>14,} {n_tensors:>9}')
    return '\n'.join(lines)


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    try:
        model = build_model_offline(args.config, args.placeholder_bank, args.cfg_options, args.device)
    except FileNotFoundError as err:
        if args.placeholder_bank or 'text-embedding bank' not in str(err):
            raise
        print(f'error: {str(err).splitlines()[0]}\n(parameter counts do not depend on the class vocabulary: '
              f'add --placeholder-bank to count without it)', file=sys.stderr)
        return 2
    print(format_report(model, args.depth))
    if args.dump_keys:
        write_tsv_atomic(state_dict_rows(model), args.dump_keys)
        print(f'\nwrote {args.dump_keys}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
