"""Atomic writes: complete files with ordinary permissions, nothing left behind on failure."""
import os

import pytest

from seg.utils.atomic import atomic_write, atomic_write_json, umask_mode


def test_written_file_has_the_permissions_of_a_plain_write(tmp_path):
    path = tmp_path / 'sub' / 'a.json'
    atomic_write_json(path, {'a': 1})
    assert path.read_text() == '{"a": 1}'
    assert os.stat(path).st_mode & 0o777 == umask_mode()  # not mkstemp's 0600


def test_failure_keeps_old_content_and_removes_the_temp_file(tmp_path):
    path = tmp_path / 'a.txt'
    path.write_text('old')

    def fail(f):
        f.write(b'partial')
        raise RuntimeError('disk full')
    with pytest.raises(RuntimeError, match='disk full'):
        atomic_write(path, fail)
    assert path.read_text() == 'old'
    assert sorted(p.name for p in tmp_path.iterdir()) == ['a.txt']
