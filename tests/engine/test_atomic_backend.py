"""Checkpoints written through mmengine land atomically: a failed write leaves the old file intact."""
import pytest
import torch
from mmengine.fileio import get_file_backend
from mmengine.runner.checkpoint import save_checkpoint

import seg  # noqa: F401  (registers the atomic backend)
from seg.engine.atomic_backend import AtomicLocalBackend


def test_mmengine_uses_atomic_backend_for_local_paths(tmp_path):
    assert isinstance(get_file_backend(str(tmp_path / 'x.pth')), AtomicLocalBackend)


def test_save_checkpoint_roundtrip_leaves_no_temp_files(tmp_path):
    path = tmp_path / 'epoch_1.pth'
    save_checkpoint({'state_dict': {'w': torch.arange(3.0)}}, str(path))
    assert torch.load(path, weights_only=True)['state_dict']['w'].tolist() == [0.0, 1.0, 2.0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ['epoch_1.pth']


def test_failed_write_keeps_previous_file(tmp_path):
    backend = AtomicLocalBackend()
    path = tmp_path / 'last_checkpoint'
    backend.put_text('epoch_1.pth', path)
    with pytest.raises(TypeError):
        backend.put('not bytes', path)  # fails while writing the temp file
    assert path.read_text() == 'epoch_1.pth'
    assert sorted(p.name for p in tmp_path.iterdir()) == ['last_checkpoint']
