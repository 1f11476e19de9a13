"""Click simulation on hand-made masks: where the next click goes and with which label."""
import torch

from seg.models.query_generators import CLICK_PADDING, append_clicks, mask_ious, next_click, simulate_clicks


def _mask(height, width, *boxes):
    mask = torch.zeros(height, width, dtype=torch.bool)
    for y1, y2, x1, x2 in boxes:
        mask[y1:y2, x1:x2] = True
    return mask


def test_first_click_is_the_deepest_object_pixel():
    gt = _mask(10, 12, (2, 7, 1, 10))  # rows 2-6, cols 1-9
    # distance 3 is reached on row 4 at cols 3..7; ties go to the first pixel: (col 3, row 4) -> centre
    assert next_click(torch.zeros_like(gt), gt) == (3.5, 4.5, 1)


def test_a_larger_false_positive_region_gets_a_negative_click():
    gt = _mask(12, 12, (0, 2, 0, 2))
    pred = gt | _mask(12, 12, (5, 10, 5, 10))  # a 5 x 5 false positive, no miss
    assert next_click(pred, gt) == (7.5, 7.5, 0)


def test_a_larger_miss_gets_a_positive_click():
    gt = _mask(9, 16, (0, 9, 0, 16))
    pred = _mask(9, 16, (0, 9, 0, 8)) | _mask(9, 16, (0, 1, 15, 16))  # misses cols 8-14, 1 px FP
    # the miss (cols 8-14, and rows 1-8 of col 15) is 4 px deep at cols 11-12 (pred at col 7, border at
    # col 16) on rows 3-5 (border above / below); the first such pixel is row 3, col 11
    assert next_click(pred, gt) == (11.5, 3.5, 1)


def test_perfect_prediction_gives_no_click_and_padding():
    gt = _mask(6, 6, (1, 4, 1, 4))
    assert next_click(gt, gt) is None
    clicks, labels = append_clicks(torch.zeros(2, 0, 2), torch.zeros(2, 0, dtype=torch.long),
                                   torch.stack([gt, torch.zeros_like(gt)]), torch.stack([gt, gt]))
    assert labels.tolist() == [[CLICK_PADDING], [1]]
    assert clicks[1, 0].tolist() == [2.5, 2.5]
    _, labels = append_clicks(clicks, labels, torch.zeros(2, 6, 6, dtype=torch.bool), torch.stack([gt, gt]),
                              active=torch.tensor([True, False]))
    assert labels[:, 1].tolist() == [1, CLICK_PADDING]


def test_simulation_feeds_every_click_so_far_and_records_iou_per_round():
    gt = _mask(8, 8, (0, 8, 0, 4))
    seen = []

    def segment(clicks, labels):  # grows the mask by two columns per positive click
        seen.append(labels.clone())
        positives = int((labels == 1).sum())
        return _mask(8, 8, (0, 8, 0, min(2 * positives, 8)))[None]

    ious, first = simulate_clicks(segment, gt[None], 3)
    assert [s.shape[1] for s in seen] == [1, 2, 3]
    assert ious[0].tolist() == [0.5, 1.0, 1.0]  # round 3: perfect, so padding and no new click
    assert seen[2][0].tolist() == [1, 1, CLICK_PADDING]
    assert torch.equal(first[0], _mask(8, 8, (0, 8, 0, 2)))
    empty = torch.zeros(1, 2, 2, dtype=torch.bool)
    assert mask_ious(empty, empty).item() == 0
