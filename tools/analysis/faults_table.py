"""Rewrite the rows of docs/FAULTS.md that come from tests/faults/ (bad inputs and the messages shown).

``python tools/analysis/faults_table.py [--check]``

Runs every case of ``tests/faults/`` in a temporary folder, checks that the message shown is the one the
case expects, and rewrites the table rows of those cases (rows of other tests are kept, in place).
With ``--check`` nothing is written; the exit status says whether the document is up to date.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DOC = REPO_ROOT / 'docs' / 'FAULTS.md'
HEADER = '| fault / bad input | what the user sees | test |'
RULE = '|---|---|---|'
INTRO = """# Faults: bad inputs and what the user sees

Every bad input is refused by name (issue #16): the message names the file, record, frame or key at
fault and what was expected. Each row is checked by its test (the message must be exactly the one shown,
with the test's temporary folder written `DIR`). Rows of `tests/faults/` are written by
`python tools/analysis/faults_table.py`; other rows are kept as they are.
"""


def load_cases() -> list:
    """The fault cases of tests/faults/ (importable without pytest)."""
    for path in (REPO_ROOT / 'tests' / 'faults', REPO_ROOT / 'tests' / 'evaluation', REPO_ROOT):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    from test_faults import CASES
    return CASES


def render(doc_text: str, cases: list) -> str:
    """``doc_text`` with the rows of ``cases`` replaced (or appended) and every other row kept."""
    lines = doc_text.splitlines() if doc_text else INTRO.splitlines() + ['', HEADER, RULE]
    if HEADER not in lines:
        lines += ['', HEADER, RULE]
    start = lines.index(HEADER) + 2
    end = start
    while end < len(lines) and lines[end].startswith('|'):
        end += 1
    ours = {case.test_id for case in cases}
    kept = [row for row in lines[start:end] if not any(f'`{test_id}`' in row for test_id in ours)
            and 'tests/faults/test_faults.py::' not in row]
    rows = [case.row() for case in cases] + kept
    return '\n'.join(lines[:start] + rows + lines[end:]) + '\n'


def main(argv=None) -> int:
    """Run the cases, then write (or with ``--check`` compare) docs/FAULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true', help='only report whether the document is up to date')
    args = parser.parse_args(argv)
    cases = load_cases()
    wrong = 0
    for case in cases:
        with tempfile.TemporaryDirectory() as tmp:
            shown = case.message(Path(tmp))
        if shown != case.expected:
            wrong += 1
            print(f'{case.name}: shows {shown!r}\n    expected {case.expected!r}', file=sys.stderr)
    if wrong:
        print(f'{wrong} case(s) differ from their expected message; docs/FAULTS.md not written',
              file=sys.stderr)
        return 1
    current = DOC.read_text(encoding='utf-8') if DOC.is_file() else ''
    updated = render(current, cases)
    if args.check:
        print('docs/FAULTS.md is up to date' if updated == current else 'docs/FAULTS.md is out of date')
        return int(updated != current)
    from seg.utils.atomic import atomic_write_text
    atomic_write_text(DOC, updated)
    print(f'{len(cases)} rows written to {DOC}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
