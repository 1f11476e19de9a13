"""MultiDatasetSampler and GroupedBatchSampler over many draws: ratios, purity, ranks, seeds."""
from collections import Counter

import pytest

import seg.datasets.samplers.multi_dataset_sampler as sampler_module
from seg.datasets.samplers import GroupedBatchSampler, MultiDatasetSampler


class FakeConcat:
    """Stand-in for a concatenated dataset: component sizes and a group key per component."""

    def __init__(self, sizes, kinds):
        self.cumulative_sizes = [sum(sizes[:i + 1]) for i in range(len(sizes))]
        self.kinds = kinds

    def __len__(self):
        return self.cumulative_sizes[-1]

    def dataset_index(self, idx):
        return next(i for i, end in enumerate(self.cumulative_sizes) if idx < end)

    def group_key(self, idx):
        return self.kinds[self.dataset_index(idx)]

    def get_data_info(self, idx):
        size = dict(width=4, height=3) if idx % 3 else dict(width=3, height=4)
        return dict(images=[size]) if self.kinds[self.dataset_index(idx)] == 'video' else size


def as_rank(monkeypatch, rank, world_size):
    monkeypatch.setattr(sampler_module, 'get_dist_info', lambda: (rank, world_size))


def test_ratios_are_respected_over_many_draws():
    data = FakeConcat([100, 10, 50], ['video', 'video', 'image'])
    sampler = MultiDatasetSampler(data, ratios=[2, 1, 1], num_samples=8000, seed=3)
    counts = Counter(data.dataset_index(i) for i in sampler)
    assert sum(counts.values()) == 8000
    for dataset_idx, share in enumerate([0.5, 0.25, 0.25]):
        assert abs(counts[dataset_idx] / 8000 - share) < 0.02
    per_index = Counter(i for i in sampler if data.dataset_index(i) == 1)
    assert set(per_index) == set(range(100, 110))  # every sample of the small dataset is used
    assert max(per_index.values()) - min(per_index.values()) <= 1  # cycled permutations: even coverage


def test_without_ratios_each_index_once_per_epoch():
    data = FakeConcat([7, 5], ['a', 'b'])
    sampler = MultiDatasetSampler(data, seed=0)
    assert sorted(sampler) == list(range(12))
    assert list(MultiDatasetSampler(data, shuffle=False, seed=0)) == list(range(12))


def test_seed_and_epoch_make_epochs_reproducible():
    data = FakeConcat([30, 30], ['a', 'b'])
    a = MultiDatasetSampler(data, ratios=[1, 1], seed=5)
    b = MultiDatasetSampler(data, ratios=[1, 1], seed=5)
    assert list(a) == list(b)
    first = list(a)
    a.set_epoch(1)
    assert list(a) != first
    b.set_epoch(1)
    assert list(a) == list(b)  # a resumed run that restores the epoch draws the same samples
    a.set_epoch(0)
    assert list(a) == first


@pytest.mark.parametrize('ratios', [None, [3, 1]])
def test_ranks_take_disjoint_shares(monkeypatch, ratios):
    data = FakeConcat([40, 24], ['a', 'b'])
    shares = []
    for rank in range(4):
        as_rank(monkeypatch, rank, 4)
        shares.append(list(MultiDatasetSampler(data, ratios=ratios, seed=11)))
    assert all(len(s) == 16 for s in shares)
    as_rank(monkeypatch, 0, 1)
    full = MultiDatasetSampler(data, ratios=ratios, seed=11).global_indices()
    assert [shares[i % 4][i // 4] for i in range(64)] == full  # strided slices of one global order
    if ratios is None:
        assert sorted(sum(shares, [])) == list(range(64))  # disjoint and complete


def test_padding_to_world_size(monkeypatch):
    data = FakeConcat([5, 5], ['a', 'b'])
    as_rank(monkeypatch, 2, 3)
    sampler = MultiDatasetSampler(data, seed=0)
    assert len(sampler) == 4 and len(list(sampler)) == 4


def test_bad_ratios_rejected():
    data = FakeConcat([5, 0], ['a', 'b'])
    with pytest.raises(ValueError, match='2 non-negative numbers'):
        MultiDatasetSampler(data, ratios=[1])
    with pytest.raises(ValueError, match=r'datasets \[1\] are empty'):
        MultiDatasetSampler(data, ratios=[1, 1])


@pytest.mark.parametrize('batch_size', [1, 3, 4])
def test_batches_never_mix_groups(batch_size):
    data = FakeConcat([50, 20, 30], ['video/coco', 'image/coco', 'image/sam'])
    sampler = MultiDatasetSampler(data, ratios=[1, 1, 1], num_samples=3000, seed=1)
    batch_sampler = GroupedBatchSampler(sampler, batch_size=batch_size)
    groups = Counter()
    for epoch in range(3):
        sampler.set_epoch(epoch)
        batches = list(batch_sampler)
        assert len(batches) == len(batch_sampler) == 3000 // batch_size
        for batch in batches:
            assert len(batch) == batch_size
            keys = {data.group_key(i) for i in batch}
            assert len(keys) == 1
            groups[keys.pop()] += 1
    total = sum(groups.values())
    for key in groups:
        assert abs(groups[key] / total - 1 / 3) < 0.03  # ratios survive batching


def test_every_rank_gets_the_same_number_of_batches(monkeypatch):
    data = FakeConcat([13, 7, 3], ['video', 'image', 'image'])
    lengths = set()
    for rank in range(3):
        as_rank(monkeypatch, rank, 3)
        batch_sampler = GroupedBatchSampler(MultiDatasetSampler(data, seed=2), batch_size=2)
        lengths.add((len(batch_sampler), len(list(batch_sampler))))
    assert lengths == {(4, 4)}


def test_batch_sampler_without_group_key_is_plain():
    batch_sampler = GroupedBatchSampler(list(range(10)), batch_size=3)
    assert list(batch_sampler) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    with pytest.raises(ValueError, match='batch_size'):
        GroupedBatchSampler(list(range(3)), batch_size=0)


def test_group_by_orientation():
    data = FakeConcat([30, 30], ['video', 'image'])
    sampler = MultiDatasetSampler(data, seed=4)
    mixed = [b for b in GroupedBatchSampler(sampler, batch_size=2) if len({i % 3 == 0 for i in b}) > 1]
    assert mixed  # without the option orientations do mix
    for batch in GroupedBatchSampler(sampler, batch_size=2, group_by_orientation=True):
        assert len({(data.group_key(i), i % 3 == 0) for i in batch}) == 1
