"""Hook that saves and restores what decides the next batches, so a resumed run continues bit for bit."""
from __future__ import annotations

from mmdet.registry import HOOKS
from mmengine.dist import all_gather_object, get_dist_info
from mmengine.hooks import Hook
from mmengine.runner import IterBasedTrainLoop

from seg.utils.rng import rng_state, set_rng_state

STATE_KEY = 'resume_state'


@HOOKS.register_module()
class ExactResumeHook(Hook):
    """Store the generator states and the sample stream in every checkpoint; restore them on ``--resume``.

    Saved under ``checkpoint['resume_state']``:

    * ``rng``: python / numpy / torch (and CUDA) generator states of every rank, taken when the
      checkpoint is written. On resume they are set right before the first resumed iteration (epoch
      loops: before the resumed epoch), so whatever building the runner drew from them does not matter.
    * ``batch_sampler``: the sample stream's ``state_dict`` (seed, batch size) when the batch sampler has
      one (``ResumableAspectRatioBatchSampler``; its augmentations are seeded per sample, so data-loader
      workers hold no state of their own). The position is the number of trained iterations, see
      ``ResumableIterBasedTrainLoop``.

    A checkpoint without the key (older runs), or one written by a different number of processes, resumes
    as mmengine does, with a warning.
    """

    priority = 'LOW'  # after_train_iter before CheckpointHook (VERY_LOW) writes the checkpoint

    def __init__(self) -> None:
        self._gathered: list[dict] | None = None
        self._pending: dict | None = None

    def _gather(self) -> None:
        """Collect every rank's generator states (checkpoints are written by rank 0 only)."""
        if get_dist_info()[1] > 1:
            self._gathered = all_gather_object(rng_state())

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        """In distributed runs, gather the states a checkpoint of this iteration will store."""
        self._gather()

    def after_train_epoch(self, runner) -> None:
        """Same for checkpoints written at the end of an epoch."""
        self._gather()

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Add ``resume_state`` to the checkpoint."""
        states = self._gathered if self._gathered is not None else [rng_state()]
        batch_sampler = getattr(runner.train_dataloader, 'batch_sampler', None)
        has_state = callable(getattr(batch_sampler, 'state_dict', None))
        sampler_state = batch_sampler.state_dict() if has_state else None
        checkpoint[STATE_KEY] = dict(rng=states, batch_sampler=sampler_state)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """On resume (not ``load_from``): restore the stream now, the generators before the next step."""
        if not getattr(runner, '_resume', False):
            return
        state = checkpoint.get(STATE_KEY)
        if state is None:
            runner.logger.warning('The checkpoint has no resume_state (written without ExactResumeHook): the '
                                  'resumed run will not repeat the batches and random draws of an '
                                  'uninterrupted one')
            return
        batch_sampler = getattr(runner.train_dataloader, 'batch_sampler', None)
        if state['batch_sampler'] is not None and callable(getattr(batch_sampler, 'load_state_dict', None)):
            batch_sampler.load_state_dict(state['batch_sampler'])
        rank, world_size = get_dist_info()
        if len(state['rng']) != world_size:
            runner.logger.warning(f'The checkpoint was written by {len(state["rng"])} processes, this run '
                                  f'has {world_size}: random generators are not restored')
            return
        self._pending = state['rng'][rank]

    def before_train_epoch(self, runner) -> None:
        """Epoch loops: set the saved generator states before the epoch's data-loader iterator starts."""
        if self._pending is not None and not isinstance(runner.train_loop, IterBasedTrainLoop):
            set_rng_state(self._pending)
            self._pending = None

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        """Iteration loops: set them before the first resumed iteration (after the stream was restarted)."""
        if self._pending is not None:
            set_rng_state(self._pending)
            self._pending = None
