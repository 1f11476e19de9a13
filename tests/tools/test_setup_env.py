"""The mmcv source-build steps of tools/setup_env.sh: sdist download (no build isolation) and C++20 patch."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / 'tools' / 'setup_env.sh'


def call_step(step: str, *args: str, timeout: int = 60) -> subprocess.CompletedProcess:
    """Source setup_env.sh (which then runs nothing) and call one of its functions."""
    quoted = ' '.join(f"'{a}'" for a in args)
    return subprocess.run(['bash', '-c', f'source "{SCRIPT}" && {step} {quoted}'], capture_output=True,
                          text=True, timeout=timeout, env=script_env(Path(os.devnull)))


def script_env(setup_log: Path) -> dict[str, str]:
    """This environment, with this interpreter as the script's PYTHON and its pip log at ``setup_log``."""
    return dict(os.environ, PYTHON=sys.executable, SETUP_LOG=str(setup_log),
                PATH=f'{Path(sys.executable).parent}{os.pathsep}{os.environ.get("PATH", "")}')


def test_sourcing_runs_no_install():
    proc = call_step('true')
    assert proc.returncode == 0 and proc.stdout == '', proc.stdout + proc.stderr


def test_patch_switches_every_cxx_flag_to_cxx20(tmp_path):
    setup = tmp_path / 'setup.py'
    setup.write_text("extra = {'cxx': ['-std=c++14']}\nif x:\n    extra['cxx'] = ['-std=c++17', '-O3']\n")
    proc = call_step('patch_mmcv_cxx_standard', str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert setup.read_text() == ("extra = {'cxx': ['-std=c++20']}\n"
                                 "if x:\n    extra['cxx'] = ['-std=c++20', '-O3']\n")


def test_patch_fails_by_name_when_setup_py_has_no_standard_flag(tmp_path):
    (tmp_path / 'setup.py').write_text('setup()\n')
    proc = call_step('patch_mmcv_cxx_standard', str(tmp_path))
    assert proc.returncode == 1
    assert proc.stderr.strip() == (f"[setup_env] ERROR: could not switch mmcv's C++ standard in "
                                   f'{tmp_path}/setup.py')


def test_download_gives_an_sdist_the_patch_applies_to(tmp_path):
    """The real registry sdist: pip download without build isolation (its setup.py needs pkg_resources)."""
    pytest.importorskip('pkg_resources')  # setup_env.sh installs setuptools<82 first
    log = tmp_path / 'pip.log'
    proc = subprocess.run(['bash', '-c', f'source "{SCRIPT}" && download_mmcv_sdist "{tmp_path}/b"'],
                          capture_output=True, text=True, timeout=300, env=script_env(log))
    assert proc.returncode == 0, proc.stderr + log.read_text()[-3000:]
    assert '--no-build-isolation' in log.read_text()
    setup = tmp_path / 'b' / 'mmcv-2.1.0' / 'setup.py'
    assert '-std=c++' in setup.read_text()
    assert call_step('patch_mmcv_cxx_standard', str(setup.parent)).returncode == 0
    text = setup.read_text()
    assert '-std=c++20' in text and '-std=c++14' not in text and '-std=c++17' not in text
