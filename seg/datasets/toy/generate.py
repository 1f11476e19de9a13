"""Generate the toy datasets: argument checks, safe (atomic, per-dataset) output handling, summary.

Each dataset goes to its own top-level folder under the output directory (``coco``, ``ade``,
``cityscapes``, ``youtube_vis_2019``, ``youtube_vis_2021``, ``VIPSeg``, ``DAVIS``). It is first
written to a hidden temporary sibling folder and then renamed into place, so an interrupted run
never leaves a half-written dataset. An existing non-empty dataset folder is an error unless
``force`` is set, in which case that folder (and only that one) is replaced.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from functools import partial
from pathlib import Path
from typing import Callable, Iterable

from seg.utils.atomic import umask_mode

from . import ade, cityscapes, coco_panoptic, davis, vipseg, youtube_vis
from .categories import ToyDataError
from .common import DatasetSummary

Writer = Callable[[Path, int], DatasetSummary]

# dataset name -> (top-level folder under --out, writer)
DATASETS: dict[str, tuple[str, Writer]] = {
    'coco': (coco_panoptic.FOLDER, coco_panoptic.write_coco),
    'ade': (ade.FOLDER, ade.write_ade),
    'cityscapes': (cityscapes.FOLDER, cityscapes.write_cityscapes),
    'youtube_vis_2019': ('youtube_vis_2019', partial(youtube_vis.write_youtube_vis, year='2019')),
    'youtube_vis_2021': ('youtube_vis_2021', partial(youtube_vis.write_youtube_vis, year='2021')),
    'vipseg': (vipseg.FOLDER, vipseg.write_vipseg),
    'davis': (davis.FOLDER, davis.write_davis),
}
DATASET_NAMES: tuple[str, ...] = tuple(DATASETS)


def parse_dataset_names(names: Iterable[str] | str | None) -> list[str]:
    """Validate dataset names (a list or a comma-separated string; None = all), keeping order."""
    if names is None:
        return list(DATASET_NAMES)
    if isinstance(names, str):
        names = names.split(',')
    selected = [n.strip() for n in names if n.strip()]
    unknown = [n for n in selected if n not in DATASETS]
    if unknown or not selected:
        raise ToyDataError(f'unknown dataset name(s) {unknown or selected!r}; valid names: '
                           f'{", ".join(DATASET_NAMES)}')
    return list(dict.fromkeys(selected))


def prepare_output_dir(out_dir: Path) -> Path:
    """Create ``out_dir`` if needed and check that it is a writable directory."""
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ToyDataError(f'cannot create the output directory {out_dir}: {exc.strerror or exc}') from exc
    if not out_dir.is_dir():
        raise ToyDataError(f'the output path {out_dir} exists and is not a directory')
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise ToyDataError(f'the output directory {out_dir} is not writable')
    return out_dir


def check_targets(out_dir: Path, names: list[str], force: bool) -> None:
    """Refuse (before writing anything) to overwrite non-empty dataset folders without ``force``."""
    taken = [out_dir / DATASETS[n][0] for n in names
             if (out_dir / DATASETS[n][0]).exists() and any((out_dir / DATASETS[n][0]).iterdir())]
    if taken and not force:
        raise ToyDataError(f'output folder(s) already exist and are not empty: '
                           f'{", ".join(str(p) for p in taken)}; pass --force to replace them')


def folder_stats(folder: Path) -> tuple[int, int]:
    """(number of files, total bytes) under ``folder``."""
    files = [p for p in folder.rglob('*') if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def write_one(out_dir: Path, name: str, seed: int) -> DatasetSummary:
    """Write dataset ``name`` into a temporary sibling folder, then swap it into place."""
    folder, writer = DATASETS[name]
    target = out_dir / folder
    tmp = Path(tempfile.mkdtemp(prefix=f'.{folder}.tmp-', dir=out_dir))
    os.chmod(tmp, umask_mode(directory=True))  # mkdtemp creates 0700 folders
    try:
        summary = writer(tmp, seed)
        summary.counts['files'], summary.counts['bytes'] = folder_stats(tmp)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f'.{folder}.old-', dir=out_dir))
            os.replace(target, old / folder)
            shutil.rmtree(old)
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return summary


def make_toy_data(out_dir: Path | str, seed: int = 0, datasets: Iterable[str] | str | None = None,
                  force: bool = False, log: Callable[[str], None] | None = None) -> list[DatasetSummary]:
    """Generate the selected toy datasets under ``out_dir``; returns one summary per dataset."""
    names = parse_dataset_names(datasets)
    out_dir = prepare_output_dir(Path(out_dir))
    check_targets(out_dir, names, force)
    summaries = []
    for name in names:
        summary = write_one(out_dir, name, seed)
        if log is not None:
            log(summary.line())
        summaries.append(summary)
    return summaries
