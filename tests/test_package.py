"""The package imports, registers into mmdet's registries and reports its version."""
import re

import seg


def test_version_is_semver():
    assert re.fullmatch(r'\d+\.\d+\.\d+', seg.__version__)


def test_setup_py_reads_same_version(repo_root):
    text = (repo_root / 'seg' / 'version.py').read_text()
    assert f"'{seg.__version__}'" in text


def test_requirements_pin_exact_versions(repo_root):
    for name in ('torch', 'runtime', 'nodeps', 'tests'):
        lines = [line for line in (repo_root / 'requirements' / f'{name}.txt').read_text().splitlines()
                 if line.strip() and not line.startswith('#')]
        assert lines, name
        for line in lines:
            assert '==' in line, f'requirements/{name}.txt: {line!r} is not pinned'
