"""The video predictor's state parts on hand-made cases: the LRU feature window, packed masks, class means."""
import pytest
import torch

from seg.apis.video_state import FeatureWindow, TrackedObject, pack_mask, unpack_mask


def test_feature_window_drops_the_least_recently_used_frame():
    window = FeatureWindow(2)
    calls = []

    def encoder(index):
        return lambda: calls.append(index) or f'features {index}'
    assert window.get(0, encoder(0)) == 'features 0'
    window.get(1, encoder(1))
    assert window.get(0, encoder(0)) == 'features 0'  # held: not encoded again, now most recent
    window.get(2, encoder(2))  # drops frame 1
    assert window.frames == [0, 2] and calls == [0, 1, 2]
    window.get(1, encoder(1))
    assert window.frames == [2, 1] and window.encoded == 4 and window.peak == 2 and len(window) == 2
    with pytest.raises(ValueError, match='at least 1 frame'):
        FeatureWindow(0)


def test_masks_are_stored_bit_packed():
    mask = torch.zeros(3, 5, dtype=torch.bool)
    mask[1, 2:] = True
    packed = pack_mask(mask)
    assert packed[0].nbytes == 2 and packed[1] == (3, 5)  # 15 pixels in 2 bytes
    assert torch.equal(unpack_mask(packed), mask)


def test_class_estimate_is_the_mean_over_frames_and_a_frame_counts_once():
    obj = TrackedObject(1)
    assert obj.class_estimate() is None
    mask = torch.ones(2, 2, dtype=torch.bool)
    obj.record(0, mask, torch.tensor([0.6, 0.4]))
    obj.record(1, mask, torch.tensor([0.2, 0.8]))
    label, score = obj.class_estimate()
    assert label == 1 and score == pytest.approx(0.6)
    obj.record(1, mask, torch.tensor([0.8, 0.2]))  # frame 1 segmented again: replaces its probabilities
    label, score = obj.class_estimate()
    assert label == 0 and score == pytest.approx(0.7)
    obj.record(2, mask, None)  # not visible there: mask kept, no class evidence
    assert sorted(obj.masks) == [0, 1, 2] and sorted(obj.class_probs) == [0, 1]
    obj.forget_classes()
    assert obj.class_estimate() is None and sorted(obj.masks) == [0, 1, 2]
