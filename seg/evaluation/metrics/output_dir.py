"""Where metrics write their submission files: an explicit folder or one inside the run's work dir."""
from __future__ import annotations

import logging
import os

from mmengine.logging import MMLogger

__all__ = ['resolve_output_dir', 'run_work_dir']


def run_work_dir() -> str | None:
    """The current runner's work dir, read from its log file (``work_dir/<timestamp>/<timestamp>.log``)."""
    logger = MMLogger.get_current_instance()
    for handler in logger.handlers:
        if isinstance(handler, logging.FileHandler):
            return os.path.dirname(os.path.dirname(os.path.abspath(handler.baseFilename)))
    return None


def resolve_output_dir(output_dir: str | None) -> str | None:
    """None -> no files; absolute -> as given; relative -> inside the run's work dir (never the CWD)."""
    if output_dir is None or os.path.isabs(output_dir):
        return output_dir
    work_dir = run_work_dir()
    if work_dir is None:
        raise ValueError(f'output_dir {output_dir!r} is relative but no runner work dir is known; '
                         'give an absolute path')
    return os.path.join(work_dir, output_dir)
