"""Train a model: ``python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]] [--amp]``."""
from __future__ import annotations

import argparse
import sys

from mmengine.config import DictAction


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options (mmdet's train.py flags plus ``--checkpoint`` for warm starts)."""
    parser = argparse.ArgumentParser(description='Train an OMG-Seg model.')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='where logs and checkpoints go (default work_dirs/<config>)')
    parser.add_argument('--checkpoint', help='initialise the model from these weights (not a resume)')
    parser.add_argument('--resume', nargs='?', type=str, const='auto',
                        help='resume from CKPT, or from the latest checkpoint in the work dir if no path')
    parser.add_argument('--amp', action='store_true',
                        help='automatic mixed precision training (GPU: fp16 with dynamic loss scaling; '
                             'CPU: bf16 autocast, no loss scaling)')
    parser.add_argument('--auto-scale-lr', action='store_true', help='scale the lr by the total batch size')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, e.g. train_cfg.max_iters=10')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    return parser.parse_args(argv)


def apply_train_flags(cfg, args: argparse.Namespace) -> None:
    """Translate ``--amp``, ``--auto-scale-lr``, ``--resume`` and ``--checkpoint`` into config fields."""
    if args.amp:  # mmengine's AmpOptimWrapper refuses the CPU; ours runs bf16 there (seg/engine)
        cfg.optim_wrapper.type = 'DeviceAmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.auto_scale_lr:
        if 'auto_scale_lr' not in cfg:
            raise KeyError('--auto-scale-lr needs `auto_scale_lr = dict(base_batch_size=...)` in the config')
        cfg.auto_scale_lr.enable = True
    if args.checkpoint:
        cfg.load_from = args.checkpoint
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume


def main(argv=None) -> None:
    """Build the runner from the config and train."""
    args = parse_args(argv)

    import seg  # noqa: F401  (registers our modules, installs compat shims)
    from seg.engine import SegRunner
    from seg.utils.config_utils import export_local_rank, load_config
    export_local_rank(args.local_rank)
    cfg = load_config(args.config, args.cfg_options, args.work_dir, args.launcher)
    apply_train_flags(cfg, args)
    runner = SegRunner.from_cfg(cfg)
    runner.train()


if __name__ == '__main__':
    from seg.utils.config_utils import ConfigError
    try:
        main()
    except ConfigError as err:  # a config typo or bad --cfg-options: one line, no traceback
        sys.exit(f'error: {err}')
