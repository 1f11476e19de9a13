"""One bad input and the exact message the user sees; shared by the tests and docs/FAULTS.md."""
from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

REPO_ROOT = Path(__file__).resolve().parents[2]
TEST_FILE = 'tests/faults/test_faults.py'
CLI_TIMEOUT_S = 120  # interpreter start + imports on a loaded machine; a hang is killed, not waited for


@dataclass(frozen=True)
class Case:
    """``run(tmp)`` provokes the fault in the folder ``tmp`` and returns the one-line message shown.

    ``expected`` is that message with ``tmp`` written as ``DIR``.
    """
    item: int
    fault: str
    expected: str
    run: Callable[[Path], str]

    @property
    def name(self) -> str:
        return self.run.__name__

    @property
    def test_id(self) -> str:
        return f'{TEST_FILE}::test_fault[{self.name}]'

    def message(self, tmp: Path) -> str:
        return self.run(tmp).replace(str(tmp), 'DIR')

    def row(self) -> str:
        """Markdown row ``| fault / bad input | what the user sees | test |``."""
        shown = self.expected.replace('|', '\\|')
        return f'| {self.fault} (#16.{self.item}) | `{shown}` | `{self.test_id}` |'


def error_of(fn: Callable, *args, **kwargs) -> str:
    """``str`` of the exception ``fn(*args)`` raises (an AssertionError if it raises none)."""
    try:
        fn(*args, **kwargs)
    except Exception as err:  # noqa: BLE001 (any error is the observed behaviour)
        return str(err)
    raise AssertionError(f'{getattr(fn, "__name__", fn)} raised nothing')


def run_cli(*argv: str, seconds: float = CLI_TIMEOUT_S) -> str:
    """Last stderr line of ``python argv...`` run from the repository root, killed after ``seconds``."""
    start = time.monotonic()
    proc = subprocess.run([sys.executable, *argv], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=seconds)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode != 0, f'{argv} succeeded after {time.monotonic() - start:.1f} s'
    return lines[-1] if lines else ''
