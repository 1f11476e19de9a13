"""Evaluate a model: ``python tools/test.py CONFIG [CHECKPOINT | --checkpoint CKPT] [--show-dir DIR]``.

``--out-dir DIR`` writes every metric's benchmark result files (COCO panoptic / instance, semantic PNGs,
YouTube-VIS, VIPSeg, DAVIS) under DIR for ``tools/eval.py``; ``--format-only`` writes them without scoring.
"""
from __future__ import annotations

import argparse
import os
import sys
import warnings

from mmengine.config import DictAction


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options: mmdet's test.py flags; the checkpoint positional (mmdet) or ``--checkpoint``."""
    parser = argparse.ArgumentParser(description='Test (and evaluate) an OMG-Seg model.')
    parser.add_argument('config', help='evaluation config file path')
    parser.add_argument('checkpoint_path', nargs='?', metavar='CHECKPOINT',
                        help="weights, as mmdet's `test.py CONFIG CHECKPOINT` (same as --checkpoint)")
    parser.add_argument('--checkpoint', help='weights: a train.py checkpoint or a published head-only one '
                        '(panoptic_head.* keys); every key must match unless --non-strict')
    parser.add_argument('--non-strict', action='store_true',
                        help='load only the checkpoint keys that match the model (reported, not fatal)')
    parser.add_argument('--work-dir', help='where logs and result files go (default work_dirs/<config>)')
    parser.add_argument('--out', help='dump raw predictions to this .pkl/.pickle file')
    parser.add_argument('--out-dir', help='write the benchmark result files of every metric here, one '
                        'sub-folder per metric (relative: inside the work dir; default with --format-only: '
                        '<work_dir>/results)')
    parser.add_argument('--format-only', action='store_true',
                        help='only write the result files (no scoring; for test splits without GT)')
    parser.add_argument('--metrics-out', help='write the metrics as JSON (default: <log dir>/metrics.json)')
    parser.add_argument('--show', action='store_true', help='display predictions in a window')
    parser.add_argument('--show-dir', help='save renderings under <work_dir>/<timestamp>/<show_dir>')
    parser.add_argument('--wait-time', type=float, default=2, help='seconds between shown images')
    parser.add_argument('--bank', help='text-bank file (tools/gen_cls.py) to classify with instead of the '
                        "config's; its recorded classes must be the config's vocabulary")
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, e.g. test_dataloader.batch_size=1')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    if args.checkpoint_path is not None:
        if args.checkpoint is not None and args.checkpoint != args.checkpoint_path:
            parser.error(f'two checkpoints given: {args.checkpoint_path!r} and '
                         f'--checkpoint {args.checkpoint!r}')
        args.checkpoint = args.checkpoint_path
    if args.out is not None and not args.out.endswith(('.pkl', '.pickle')):
        parser.error(f'--out must end in .pkl or .pickle, got {args.out!r}')
    return args


def enable_visualization(cfg, args: argparse.Namespace) -> None:
    """Switch the config's visualization hook on for ``--show`` / ``--show-dir``."""
    if not (args.show or args.show_dir):
        return
    hooks = cfg.get('default_hooks', {})
    if 'visualization' not in hooks:
        raise KeyError('--show/--show-dir need `default_hooks.visualization` in the config')
    vis = hooks['visualization']
    vis['draw'] = True
    if args.show:
        vis['show'], vis['wait_time'] = True, args.wait_time
    if args.show_dir:
        vis['test_out_dir'] = args.show_dir


def add_dump_metric(cfg, out_file: str) -> None:
    """Append mmdet's ``DumpDetResults`` so raw predictions are written to ``out_file``."""
    dump = dict(type='DumpDetResults', out_file_path=out_file)
    evaluator = cfg.test_evaluator
    if isinstance(evaluator, (list, tuple)):
        cfg.test_evaluator = [*evaluator, dump]
    else:
        cfg.test_evaluator = [evaluator, dump]


def main(argv=None) -> dict:
    """Build the runner, load the weights and run the test loop; returns the metrics."""
    args = parse_args(argv)

    import seg  # noqa: F401  (registers our modules, installs compat shims)
    from seg.engine import SegRunner
    from seg.utils.config_utils import export_local_rank, load_config
    from seg.utils.open_vocab_split import resolve_seen_classes
    export_local_rank(args.local_rank)
    cfg = load_config(args.config, args.cfg_options, args.work_dir, args.launcher)
    cfg.load_from = None  # loaded below, strictly and with a key report
    seen = resolve_seen_classes(cfg)
    if seen is not None:
        cfg.model.seen_classes = seen
    enable_visualization(cfg, args)
    use_bank(cfg, args.bank)
    if args.out:
        add_dump_metric(cfg, args.out)
    out_dir = result_dir(cfg, args)
    written = prepare_result_files(cfg, out_dir, args.format_only) if out_dir else []
    runner = SegRunner.from_cfg(cfg)
    if args.checkpoint is not None:
        from seg.models.utils.checkpoint import CheckpointFileError, CheckpointMismatchError
        try:
            load_weights(runner, args.checkpoint, strict=not args.non_strict)
        except (CheckpointFileError, CheckpointMismatchError, FileNotFoundError) as err:
            raise SystemExit(f'error: {err}') from None
    else:
        warnings.warn('no --checkpoint given: evaluating the weights from the config init_cfg '
                      '(random where none is set)')
        runner._init_model_weights()
    metrics = runner.test()
    if out_dir:
        finish_result_files(written, out_dir)
    write_metrics(metrics, args.metrics_out or os.path.join(runner.log_dir, 'metrics.json'))
    return metrics


