"""SafeCheckpointHook: the previous checkpoint goes only after the new one and ``last_checkpoint`` are
complete; a full disk names the path; temp files of interrupted saves are removed."""
import errno
import os
from pathlib import Path

import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.model import BaseModel
from mmengine.runner import Runner

import seg  # noqa: F401  (registers the hook, installs the atomic backend)
from seg.engine.hooks import SafeCheckpointHook
from seg.engine.hooks.safe_checkpoint_hook import stale_temp_files


class TinyModel(BaseModel):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(2, 1)

    def forward(self, inputs, mode='tensor'):
        loss = self.linear(torch.stack(inputs)).pow(2).mean()
        return dict(loss=loss) if mode == 'loss' else loss


def make_runner(work_dir: Path, max_iters: int, resume: bool = False, max_keep_ckpts: int = 1) -> Runner:
    name = f'safe_ckpt_{work_dir.name}_{max_iters}_{resume}'
    MessageHub.get_instance(name)  # a fresh instance per runner
    return Runner(
        model=TinyModel(), work_dir=str(work_dir), experiment_name=name,
        train_dataloader=dict(dataset=[dict(inputs=torch.ones(2))] * 4, sampler=dict(type='InfiniteSampler'),
                              batch_size=2, collate_fn=dict(type='pseudo_collate'), num_workers=0),
        train_cfg=dict(type='IterBasedTrainLoop', max_iters=max_iters),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
        default_hooks=dict(checkpoint=SafeCheckpointHook(by_epoch=False, interval=1,
                                                         max_keep_ckpts=max_keep_ckpts)),
        resume=resume, default_scope='mmdet')  # as our configs; the global scope outlives the test


def checkpoints(work_dir: Path) -> list[str]:
    return sorted(p.name for p in work_dir.glob('iter_*.pth'))


def last_checkpoint(work_dir: Path) -> str:
    return Path((work_dir / 'last_checkpoint').read_text()).name


def test_keeps_only_the_newest_and_points_to_it(tmp_path):
    make_runner(tmp_path, 3).train()
    assert checkpoints(tmp_path) == ['iter_3.pth']
    assert last_checkpoint(tmp_path) == 'iter_3.pth'
    assert not list(tmp_path.glob('.*.tmp'))


def test_full_disk_names_the_path_and_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    real_fsync = os.fsync

    def fsync(fd):
        if os.readlink(f'/proc/self/fd/{fd}').endswith('.tmp') and 'iter_3.pth' in os.readlink(
                f'/proc/self/fd/{fd}'):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_fsync(fd)

    monkeypatch.setattr(os, 'fsync', fsync)
    with pytest.raises(OSError, match='No space left on device') as info:
        make_runner(tmp_path, 4).train()
    assert info.value.filename == str(tmp_path / 'iter_3.pth')
    assert str(tmp_path / 'iter_3.pth') in str(info.value)
    assert checkpoints(tmp_path) == ['iter_2.pth']
    assert last_checkpoint(tmp_path) == 'iter_2.pth'
    assert not list(tmp_path.glob('.*.tmp'))  # the failed write cleaned up after itself
    assert torch.load(tmp_path / 'iter_2.pth', weights_only=True)['meta']['iter'] == 2

    monkeypatch.setattr(os, 'fsync', real_fsync)
    make_runner(tmp_path, 4, resume=True).train()
    assert checkpoints(tmp_path) == ['iter_4.pth']


def test_killed_before_removing_the_old_checkpoint_resume_removes_it(tmp_path, monkeypatch):
    """A stop between writing ``last_checkpoint`` and removing the outdated checkpoint leaves both; the
    resumed run removes the outdated one (its id is recorded in the new checkpoint)."""
    runner = make_runner(tmp_path, 3)

    def remove(path):
        raise KeyboardInterrupt(f'stopped before removing {path}')

    hook = next(h for h in runner.hooks if isinstance(h, SafeCheckpointHook))
    original_before_train = hook.before_train

    def before_train(runner):
        original_before_train(runner)
        monkeypatch.setattr(hook.file_backend, 'remove', remove)

    monkeypatch.setattr(hook, 'before_train', before_train)
    with pytest.raises(KeyboardInterrupt):
        runner.train()
    assert checkpoints(tmp_path) == ['iter_1.pth', 'iter_2.pth']
    assert last_checkpoint(tmp_path) == 'iter_2.pth'
    monkeypatch.undo()

    make_runner(tmp_path, 3, resume=True).train()
    assert checkpoints(tmp_path) == ['iter_3.pth']


def test_stale_temp_files_are_removed_on_start(tmp_path):
    make_runner(tmp_path, 1).train()
    stale = [tmp_path / '.iter_2.pth.k3j4h5.tmp', tmp_path / '.last_checkpoint.a1b2c3.tmp']
    for path in stale:
        path.write_bytes(b'x' * 100)
    unrelated = tmp_path / '.notes.txt.abc.tmp'
    unrelated.write_text('not ours')
    assert stale_temp_files(tmp_path) == sorted(stale)
    make_runner(tmp_path, 2, resume=True).train()
    assert not any(path.exists() for path in stale)
    assert unrelated.exists()
    assert checkpoints(tmp_path) == ['iter_2.pth']
