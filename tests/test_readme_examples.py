"""Every bash block of README.md and its Python API example run as written, against the toy data and a tiny
checkpoint built here (placeholders such as CONFIG / CKPT filled in, ``[optional]`` parts left out, the train
command shortened with --cfg-options); the published-weights block runs on a checkpoint synthesised from the
released key list. Commands that cannot run offline in seconds on one CPU are skipped with the reason stated
in SKIPPED."""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from tests.apis.toy_workspace import ensure_toy_workspace
from tests.utils.official_checkpoint import write_released_checkpoint

REPO_ROOT = Path(__file__).resolve().parents[1]
README = REPO_ROOT / 'README.md'
TOY_CONFIG = 'seg/configs/toy/omg_toy_coco_panoptic.py'
SHORT_TRAIN = ['--cfg-options', 'train_cfg.max_iters=2', 'train_dataloader.batch_size=1',
               'default_hooks.checkpoint.interval=2', 'param_scheduler.0.end=2']
SKIPPED = {  # command prefix -> why it is not run here
    'python3.11 -m venv': 'creates a venv; .ci/run runs the quick start in a brand-new venv',
    'bash tools/quickstart.sh': 'the whole quick start (minutes); .ci/run runs it',
    'bash tools/run_tests.sh': 'the whole test suite; .ci/run runs it',
    './tools/dist.sh': 'several processes; tests/tools/test_train_test_cli.py runs dist.sh on 2 CPUs',
    'PARTITION=': 'needs a SLURM cluster (srun)',
    'hf download': 'needs internet (the Hugging Face Hub); the test synthesises the file instead',
    'python tools/gen_cls.py seg/configs/m2ov_val/': 'open_clip downloads the ConvNeXt-L CLIP weights (needs '
                                                     'internet; offline it stops with "Could not load CLIP '
                                                     'weights")',
}
# the heading above each bash block -> the test that runs its commands
BLOCK_TESTS = {'Quick start': 'test_every_usage_command_runs', 'Usage': 'test_every_usage_command_runs',
               'Published weights in three commands': 'test_published_weights_block_runs'}
PUBLISHED_CKPT = 'models/omg_seg_convl.pth'
PUBLISHED_OPTIONS = {'model.backbone.pretrained': None, 'model.panoptic_head.classifier.bank_name': None,
                     'model.panoptic_head.classifier.placeholder_bank': True}  # offline: no CLIP, no bank


def readme_blocks(language: str, section: str | None = None) -> list[str]:
    """The fenced ``language`` code blocks of README.md (inside ``## section`` when given)."""
    text = README.read_text(encoding='utf-8')
    if section is not None:
        match = re.search(rf'^## {re.escape(section)}\n(.*?)(?=^## )', text, re.S | re.M)
        assert match, f'README.md has no "## {section}" section'
        text = match.group(1)
    return re.findall(rf'```{language}\n(.*?)```', text, re.S)


def bash_blocks() -> list[tuple[str, str]]:
    """(nearest heading above, block) of every fenced bash block of README.md."""
    text = README.read_text(encoding='utf-8')
    found = []
    for match in re.finditer(r'```bash\n(.*?)```', text, re.S):
        headings = re.findall(r'^#+ (.+)$', text[:match.start()], re.M)
        found.append((headings[-1] if headings else '', match.group(1)))
    return found


def commands(block: str) -> list[str]:
    """Command lines of a bash block (comments and trailing comments removed)."""
    lines = [re.sub(r'\s+#.*$', '', line).strip() for line in block.splitlines()]
    return [line for line in lines if line and not line.startswith('#')]


def skip_reason(command: str) -> str | None:
    """Why ``command`` is not run here (None: it is run)."""
    return next((why for prefix, why in SKIPPED.items() if command.startswith(prefix)), None)


def fill(command: str, ckpt: Path) -> list[str]:
    """The command as argv: optional ``[...]`` parts dropped, placeholders filled with toy paths."""
    while re.search(r'\[[^\[\]]*\]', command):
        command = re.sub(r'\s*\[[^\[\]]*\]', '', command)
    values = {'CONFIG': TOY_CONFIG, 'CKPT': str(ckpt),
              'GT.json': 'data/toy/coco/annotations/panoptic_val2017.json',
              'PRED.json': 'work_dirs/omg_toy_coco_panoptic/results/coco_panoptic/results.panoptic.json'}
    argv = [values.get(word, word) for word in shlex.split(command)]
    if argv[:2] == ['python', 'tools/train.py']:
        argv += SHORT_TRAIN
    if argv[0] == 'python':
        argv[0] = sys.executable
    return argv


