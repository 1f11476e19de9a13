"""Training loops."""
from __future__ import annotations

from mmdet.registry import LOOPS
from mmengine.runner import IterBasedTrainLoop
from mmengine.runner.loops import _InfiniteDataloaderIterator


@LOOPS.register_module()
class ResumableIterBasedTrainLoop(IterBasedTrainLoop):
    """``IterBasedTrainLoop`` that resumes the data stream by position instead of replaying it.

    mmengine's loop resumes at iteration ``k`` by loading and discarding ``k`` batches. With a batch
    sampler that has ``set_start`` (``ResumableAspectRatioBatchSampler``) this loop starts a new
    data-loader iterator at batch ``k`` instead: no data is loaded twice, and the batches are the ones the
    uninterrupted run would have seen. Other batch samplers get mmengine's replay. Arguments are those of
    ``IterBasedTrainLoop``.
    """

    def run(self):
        """mmengine's ``run``, with the replay replaced by :meth:`skip_trained_batches`."""
        self.runner.call_hook('before_train')
        self.runner.call_hook('before_train_epoch')
        if self._iter > 0:
            self.skip_trained_batches(self._iter)
        while self._iter < self._max_iters and not self.stop_training:
            self.runner.model.train()
            data_batch = next(self.dataloader_iterator)
            self.run_iter(data_batch)
            self._decide_current_val_interval()
            if (self.runner.val_loop is not None and self._iter >= self.val_begin
                    and (self._iter % self.val_interval == 0 or self._iter == self._max_iters)):
                self.runner.val_loop.run()
        self.runner.call_hook('after_train_epoch')
        self.runner.call_hook('after_train')
        return self.runner.model

    def skip_trained_batches(self, num_batches: int) -> None:
        """Continue the data stream after ``num_batches`` batches (one per trained iteration)."""
        batch_sampler = self.dataloader.batch_sampler
        if not callable(getattr(batch_sampler, 'set_start', None)):
            self.runner.logger.warning(
                f'{type(batch_sampler).__name__} cannot start at a position: replaying {num_batches} batches '
                '(use ResumableInfiniteSampler + ResumableAspectRatioBatchSampler for an exact, fast resume)')
            for _ in range(num_batches):
                next(self.dataloader_iterator)
            return
        batch_sampler.set_start(num_batches)
        self.dataloader_iterator = _InfiniteDataloaderIterator(self.dataloader)  # drops prefetched batches
        self.runner.logger.info(f'Data stream resumed at batch {num_batches}')
