"""Issue #16: every bad input is refused by name. Each case checks the exact message the user sees,
and docs/FAULTS.md holds one row per case (``python tools/analysis/faults_table.py`` rewrites them)."""
from __future__ import annotations

import time

import cases_data
import cases_eval
import cases_misc
import pytest
from fault_case import REPO_ROOT

CASES = [*cases_eval.CASES, *cases_data.CASES, *cases_misc.CASES]
FAULTS_DOC = REPO_ROOT / 'docs' / 'FAULTS.md'


@pytest.mark.parametrize('case', CASES, ids=[case.name for case in CASES])
def test_fault(case, tmp_path):
    start = time.monotonic()
    assert case.message(tmp_path) == case.expected
    assert time.monotonic() - start < 120


def test_case_names_are_unique():
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))


def test_faults_doc_has_a_row_per_case():
    rows = set(FAULTS_DOC.read_text(encoding='utf-8').splitlines())
    missing = [case.name for case in CASES if case.row() not in rows]
    assert not missing, f'docs/FAULTS.md lacks rows for {missing}: run python tools/analysis/faults_table.py'
