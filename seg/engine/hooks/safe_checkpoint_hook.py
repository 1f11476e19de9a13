"""Checkpoint hook that never leaves the work dir without a loadable checkpoint."""
from __future__ import annotations

import os
import re
from collections import deque
from pathlib import Path

from mmdet.registry import HOOKS
from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook

from seg.utils.atomic import atomic_write_text


def stale_temp_files(directory: str | os.PathLike, pattern: str = r'.+\.pth|last_checkpoint') -> list[Path]:
    """Temp files that an interrupted atomic write (``seg.utils.atomic``) left in ``directory``.

    They are named ``.<target>.<random>.tmp``; only targets matching ``pattern`` (checkpoints and
    ``last_checkpoint`` by default) are returned.
    """
    directory = Path(directory)
    if not directory.is_dir():
        return []
    target = re.compile(rf'\.({pattern})\.[^.]+\.tmp')
    return sorted(p for p in directory.iterdir() if p.is_file() and target.fullmatch(p.name))


@HOOKS.register_module()
class SafeCheckpointHook(CheckpointHook):
    """mmengine's ``CheckpointHook`` with a crash-safe order of operations.

    mmengine deletes the checkpoint that falls out of ``max_keep_ckpts`` *before* writing the new one and
    writes ``last_checkpoint`` in place, so a ``kill -9`` or a full disk during the save can leave no
    checkpoint at all and a ``last_checkpoint`` that points to a missing file. Here:

    1. the new checkpoint is written atomically (temp file + rename, ``seg.engine.atomic_backend``);
    2. ``last_checkpoint`` is replaced atomically;
    3. only then are the outdated checkpoints removed.

    The saved message hub lists the outdated ids too (``keep_ckpt_ids`` one longer than
    ``max_keep_ckpts``), so a run killed between 2 and 3 removes them when it is resumed (mmengine's
    ``before_train`` trims the list). Temp files left by an interrupted save are removed at the start of
    training and before every save. Arguments are those of ``CheckpointHook``.
    """

    def before_train(self, runner) -> None:
        """Set up as mmengine does, then remove temp files of interrupted saves."""
        super().before_train(runner)
        self._remove_stale_temp_files(runner)

    def _remove_stale_temp_files(self, runner) -> None:
        if not is_main_process():
            return
        for directory in {str(self.out_dir), str(runner.work_dir)}:
            for path in stale_temp_files(directory):
                runner.logger.warning(f'Removing {path} ({path.stat().st_size} bytes), the temp file of an '
                                      'interrupted checkpoint save')
                path.unlink(missing_ok=True)

    def _save_checkpoint_with_step(self, runner, step, meta) -> None:
        """Write checkpoint ``step``, then ``last_checkpoint``, then drop those beyond ``max_keep_ckpts``."""
        outdated: list[int] = []
        if self.max_keep_ckpts > 0 and not (self.keep_ckpt_ids and self.keep_ckpt_ids[-1] == step):
            ids = [*self.keep_ckpt_ids, step]
            outdated, kept = ids[:-self.max_keep_ckpts], ids[-self.max_keep_ckpts:]
            # recorded in the checkpoint, so that a resumed run finishes removing the outdated ones
            runner.message_hub.update_info('keep_ckpt_ids', ids)
            self.keep_ckpt_ids = deque(kept, self.max_keep_ckpts)

        ckpt_filename = self.filename_tmpl.format(step)
        self.last_ckpt = self.file_backend.join_path(self.out_dir, ckpt_filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        self._remove_stale_temp_files(runner)
        runner.save_checkpoint(
            self.out_dir,
            ckpt_filename,
            self.file_client_args,
            save_optimizer=self.save_optimizer,
            save_param_scheduler=self.save_param_scheduler,
            meta=meta,
            by_epoch=self.by_epoch,
            backend_args=self.backend_args,
            **self.args)
        if outdated:
            runner.message_hub.update_info('keep_ckpt_ids', list(self.keep_ckpt_ids))
        if not is_main_process():
            return

        atomic_write_text(Path(runner.work_dir) / 'last_checkpoint', str(self.last_ckpt))
        for old_step in outdated:
            path = self.file_backend.join_path(self.out_dir, self.filename_tmpl.format(old_step))
            if self.file_backend.isfile(path):
                self.file_backend.remove(path)
            elif self.file_backend.isdir(path):  # deepspeed checkpoints are folders
                self.file_backend.rmtree(path)