def block_commands(test_name: str) -> list[str]:
    """Every command of the README bash blocks that ``test_name`` runs (BLOCK_TESTS), in order."""
    return [c for heading, block in bash_blocks() if BLOCK_TESTS.get(heading) == test_name
            for c in commands(block)]


def usage_commands() -> list[str]:
    """Every command of the README's Quick start and Usage sections, in order."""
    return block_commands('test_every_usage_command_runs')


@pytest.fixture(scope='module')
def workspace(tmp_path_factory):
    """The API tests' toy workspace (toy COCO + DAVIS, the toy bank, a 2-iteration checkpoint)."""
    return ensure_toy_workspace(tmp_path_factory.getbasetemp() / 'api_toy_workspace')


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), OMP_NUM_THREADS='1')
    for script in ('tools', 'seg'):  # the README's relative paths point into the repository
        link = cwd / script
        if not link.exists():
            link.symlink_to(REPO_ROOT / script)
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_every_bash_block_has_a_test():
    headings = [heading for heading, _ in bash_blocks()]
    assert len(headings) >= 3 and set(headings) <= set(BLOCK_TESTS), headings
    assert all(name in globals() for name in BLOCK_TESTS.values())
    published = block_commands('test_published_weights_block_runs')
    assert [skip_reason(c) is None for c in published] == [False, False, True], published


def test_readme_lists_the_commands_this_test_knows():
    found = usage_commands()
    assert any(c.startswith('python tools/test.py CONFIG CKPT --out-dir') for c in found)
    assert any(c.startswith('python tools/eval.py') for c in found)
    for command in found:  # nothing is silently left out: run, or skipped with a reason
        assert command.startswith('python ') or skip_reason(command), command


def test_every_usage_command_runs(workspace):
    ran = []
    for command in usage_commands():
        if skip_reason(command):
            continue
        proc = _run(fill(command, workspace.checkpoint), workspace.root)
        assert proc.returncode == 0, f'README example failed: {command}\n{proc.stdout[-2000:]}\n' \
                                     f'{proc.stderr[-3000:]}'
        ran.append(command)
    assert len(ran) >= 5, ran


def test_python_api_block_runs(workspace):
    (block,) = readme_blocks('python', 'Python API and demos')
    code = block.replace('work_dirs/toy/iter_600.pth', str(workspace.checkpoint))
    assert code != block, 'the API example no longer names the quick-start checkpoint'
    code += "\nassert predictor.class_names == ['car', 'dog', 'sky'] and 'segments_info' in panoptic\n"
    proc = _run([sys.executable, '-c', code], workspace.root)
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_published_weights_block_runs(tmp_path):
    """The converter command runs as written on a synthesised checkpoint at the README's path; the folder
    loads with from_pretrained (the ConvNeXt-L model builds in ~10 s here, randomly initialised, no bank)."""
    state = write_released_checkpoint(tmp_path / PUBLISHED_CKPT)
    (command,) = [c for c in block_commands('test_published_weights_block_runs') if not skip_reason(c)]
    proc = _run(fill(command, tmp_path / PUBLISHED_CKPT), tmp_path)
    assert proc.returncode == 0, f'README example failed: {command}\n{proc.stderr[-3000:]}'
    out = tmp_path / shlex.split(command)[-1]
    assert f'{len(state)} tensors from {PUBLISHED_CKPT} match' in proc.stdout
    assert sorted(p.name for p in out.iterdir()) == ['config.py', 'model.safetensors']  # no bank: no gen_cls

    from seg.apis import ImagePredictor
    predictor = ImagePredictor.from_pretrained(out, cfg_options=PUBLISHED_OPTIONS)
    loaded = predictor.model.state_dict()
    used = [k for k in state if k in loaded]
    assert len(used) == len(state) - 4  # the 4 prompt tensors: this eval config has no prompt queries
    assert all(torch.equal(loaded[k], state[k]) for k in used)