def use_bank(cfg, bank: str | None) -> None:
    """Point the classifier at ``bank`` (if given) and refuse a bank that records other classes than the
    ones the config's labels mean (what gen_cls.py CONFIG encodes), naming the file and the first
    difference."""
    from seg.models.text_embeddings import (
        BankVocabularyError,
        bank_metadata,
        bank_path,
        check_bank_vocabulary,
    )
    from seg.models.text_embeddings.vocabulary_check import scored_vocabulary
    classifier = cfg.model.get('panoptic_head', {}).get('classifier')
    if classifier is None:
        if bank:
            raise SystemExit('error: --bank: the model has no panoptic_head.classifier')
        return
    if bank:
        if not os.path.isfile(bank):
            raise SystemExit(f'error: --bank {bank}: file not found')
        stem = os.path.splitext(os.path.basename(bank))[0]
        classifier.update(bank_name=stem, embeddings_dir=os.path.dirname(os.path.abspath(bank)),
                          placeholder_bank=False)
    if not classifier.get('bank_name'):
        return
    path = bank_path(classifier.get('embeddings_dir', 'data/embeddings'), classifier['bank_name'])
    if not (bank_metadata(path) or {}).get('class_names'):
        return  # nothing recorded to compare (a missing bank is reported when the model is built)
    from mmengine.registry import init_default_scope
    init_default_scope(cfg.get('default_scope', 'mmdet'))  # the dataset is built (lazily) for its classes
    vocabulary = scored_vocabulary(cfg)
    if vocabulary is None:
        return
    try:
        check_bank_vocabulary(path, *vocabulary)
    except BankVocabularyError as err:
        raise SystemExit(f'error: {err}') from None


def result_dir(cfg, args: argparse.Namespace) -> str | None:
    """The absolute ``--out-dir`` (relative ones inside the work dir; ``results`` for --format-only)."""
    out_dir = args.out_dir or ('results' if args.format_only else None)
    if out_dir is None:
        return None
    return os.path.abspath(os.path.join(cfg.work_dir, out_dir))


def prepare_result_files(cfg, out_dir: str, format_only: bool) -> list:
    """Point the test metrics at ``out_dir`` (written via ``out_dir.partial``); print where files go."""
    from mmengine.dist import is_main_process

    from seg.evaluation.result_files import clear_staging, configure_result_files, describe
    try:
        written = configure_result_files(cfg, out_dir, format_only)
    except ValueError as err:
        raise SystemExit(f'error: {err}') from None
    if is_main_process():
        clear_staging(out_dir)
        for line in describe(written, out_dir):
            print(f'[test] {line}')
    return written


def finish_result_files(written: list, out_dir: str) -> None:
    """Rank 0 moves the finished result folder into place, once every rank has written its files."""
    from mmengine.dist import barrier, is_main_process

    from seg.evaluation.result_files import publish_results
    barrier()
    if is_main_process():
        publish_results(out_dir)
        print(f'[test] result files written to {out_dir}')


def load_weights(runner, checkpoint: str, strict: bool) -> None:
    """Load ``checkpoint`` into the runner's model; the frozen CLIP backbone may be absent from it, and the
    prompt tensors of published checkpoints are left unused (one log line) by models without prompts."""
    from mmengine.model import is_model_wrapper

    from seg.models.utils.checkpoint import CLI_HINT, load_checked
    model = runner.model.module if is_model_wrapper(runner.model) else runner.model
    report = load_checked(model, checkpoint, strict=strict, hint=CLI_HINT, log=runner.logger.info)
    if report:
        runner.logger.warning(f'loaded {checkpoint} non-strictly: {report.describe()}')
    runner.logger.info(f'loaded weights from {checkpoint}')


def write_metrics(metrics: dict, path: str) -> None:
    """Print the metrics and write them as JSON (rank 0 only, atomically)."""
    from mmengine.dist import is_main_process

    from seg.utils.atomic import atomic_write_json
    if not is_main_process():
        return
    plain = {key: float(value) if isinstance(value, (int, float)) else str(value)
             for key, value in metrics.items()}
    atomic_write_json(path, plain, indent=2, sort_keys=True)
    print(f'[test] metrics written to {path}')


if __name__ == '__main__':
    from seg.utils.config_utils import ConfigError
    try:
        main()
    except ConfigError as err:  # a config typo or bad --cfg-options: one line, no traceback
        sys.exit(f'error: {err}')
