"""tools/eval.py: every task on tiny files, same numbers as the functional evaluators, clear errors."""
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / 'tests' / 'evaluation'))
import eval_fixtures as fx  # noqa: E402

from seg.evaluation import functional as F  # noqa: E402


def _load_cli():
    spec = importlib.util.spec_from_file_location('eval_cli', REPO_ROOT / 'tools' / 'eval.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CLI = _load_cli()
CATS = fx.categories({1: fx.THING, 2: 0})
LEFT = np.array([[1, 1, 2, 2], [1, 1, 2, 2]])


def _run(capsys, *argv):
    code = CLI.main([*map(str, argv), '--no-progress'])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_coco_panoptic_cli_matches_functional(tmp_path, capsys):
    gt = fx.write_coco_panoptic(str(tmp_path), 'gt', [(1, LEFT, {1: (1, 0), 2: (2, 0)})], CATS)
    pred_ids = np.array([[1, 2, 2, 2], [1, 1, 2, 2]])
    pred = fx.write_coco_panoptic(str(tmp_path), 'pred', [(1, pred_ids, {1: (1, 0), 2: (2, 0)})], CATS)
    out = tmp_path / 'm' / 'metrics.json'
    code, stdout, _ = _run(capsys, 'coco_panoptic', '--gt', gt, '--pred', pred, '--out', out)
    assert code == 0 and 'PQ_th' in stdout
    metrics = json.loads(out.read_text())
    ref = F.evaluate_coco_panoptic(gt, pred, progress=False)
    assert metrics['PQ'] == pytest.approx(ref['PQ'])
    # thing IoU 3/4 and stuff IoU 4/5, both matched
    assert metrics['PQ'] == pytest.approx(100 * (3 / 4 + 4 / 5) / 2)
    assert set(metrics) >= {'PQ', 'SQ', 'RQ', 'PQ_th', 'SQ_th', 'RQ_th', 'PQ_st', 'SQ_st', 'RQ_st'}
    assert not list((tmp_path / 'm').glob('.tmp_*'))   # atomic write leaves no temp file


def _single_object_files(tmp_path):
    """COCO instance GT and a perfect result for one 4x4 object in an 8x8 image."""
    mask = fx.box_mask(8, 8, 0, 4, 0, 4)
    gt = tmp_path / 'instances.json'
    gt.write_text(json.dumps({
        'images': [{'id': 1, 'height': 8, 'width': 8}], 'categories': [{'id': 1, 'name': 'a'}],
        'annotations': [{'id': 1, 'image_id': 1, 'category_id': 1, 'segmentation': fx.rle(mask),
                         'area': 16, 'bbox': [0, 0, 4, 4], 'iscrowd': 0}]}))
    res = tmp_path / 'results.json'
    result = {'image_id': 1, 'category_id': 1, 'segmentation': fx.rle(mask), 'score': 0.9}
    res.write_text(json.dumps([result]))
    return gt, res


def test_coco_instance_cli(tmp_path, capsys):
    gt, res = _single_object_files(tmp_path)
    out = tmp_path / 'metrics.json'
    assert _run(capsys, 'coco_instance', '--gt', gt, '--pred', res, '--out', out)[0] == 0
    metrics = json.loads(out.read_text())
    assert metrics['AP'] == pytest.approx(100) and set(metrics) >= {'AP50', 'AP75', 'APs', 'APm', 'APl'}
    mask = fx.box_mask(8, 8, 0, 4, 0, 4)
    res.write_text(json.dumps([{'image_id': 5, 'category_id': 1, 'segmentation': fx.rle(mask), 'score': 1}]))
    code, _, err = _run(capsys, 'coco_instance', '--gt', gt, '--pred', res)
    assert code == 2 and 'results.json: result [0] has unknown image_id 5' in err


def test_semantic_cli(tmp_path, capsys):
    label = np.array([[0, 0, 1, 1], [255, 1, 2, 2]])
    pred = np.array([[0, 1, 1, 1], [0, 1, 2, 0]])
    gt_dir = fx.write_label_pngs(str(tmp_path / 'gt'), {'a.png': label})
    pred_dir = fx.write_label_pngs(str(tmp_path / 'pred'), {'a.png': pred})
    out = tmp_path / 'metrics.json'
    code = _run(capsys, 'semantic', '--gt', gt_dir, '--pred', pred_dir, '--num-classes', 3, '--out', out)[0]
    assert code == 0
    metrics = json.loads(out.read_text())
    assert metrics['mIoU'] == pytest.approx(100 * (1 / 3 + 3 / 4 + 1 / 2) / 3)
    assert metrics['aAcc'] == pytest.approx(100 * 5 / 7)


def test_ytvis_cli(tmp_path, capsys):
    a = fx.box_mask(10, 10, 0, 2, 0, 5)
    gt = fx.write_ytvis_gt(str(tmp_path / 'gt.json'), [(1, 10, 10, 3)], [(1, 1, [a, a, None], 0)], CATS)
    res = fx.write_ytvis_results(str(tmp_path / 'results.json'), [(1, 1, 0.9, [a, a, a])])
    out = tmp_path / 'metrics.json'
    assert _run(capsys, 'ytvis', '--gt', gt, '--pred', res, '--out', out)[0] == 0
    metrics = json.loads(out.read_text())
    assert metrics['AP'] == pytest.approx(40) and metrics['AR1'] == pytest.approx(40)
    assert metrics['AP'] == pytest.approx(F.evaluate_ytvis(gt, res)['AP'])


def _vps_frame(thing_id):
    return np.where(LEFT == 1, thing_id, 2), {thing_id: (1, 0), 2: (2, 0)}


def test_vps_cli(tmp_path, capsys):
    gt = fx.write_vipseg(str(tmp_path / 'VIPSeg'), {'v': [_vps_frame(1)] * 6}, CATS)
    pred = fx.write_vipseg(str(tmp_path / 'sub'), {'v': [_vps_frame(1)] * 6}, CATS, pred=True)
    out = tmp_path / 'metrics.json'
    code, stdout, _ = _run(capsys, 'vps', '--gt', gt, '--pred', pred, '--out', out)
    assert code == 0 and 'VPQ@6' in stdout
    metrics = json.loads(out.read_text())
    for key in ('VPQ', 'VPQ_th', 'VPQ_st', 'VPQ@1', 'VPQ@2', 'VPQ@4', 'VPQ@6', 'STQ', 'AQ'):
        assert metrics[key] == pytest.approx(100), key


def test_vps_cli_skips_a_thing_category_absent_from_gt_and_prediction(tmp_path, capsys):
    """VIPSeg's rule (the default): a category with no TP, FP and FN is left out; a prediction equal to the
    GT up to segment ids scores 100 (OMG-Seg's NaN -> 0 mean over all categories gave VPQ_th 50 here)."""
    cats = fx.categories({1: fx.THING, 2: 0, 3: fx.THING})  # thing 3 occurs nowhere
    gt = fx.write_vipseg(str(tmp_path / 'VIPSeg'), {'v': [_vps_frame(1)] * 3}, cats)
    pred_ids = np.where(LEFT == 1, 7, 9)  # other segment ids, same segments
    pred_frame = (pred_ids, {7: (1, 0), 9: (2, 0)})
    pred = fx.write_vipseg(str(tmp_path / 'sub'), {'v': [pred_frame] * 3}, cats, pred=True)
    out = tmp_path / 'metrics.json'
    assert _run(capsys, 'vps', '--gt', gt, '--pred', pred, '--windows', 1, 2, '--out', out)[0] == 0
    metrics = json.loads(out.read_text())
    for key in ('VPQ', 'VPQ_th', 'VPQ_st', 'VPQ@1', 'VPQ_th@2'):
        assert metrics[key] == pytest.approx(100), key
    zero = F.evaluate_vps(gt, pred, windows=(1, 2), absent_categories='zero', progress=False)
    assert zero['VPQ_th'] == pytest.approx(50) and zero['VPQ'] == pytest.approx(200 / 3)


def test_undefined_coco_statistics_are_null_not_minus_one(tmp_path, capsys):
    """A single small object: COCOeval reports -1 for the medium and large area ranges."""
    gt, res = _single_object_files(tmp_path)
    out = tmp_path / 'metrics.json'
    code, stdout, _ = _run(capsys, 'coco_instance', '--gt', gt, '--pred', res, '--out', out)
    assert code == 0
    text = out.read_text()
    metrics = json.loads(text)
    assert metrics['APm'] is None and metrics['APl'] is None and metrics['APs'] == pytest.approx(100)
    assert '-1' not in text and 'null' in text
    row = next(line for line in stdout.splitlines() if line.startswith('APm '))
    assert row.split('|')[1].strip() == '-'


def test_report_marks_nan_and_minus_one_undefined():
    from seg.evaluation.functional.report import flat_metrics, format_table
    flat = flat_metrics({'a': -1.0, 'b': float('nan'), 'c': 12.5, 'n': 3, 'skip': 'text'})
    assert flat == {'a': None, 'b': None, 'c': 12.5, 'n': 3}
    values = {line.split('|')[0].strip(): line.split('|')[1].strip()
              for line in format_table('t', flat).splitlines() if '|' in line}
    assert values == {'metric': 'value', 'a': '-', 'b': '-', 'c': '12.50', 'n': '3'}


def test_davis_cli(tmp_path, capsys):
    frame = np.zeros((10, 10), np.uint8)
    frame[2:6, 2:6] = 1
    root = fx.write_davis(str(tmp_path / 'DAVIS'), {'s': [frame] * 3})
    res = fx.write_davis_results(str(tmp_path / 'res'), {'s': [frame] * 3})
    out = tmp_path / 'metrics.json'
    assert _run(capsys, 'davis', '--gt', root, '--pred', res, '--set', 'val', '--out', out)[0] == 0
    metrics = json.loads(out.read_text())
    assert metrics['J&F'] == pytest.approx(100) and metrics['J_mean'] == pytest.approx(100)
    assert metrics['F_mean'] == pytest.approx(100)
    code, _, err = _run(capsys, 'davis', '--gt', root, '--pred', res, '--set', 'test')
    assert code == 2 and 'test.txt: DAVIS split file not found' in err


def test_subprocess_error_names_file_and_record(tmp_path):
    gt = fx.write_coco_panoptic(str(tmp_path), 'gt', [(1, LEFT, {1: (1, 0), 2: (2, 0)})], CATS)
    pred = fx.write_coco_panoptic(str(tmp_path), 'pred', [(1, LEFT, {1: (1, 0)})], CATS)
    proc = subprocess.run([sys.executable, str(REPO_ROOT / 'tools' / 'eval.py'), 'coco_panoptic', '--gt', gt,
                           '--pred', pred, '--no-progress'], capture_output=True, text=True, cwd=tmp_path,
                          timeout=300)
    assert proc.returncode == 2
    assert '000001.png (image_id 1): segment id 2 is in the PNG but not in the JSON' in proc.stderr
