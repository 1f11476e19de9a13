"""Video splitting into tubes and MinVIS query association across tubes."""
import pytest
import torch

from seg.models.task_modules import QueryTubeTracker, associate_queries, cosine_cost, video_split


@pytest.mark.parametrize('total, size, expected', [
    (7, 3, [(0, 3), (3, 5), (5, 7)]),  # MODEL.md §12.2 example
    (10, 3, [(0, 3), (3, 6), (6, 8), (8, 10)]),
    (16, 5, [(0, 5), (5, 10), (10, 15), (15, 16)]),  # overshoot >= tube count: last tube shortened
    (1, 3, [(0, 1)]),
    (4, 2, [(0, 2), (2, 4)]),
])
def test_video_split_known_answers(total, size, expected):
    spans = video_split(total, size)
    assert spans == expected
    assert all(0 < end - start <= size for start, end in spans)


def test_video_split_rejects_empty_videos():
    with pytest.raises(ValueError, match='total >= 1'):
        video_split(0, 3)


def test_cosine_cost_hand_computed():
    ref = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
    cur = torch.tensor([[0.0, 1.0], [3.0, 3.0]])
    cost = cosine_cost(ref, cur)
    expected = torch.tensor([[1.0, 1 - 2 ** -0.5], [0.0, 1 - 2 ** -0.5]])
    assert torch.allclose(cost, expected, atol=1e-6)


def test_association_recovers_a_shuffled_query_order():
    generator = torch.Generator().manual_seed(0)
    reference = torch.randn(12, 8, generator=generator)
    order = torch.randperm(12, generator=generator)
    current = reference[order] + 0.01 * torch.randn(12, 8, generator=generator)
    permutation = associate_queries(reference, current)
    assert torch.equal(order[permutation], torch.arange(12))


def test_association_rejects_mismatched_query_sets():
    with pytest.raises(ValueError, match='differ in shape'):
        associate_queries(torch.zeros(3, 4), torch.zeros(2, 4))


def test_tracker_aligns_clips_and_averages_video_level_logits():
    emb = torch.eye(3)
    cls1 = torch.tensor([[1.0, 0.0], [2.0, 0.0], [3.0, 0.0]])
    masks1 = torch.arange(3.0).view(3, 1, 1, 1).expand(3, 2, 2, 2)  # query q has value q, 2 frames
    tracker = QueryTubeTracker(store_dtype=torch.float16)
    tracker.add_clip(cls1, torch.zeros(3), emb, masks1)
    swap = torch.tensor([2, 0, 1])  # the second clip's query i is the first clip's query swap[i]
    cls2 = torch.tensor([[5.0, 0.0], [7.0, 0.0], [9.0, 0.0]])[swap]
    permutation = tracker.add_clip(cls2, torch.ones(3), emb[swap], masks1[swap][:, :1])
    assert torch.equal(swap[permutation], torch.arange(3))
    assert torch.allclose(tracker.cls_logits[:, 0], torch.tensor([3.0, 4.5, 6.0]))
    assert torch.allclose(tracker.objectness, torch.full((3,), 0.5))
    assert tracker.num_frames == 3 and tracker.num_clips == 2
    for frame in range(3):
        stored = tracker.frame_masks(frame)
        assert stored.dtype == torch.float16 and stored.shape == (3, 2, 2)
        assert torch.equal(stored[:, 0, 0], torch.tensor([0.0, 1.0, 2.0], dtype=torch.float16))


def test_tracker_needs_a_clip_before_scores():
    with pytest.raises(RuntimeError, match='add_clip'):
        QueryTubeTracker().cls_logits
