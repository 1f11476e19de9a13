"""Benchmark result files from a test run: point every metric of a test evaluator at one output folder.

``tools/test.py --out-dir DIR [--format-only]`` calls :func:`configure_result_files` on the config; each
metric writes its benchmark format into its own sub-folder of ``DIR.partial`` and :func:`publish_results`
then moves that folder to ``DIR`` in one rename, so ``DIR`` never holds a half-written or stale mix of
files. ``tools/eval.py`` reads the files as they are (:func:`describe` prints the command).
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, replace
from typing import Callable

__all__ = ['ResultFiles', 'clear_staging', 'configure_result_files', 'describe', 'publish_results',
           'staging_dir', 'vipseg_category_ids']


@dataclass(frozen=True)
class ResultFiles:
    """Where one metric writes: its sub-folder, the files in it, and the ``tools/eval.py`` task."""

    metric: str
    folder: str
    pred: str
    task: str | None
    gt: str = 'GT'


def staging_dir(out_dir: str) -> str:
    """The folder the metrics write into before :func:`publish_results` renames it to ``out_dir``."""
    return out_dir.rstrip(os.sep) + '.partial'


def vipseg_category_ids() -> list[int]:
    """Official VIPSeg category id (the JSON's) of every contiguous label of ``VIPSegDataset``."""
    from seg.datasets.class_names import load_class_names, vipseg_official_order
    official = vipseg_official_order()
    return [official.index(name) for name in load_class_names('vipseg').classes]


def _coco_panoptic(metric: dict, folder: str, format_only: bool, dataset_type: str) -> ResultFiles:
    """mmdet CocoPanopticMetric: ``results.panoptic.json`` + ``results.panoptic/`` PNGs (its own writer)."""
    metric.update(outfile_prefix=os.path.join(folder, 'results'), format_only=format_only)
    return ResultFiles('CocoPanopticMetric', folder, 'results.panoptic.json', 'coco_panoptic')


def _coco_instance(metric: dict, folder: str, format_only: bool, dataset_type: str) -> ResultFiles:
    """mmdet CocoMetric: ``results.segm.json`` (RLE masks) and ``results.bbox.json``."""
    metric.update(outfile_prefix=os.path.join(folder, 'results'), format_only=format_only)
    return ResultFiles('CocoMetric', folder, 'results.segm.json', 'coco_instance')


def _cityscapes(metric: dict, folder: str, format_only: bool, dataset_type: str) -> ResultFiles:
    """CityscapesPanopticMetric: ``panoptic.json`` + ``panoptic/`` PNGs (COCO panoptic format)."""
    metric.update(output_dir=folder)
    return ResultFiles('CityscapesPanopticMetric', folder, 'panoptic.json', 'coco_panoptic')


def _semantic(metric: dict, folder: str, format_only: bool, dataset_type: str) -> ResultFiles:
    """SemSegIoUMetric: one label PNG per image (``<video>/<frame>.png`` for videos)."""
    metric.update(output_dir=folder, format_only=format_only)
    return ResultFiles('SemSegIoUMetric', folder, '', 'semantic')


def _ytvis(metric: dict, folder: str, format_only: bool, dataset_type: str) -> ResultFiles:
    """VideoInstanceAPMetric: ``results.json`` and the server's ``results.submission_file.zip``."""
    metric.update(output_dir=folder, format_only=format_only)
    return ResultFiles('VideoInstanceAPMetric', folder, 'results.json', 'ytvis')


def _vps(metric: dict, folder: str, format_only: bool, dataset_type: str) -> ResultFiles:
    """VideoPanopticMetric: VIPSeg's ``pan_pred/<video>/<frame>.png`` + ``pred.json``."""
    metric.update(output_dir=folder, format_only=format_only)
    if dataset_type == 'VIPSegDataset' and metric.get('category_ids') is None:
        metric['category_ids'] = vipseg_category_ids()  # the GT JSON's ids, not our contiguous labels
    return ResultFiles('VideoPanopticMetric', folder, '', 'vps')


def _davis(metric: dict, folder: str, format_only: bool, dataset_type: str) -> ResultFiles:
    """DAVISMetric: ``<sequence>/<frame>.png`` palette PNGs (the DAVIS server's format)."""
    metric.update(output_dir=folder, format_only=format_only)
    return ResultFiles('DAVISMetric', folder, '', 'davis')


WRITERS: dict[str, tuple[str, Callable]] = {
    'CocoPanopticMetric': ('coco_panoptic', _coco_panoptic),
    'CocoMetric': ('coco_instance', _coco_instance),
    'CityscapesPanopticMetric': ('cityscapes_panoptic', _cityscapes),
    'SemSegIoUMetric': ('semantic', _semantic),
    'VideoInstanceAPMetric': ('youtube_vis', _ytvis),
    'VideoPanopticMetric': ('vipseg', _vps),
    'DAVISMetric': ('davis', _davis),
}
NO_FILES = ('DumpDetResults', 'InteractiveIoUMetric')  # raw pickles / prompt scores: no benchmark format


def _metric_type(metric: dict) -> str:
    """The registered name of a metric config (``mmdet.`` prefix dropped)."""
    return str(metric.get('type', '')).split('.')[-1]


def _dataset_type(cfg) -> str:
    """The test dataset's type name ('' when there is none)."""
    loader = cfg.get('test_dataloader') or {}
    return str((loader.get('dataset') or {}).get('type', ''))


def configure_result_files(cfg, out_dir: str, format_only: bool = False) -> list[ResultFiles]:
    """Make every metric of ``cfg.test_evaluator`` write its result files under ``staging_dir(out_dir)``.

    ``format_only``: write the files without scoring (test splits without GT). A metric without a benchmark
    format is refused under ``format_only`` (it could only be scored) and otherwise left as it is.
    """
    evaluator = cfg.get('test_evaluator')
    if not evaluator:
        raise ValueError('--out-dir/--format-only need a test_evaluator in the config')
    metrics = evaluator if isinstance(evaluator, (list, tuple)) else [evaluator]
    staging = staging_dir(os.path.abspath(out_dir))
    used, written = set(), []
    for metric in metrics:
        name = _metric_type(metric)
        if name not in WRITERS:
            if format_only and name not in NO_FILES:
                raise ValueError(f'--format-only: test_evaluator metric {name!r} writes no result files '
                                 f'(known: {", ".join(WRITERS)})')
            continue
        sub, writer = WRITERS[name]
        folder_name, index = sub, 2
        while folder_name in used:  # two metrics of one type: coco_panoptic, coco_panoptic_2, ...
            folder_name, index = f'{sub}_{index}', index + 1
        used.add(folder_name)
        files = writer(metric, os.path.join(staging, folder_name), format_only, _dataset_type(cfg))
        written.append(replace(files, gt=metric.get('ann_file') or 'GT'))
    if not written:
        raise ValueError(f'--out-dir: no metric of test_evaluator writes result files '
                         f'({", ".join(_metric_type(m) for m in metrics)}; known: {", ".join(WRITERS)})')
    return written


def clear_staging(out_dir: str) -> None:
    """Remove a ``DIR.partial`` left by an interrupted run, so no stale file is published."""
    shutil.rmtree(staging_dir(os.path.abspath(out_dir)), ignore_errors=True)


def publish_results(out_dir: str) -> None:
    """Move the finished ``DIR.partial`` to ``DIR`` (an older ``DIR`` is replaced only after the move)."""
    out_dir = os.path.abspath(out_dir)
    staging = staging_dir(out_dir)
    if not os.path.isdir(staging):
        raise FileNotFoundError(f'{staging}: no result files were written')
    old = out_dir.rstrip(os.sep) + '.old'
    if os.path.exists(out_dir):
        shutil.rmtree(old, ignore_errors=True)
        os.replace(out_dir, old)
    os.replace(staging, out_dir)
    shutil.rmtree(old, ignore_errors=True)


def describe(written: list[ResultFiles], out_dir: str) -> list[str]:
    """One line per metric: where its files are once published and the ``tools/eval.py`` task that scores
    them."""
    out_dir = os.path.abspath(out_dir)
    lines = []
    for files in written:
        folder = os.path.join(out_dir, os.path.basename(files.folder))
        pred = os.path.join(folder, files.pred) if files.pred else folder
        lines.append(f'{files.metric} -> {folder} (score it: python tools/eval.py {files.task} '
                     f'--gt {files.gt} --pred {pred})')
    return lines
