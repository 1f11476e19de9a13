"""Console filter that keeps mmengine's start-up dumps in the log file only."""
from __future__ import annotations

import logging

# Start of the messages that only belong in the log file: mmengine's environment / config / hook-order
# dumps (hundreds of lines), one line per parameter from the optimizer constructor, and mmengine's
# deprecation notices about its own file-client classes (which mmdet's loaders use, not the user).
LOG_FILE_ONLY_PREFIXES = (
    '\n' + '-' * 60 + '\nSystem environment:',
    'Config:\n',
    'Hooks will be executed in the following order:',
    'paramwise_options -- ',
    '"FileClient" will be deprecated in future.',
    '"HardDiskBackend" is the alias of "LocalBackend"',
)
LOG_FILE_ONLY_SUFFIXES = ('is skipped since its requires_grad=False',)


class LogFileOnlyFilter(logging.Filter):
    """Drops the start-up dumps from a console handler and counts what it dropped."""

    def __init__(self) -> None:
        super().__init__('log-file-only')
        self.dropped = 0

    def filter(self, record: logging.LogRecord) -> bool:
        """False (not shown) for a dump record, True for everything else."""
        message = record.getMessage()
        if message.startswith(LOG_FILE_ONLY_PREFIXES) or message.endswith(LOG_FILE_ONLY_SUFFIXES):
            self.dropped += 1
            return False
        return True


def console_handlers(logger: logging.Logger) -> list[logging.Handler]:
    """The handlers of ``logger`` that write to a terminal stream rather than a file."""
    return [h for h in logger.handlers
            if isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler)]


def quiet_console(logger: logging.Logger) -> None:
    """Keep the start-up dumps out of ``logger``'s console output (idempotent); its log file keeps them."""
    for handler in console_handlers(logger):
        if not any(isinstance(f, LogFileOnlyFilter) for f in handler.filters):
            handler.addFilter(LogFileOnlyFilter())


def log_file_of(logger: logging.Logger) -> str | None:
    """Path of the first file ``logger`` writes to, if any."""
    files = [h.baseFilename for h in logger.handlers if isinstance(h, logging.FileHandler)]
    return files[0] if files else None
