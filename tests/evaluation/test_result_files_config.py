"""configure_result_files / publish_results: which metric writes where, refusals, the staging rename."""
import pytest
from mmengine.config import Config

from seg.evaluation.result_files import configure_result_files, describe, publish_results, staging_dir


def _cfg(*metrics, dataset='CocoPanopticDataset'):
    return Config(dict(test_evaluator=list(metrics), test_dataloader=dict(dataset=dict(type=dataset))))


def test_each_metric_gets_its_folder_and_the_printed_eval_command(tmp_path):
    cfg = _cfg(dict(type='CocoPanopticMetric', ann_file='pan.json'),
               dict(type='CocoMetric', ann_file='ins.json'), dict(type='CocoMetric', ann_file='ins2.json'),
               dict(type='DumpDetResults', out_file_path='x.pkl'))
    out = str(tmp_path / 'res')
    written = configure_result_files(cfg, out, format_only=True)
    stage = staging_dir(out)
    assert cfg.test_evaluator[0]['outfile_prefix'] == f'{stage}/coco_panoptic/results'
    assert cfg.test_evaluator[1]['outfile_prefix'] == f'{stage}/coco_instance/results'
    assert cfg.test_evaluator[2]['outfile_prefix'] == f'{stage}/coco_instance_2/results'
    assert all(m.get('format_only') for m in cfg.test_evaluator[:3])
    assert 'format_only' not in cfg.test_evaluator[3]  # the pickle dump is left as it is
    assert describe(written, out)[1] == (
        f'CocoMetric -> {out}/coco_instance (score it: python tools/eval.py coco_instance --gt ins.json '
        f'--pred {out}/coco_instance/results.segm.json)')


def test_vipseg_submissions_use_the_official_category_ids(tmp_path):
    cfg = _cfg(dict(type='VideoPanopticMetric'), dataset='VIPSegDataset')
    configure_result_files(cfg, str(tmp_path / 'r'))
    ids = cfg.test_evaluator[0]['category_ids']
    assert len(ids) == 124 and sorted(ids) == list(range(124)) and ids[58] == 0  # label 58 = 'wall' = id 0


def test_metrics_without_files_are_refused_by_name(tmp_path):
    with pytest.raises(ValueError, match="no metric of test_evaluator writes result files "
                                         r"\(InteractiveIoUMetric; known: CocoPanopticMetric"):
        configure_result_files(_cfg(dict(type='InteractiveIoUMetric')), str(tmp_path))
    with pytest.raises(ValueError, match="--format-only: test_evaluator metric 'MyMetric' writes no result"):
        configure_result_files(_cfg(dict(type='MyMetric')), str(tmp_path), format_only=True)


def test_publish_replaces_an_older_result_folder(tmp_path):
    out = tmp_path / 'res'
    (out / 'stale').mkdir(parents=True)
    (tmp_path / 'res.partial' / 'davis').mkdir(parents=True)
    publish_results(str(out))
    assert sorted(p.name for p in out.iterdir()) == ['davis']
    assert not (tmp_path / 'res.partial').exists() and not (tmp_path / 'res.old').exists()
    with pytest.raises(FileNotFoundError, match='res.partial: no result files were written'):
        publish_results(str(out))
