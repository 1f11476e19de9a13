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
    assert rows[2]['max_mask_diff'] > 0  # bf16 is not exact
    for text in ('whole forward', 'pixel decoder', 'speed-up', 'pan. px = fp32', 'input: 64x64'):
        assert text in out
    assert (tmp_path / 'rows.json').is_file()
