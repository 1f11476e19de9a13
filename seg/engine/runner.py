"""mmengine Runner whose console shows what a person needs; the full dumps go to the log file."""
from __future__ import annotations

import os

from mmengine.logging import MMLogger
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from .console import log_file_of, quiet_console

VERBOSE_ENV = 'OMG_SEG_VERBOSE'  # set to 1 to see mmengine's full start-up output on the console


@RUNNERS.register_module()
class SegRunner(Runner):
    """``Runner`` with a quiet console: environment, config, hook order and per-parameter optimizer lines
    are written to the log file only (``OMG_SEG_VERBOSE=1`` shows them), and one line says where."""

    def build_logger(self, log_level='INFO', log_file=None, **kwargs) -> MMLogger:
        """mmengine's logger, with the start-up dumps kept off the console."""
        logger = super().build_logger(log_level=log_level, log_file=log_file, **kwargs)
        if os.environ.get(VERBOSE_ENV, '0') != '1':
            quiet_console(logger)
            logger.info(f'work dir: {os.path.abspath(self._work_dir)}; environment, full config and hook '
                        f'order are in the log file {log_file_of(logger)}')
        return logger
