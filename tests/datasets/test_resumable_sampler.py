"""Resumable samplers: a stream started at batch k is the tail of the full stream, augmentations are a
function of the position (any number of workers), the caller's generators are untouched."""
import pickle
import random

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

from seg.datasets.samplers import ResumableAspectRatioBatchSampler, ResumableInfiniteSampler, SeededBatch
from seg.utils.rng import rng_state, set_rng_state


class ShapesDataset(torch.utils.data.Dataset):
    """Portrait and landscape samples whose value is a random draw of every generator."""

    def __init__(self, n: int = 7):
        self.n = n

    def __len__(self):
        return self.n

    def get_data_info(self, idx):
        return dict(width=10 if idx % 3 else 20, height=15)

    def __getitem__(self, idx):
        return (idx, random.random(), float(np.random.rand()), float(torch.rand(())))


def batches(sampler, count: int, start: int = 0):
    batch_sampler = ResumableAspectRatioBatchSampler(sampler, batch_size=2)
    batch_sampler.set_start(start)
    stream = iter(batch_sampler)
    return [next(stream) for _ in range(count)]


def test_started_stream_is_the_tail_of_the_full_stream():
    sampler = ResumableInfiniteSampler(ShapesDataset(), shuffle=True, seed=3)
    full = batches(sampler, 12)
    tail = batches(sampler, 7, start=5)
    assert [list(b) for b in tail] == [list(b) for b in full[5:]]
    assert [b.seeds for b in tail] == [b.seeds for b in full[5:]]
    assert len({s for b in full for s in b.seeds}) == 24  # every sample gets its own seed


def test_seeded_batch_seeds_each_sample_and_restores_the_callers_generators():
    dataset = ShapesDataset()
    batch = SeededBatch([1, 2], seeds=[11, 12])
    before = rng_state()
    first = [dataset[i] for i in batch]
    after = rng_state()
    assert [dataset[i] for i in batch] == first  # same seeds, same draws
    assert torch.equal(before['torch'], after['torch']) and torch.equal(before['numpy']['keys'],
                                                                        after['numpy']['keys'])
    assert before['python']['internal'].equal(after['python']['internal'])
    copy = pickle.loads(pickle.dumps(batch))  # how it travels to a worker
    assert list(copy) == [1, 2] and copy.seeds == [11, 12] and type(copy) is SeededBatch


def test_augmentations_do_not_depend_on_workers_or_the_start():
    def load(num_workers: int, start: int, count: int):
        sampler = ResumableInfiniteSampler(ShapesDataset(), shuffle=True, seed=0)
        batch_sampler = ResumableAspectRatioBatchSampler(sampler, batch_size=2)
        batch_sampler.set_start(start)
        loader = DataLoader(ShapesDataset(), batch_sampler=batch_sampler, num_workers=num_workers,
                            collate_fn=lambda samples: samples)
        stream = iter(loader)
        return [next(stream) for _ in range(count)]

    single = load(0, 0, 6)
    assert load(2, 2, 4) == single[2:]
    assert len({sample[1] for batch in single for sample in batch}) == 12


def test_rng_state_round_trip_and_checkpoint_safe(tmp_path):
    state = rng_state()
    expected = (random.random(), float(np.random.rand()), float(torch.rand(())))
    torch.save(state, tmp_path / 'rng.pth')
    set_rng_state(torch.load(tmp_path / 'rng.pth', weights_only=True))
    assert (random.random(), float(np.random.rand()), float(torch.rand(()))) == expected


def test_resume_with_another_batch_size_is_refused():
    sampler = ResumableInfiniteSampler(ShapesDataset(), seed=0)
    state = ResumableAspectRatioBatchSampler(sampler, batch_size=2).state_dict()
    with pytest.raises(ValueError, match='batch size 2, this run uses 4'):
        ResumableAspectRatioBatchSampler(sampler, batch_size=4).load_state_dict(state)


def test_needs_a_restartable_sampler():
    with pytest.raises(TypeError, match='needs a restartable seeded sampler'):
        ResumableAspectRatioBatchSampler(torch.utils.data.SequentialSampler(range(4)), batch_size=2)
