"""DAVIS J / F / statistics: hand-computed boundary and region cases, and the file evaluator."""
import os

import numpy as np
import pytest
from eval_fixtures import box_mask, davis_palette, write_davis, write_davis_results
from PIL import Image

from seg.evaluation.functional.davis import evaluate_davis, evaluate_davis_sequence
from seg.evaluation.functional.davis_measures import (
    boundary_f_measure,
    boundary_map,
    db_statistics,
    disk,
    region_similarity,
)
from seg.evaluation.functional.fileio import EvalInputError

SQUARE = box_mask(10, 10, 2, 6, 2, 6)


def test_boundary_map_and_disk():
    ring = np.zeros((10, 10), bool)
    ring[1:6, 1:6] = True
    ring[2:5, 2:5] = False    # border of rows/cols 1..5
    assert np.array_equal(boundary_map(SQUARE), ring)
    assert np.array_equal(disk(1), [[0, 1, 0], [1, 1, 1], [0, 1, 0]])
    assert disk(2.0).sum() == 13


def test_region_similarity_cases():
    assert region_similarity(SQUARE, SQUARE) == 1
    assert region_similarity(SQUARE, np.roll(SQUARE, 3, axis=1)) == pytest.approx(4 / 28)
    empty = np.zeros_like(SQUARE)
    assert region_similarity(empty, empty) == 1      # object absent in both
    assert region_similarity(SQUARE, empty) == 0


def test_boundary_f_measure_hand_computed():
    # 10 x 10 image: tolerance ceil(0.008 * 14.1) = 1 pixel (cross-shaped disk)
    assert boundary_f_measure(SQUARE, SQUARE) == 1
    assert boundary_f_measure(np.roll(SQUARE, 1, axis=1), SQUARE) == pytest.approx(1)
    # shifted by 3: 9 of 16 boundary pixels match on each side
    assert boundary_f_measure(np.roll(SQUARE, 3, axis=1), SQUARE) == pytest.approx(9 / 16)
    empty = np.zeros_like(SQUARE)
    assert boundary_f_measure(empty, SQUARE) == 0 and boundary_f_measure(SQUARE, empty) == 0
    assert boundary_f_measure(empty, empty) == 1


def test_db_statistics_mean_recall_decay():
    mean, recall, decay = db_statistics(np.array([1, 1, 1, 1, 0, 0, 0, 0], float))
    assert (mean, recall, decay) == pytest.approx((0.5, 0.5, 1.0))
    assert db_statistics(np.array([1.0, 0.0])) == pytest.approx((0.5, 0.5, 1.0))


def _sequence():
    """4 frames, two objects; object 2 leaves in the last two frames."""
    frame = np.zeros((10, 10), np.uint8)
    frame[SQUARE] = 1
    frame[8:10, 0:3] = 2
    late = frame.copy()
    late[late == 2] = 0
    return [frame, frame, late, late]


def test_sequence_scores_objects_and_disappearance():
    gt = np.stack(_sequence())
    result = gt[1:-1].copy()
    j, f = evaluate_davis_sequence(gt, result)
    assert j.shape == (2, 2) and np.all(j == 1) and np.all(f == 1)
    result[0][result[0] == 2] = 0          # object 2 missed while present
    j, f = evaluate_davis_sequence(gt, result)
    assert j[1].tolist() == [0, 1] and f[1].tolist() == [0, 1]
    with pytest.raises(EvalInputError, match='object id 3 but the sequence has only 2'):
        evaluate_davis_sequence(gt, np.full_like(result, 3))


def test_evaluate_davis_files(tmp_path):
    frames = _sequence()
    root = write_davis(str(tmp_path / 'DAVIS'), {'seqA': frames})
    results = [f.copy() for f in frames]
    results[1][results[1] == 2] = 0
    res_dir = write_davis_results(str(tmp_path / 'res'), {'seqA': results})
    out = evaluate_davis(root, res_dir, progress=False)
    # object 1: J = F = [1, 1]; object 2: [0, 1] -> means 1 and 0.5, decays 0 and -1
    assert out['J_mean'] == pytest.approx(75) and out['F_mean'] == pytest.approx(75)
    assert out['J&F'] == pytest.approx(75) and out['J_recall'] == pytest.approx(75)
    assert out['J_decay'] == pytest.approx(-50)
    assert out['per_object']['seqA_2']['J'] == pytest.approx(50)
    # RGB results are mapped back through the annotation palette
    palette = np.array(davis_palette(), np.uint8).reshape(-1, 3)
    rgb_path = os.path.join(res_dir, 'seqA', '00001.png')
    Image.fromarray(palette[results[1]]).save(rgb_path)
    assert evaluate_davis(root, res_dir, progress=False)['J&F'] == pytest.approx(75)
    os.remove(os.path.join(res_dir, 'seqA', '00002.png'))
    with pytest.raises(EvalInputError, match='00002.png: PNG not found'):
        evaluate_davis(root, res_dir, progress=False)
