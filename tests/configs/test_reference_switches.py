"""docs/REFERENCE_SWITCHES.md: every switch exists in its config with the stated default, and its reference
value set through --cfg-options is accepted by what builds it (model on the meta device, metric, split)."""
import ast
import re
import warnings
from pathlib import Path

import pytest
import torch
from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope

REPO_ROOT = Path(__file__).resolve().parents[2]
DOC = REPO_ROOT / 'docs' / 'REFERENCE_SWITCHES.md'
CONFIG_DIR = REPO_ROOT / 'seg' / 'configs' / 'm2ov_val'
OFFLINE = {'model.backbone.pretrained': None, 'model.panoptic_head.classifier.bank_name': None,
           'model.panoptic_head.classifier.placeholder_bank': True}


def switch_rows() -> list[tuple[str, str, object, object]]:
    """(key, config file, default, reference value) of the table rows with literal values."""
    rows = []
    for line in DOC.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip('|').split('|')]
        if len(cells) != 5 or not cells[0].startswith('`') or ' / ' in cells[0]:
            continue
        try:
            default, reference = ast.literal_eval(cells[2].strip('`')), ast.literal_eval(cells[3].strip('`'))
        except (ValueError, SyntaxError):
            continue
        rows.append((cells[0].strip('`'), cells[1].strip('`'), default, reference))
    return rows


def lookup(cfg: Config, key: str):
    value = cfg
    for part in key.split('.'):
        value = value[part]
    return value


def build(cfg: Config, key: str):
    """Build what consumes ``key``: the model (meta device), the evaluator, or the seen/unseen split."""
    import seg  # noqa: F401
    init_default_scope('mmdet')
    if key.startswith('model.'):
        from mmdet.registry import MODELS
        cfg.merge_from_dict(OFFLINE)
        with torch.device('meta'):
            return MODELS.build(cfg.model)
    if key.startswith('test_evaluator.'):
        from mmdet.registry import METRICS
        return METRICS.build(cfg.test_evaluator)
    from seg.utils.open_vocab_split import resolve_seen_classes
    return resolve_seen_classes(cfg)


def test_table_lists_the_switches():
    keys = [row[0] for row in switch_rows()]
    assert {'ov_vocabulary.reference_split', 'model.panoptic_fusion_head.num_things_classes',
            'model.test_cfg.panoptic_track_ids', 'test_evaluator.vpq_absent_categories',
            'model.panoptic_head.prompt_sampler.eval_click'} <= set(keys)


@pytest.mark.parametrize('key,config,default,reference', switch_rows(), ids=lambda v: str(v))
def test_switch_default_and_reference_value_via_cfg_options(key, config, default, reference):
    cfg = Config.fromfile(str(CONFIG_DIR / config))
    assert lookup(cfg, key) == default
    action = DictAction(option_strings=['--cfg-options'], dest='cfg_options')
    namespace = type('Namespace', (), {})()
    action(None, namespace, [f'{key}={reference}'])
    cfg.merge_from_dict(namespace.cfg_options)  # as tools/test.py --cfg-options KEY=VALUE
    assert lookup(cfg, key) == reference
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        assert build(cfg, key) is not None


def test_cityscapes_swap_moves_only_the_fusion_boundary():
    cfg = Config.fromfile(str(CONFIG_DIR / 'eval_m2_convl_300q_ov_cityscapes.py'))
    assert (build(cfg, 'model.x').panoptic_fusion_head.num_things_classes,
            cfg.model.panoptic_head.num_things_classes) == (8, 8)
    cfg = Config.fromfile(str(CONFIG_DIR / 'eval_m2_convl_300q_ov_cityscapes.py'))
    cfg.merge_from_dict({'model.panoptic_fusion_head.num_things_classes': 11})
    fusion = build(cfg, 'model.x').panoptic_fusion_head
    assert (fusion.num_things_classes, fusion.num_stuff_classes) == (11, 8)
    cfg.merge_from_dict({'model.panoptic_fusion_head.num_stuff_classes': 11})
    with pytest.raises(ValueError, match='11 things \\+ 11 stuff'):
        build(cfg, 'model.x')


def test_doc_is_linked_from_the_readme():
    assert re.search(r'\(docs/REFERENCE_SWITCHES\.md\)', (REPO_ROOT / 'README.md').read_text())
