"""benchmark.py --stages: modes x stages on the toy model, agreement with fp32 (no timing asserts)."""
from tests.models.model_test_utils import REPO_ROOT
from tests.tools.test_benchmark import load_benchmark

TOY = str(REPO_ROOT / 'seg' / 'configs' / 'toy' / 'omg_toy_coco_panoptic.py')


def test_stage_table_has_every_mode_and_stage_and_exact_modes_agree(capsys, tmp_path):
    rows = load_benchmark().main([TOY, '--stages', '--size', '64', '64', '--placeholder-bank', '--iters', '1',
                                  '--warmup', '0', '--device', 'cpu', '--modes', 'channels_last', 'bf16',
                                  '--out', str(tmp_path / 'rows.json')])
    out = capsys.readouterr().out
    assert [row['mode'] for row in rows] == ['fp32', 'channels_last', 'bf16']  # fp32 first, the reference
    for row in rows:
        assert list(row['median_s']) == ['backbone', 'pixel decoder', 'decoder', 'fusion', 'whole forward']
        assert all(seconds > 0 for seconds in row['median_s'].values())
        stages = row['median_s']
        whole = stages['backbone'] + stages['pixel decoder'] + stages['decoder'] + stages['fusion']
        assert abs(stages['whole forward'] - whole) < 1e-9
    exact = rows[1]  # channels_last changes the memory layout only: the same numbers as fp32
    assert exact['pixels_equal_pct'] == 100.0 and exact['max_cls_diff'] == 0 and exact['max_mask_diff'] == 0
    assert exact['query_map_equal_pct'] == 100.0
    assert rows[2]['max_mask_diff'] > 0  # bf16 is not exact
    for text in ('whole forward', 'pixel decoder', 'speed-up', 'pan. px = fp32', 'query map = fp32',
                 'process peak RSS (model included): fp32 ', 'input: 64x64'):
        assert text in out
    assert (tmp_path / 'rows.json').is_file()


def test_query_map_is_the_threshold_free_panoptic_winner():
    """Pixel winner = argmax_q max_c softmax(cls_q)[c] * sigmoid(mask_q), void column ignored."""
    import sys

    import torch
    sys.path.insert(0, str(REPO_ROOT / 'tools' / 'analysis'))
    from _stage_benchmark import agreement, query_map
    # query 0: confident (0.9 for class 0), query 1: unsure (0.5 / 0.5 between class 1 and void)
    cls = torch.log(torch.tensor([[[0.9, 0.05, 0.05], [0.0001, 0.5, 0.4999]]]))
    mask = torch.tensor([[[[0.0, 5.0]], [[3.0, 3.0]]]])  # sigmoid: q0 0.5 / 0.993, q1 0.953 / 0.953
    # pixel 0: 0.9 * 0.5 = 0.45 < 0.5 * 0.953 -> q1; pixel 1: 0.9 * 0.993 > 0.477 -> q0
    assert query_map(dict(cls=cls, mask=mask)).tolist() == [[1, 0]]
    other = mask.clone()
    other[0, 1, 0, 0] = -5.0  # q1 gives up pixel 0 -> [[0, 0]]: half of the pixels change hands
    half = agreement(dict(cls=cls, mask=mask, panoptic=torch.zeros(1, 2)),
                     dict(cls=cls, mask=other, panoptic=torch.zeros(1, 2)))
    assert half['pixels_equal_pct'] == 100.0 and half['query_map_equal_pct'] == 50.0
    assert half['max_mask_diff'] == 8.0 and half['max_cls_diff'] == 0.0
