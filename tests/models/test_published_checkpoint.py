"""The published head-only checkpoint (keys / shapes of official_state_dict.tsv) loads into every eval config.

The released ConvNeXt-L checkpoints were trained with prompt queries; evaluation configs without prompts
leave the 4 prompt tensors unused (one reported line), every other key difference still fails.
Models are built on the ``meta`` device (shapes only), except the one predictor-API check.
"""
import importlib.util
import warnings
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from seg.models.utils.checkpoint import API_HINT, CLI_HINT, CheckpointMismatchError, load_checked

REPO_ROOT = Path(__file__).resolve().parents[2]
OFFICIAL_TSV = REPO_ROOT / 'tests' / 'models' / 'data' / 'official_state_dict.tsv'  # copy of the spec's
EVAL_CONFIGS = sorted((REPO_ROOT / 'seg' / 'configs' / 'm2ov_val').glob('*.py'))
PROMPT_KEYS = ['panoptic_head.mask_tokens.weight', 'panoptic_head.pb_embedding.weight',
               'panoptic_head.pos_linear.weight', 'panoptic_head.pos_linear.bias']
OFFLINE = {'model.backbone.pretrained': None, 'model.panoptic_head.classifier.bank_name': None,
           'model.panoptic_head.classifier.placeholder_bank': True}


def _load_tool(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def official_head_shapes() -> dict[str, tuple[int, ...]]:
    """{key: shape} of the ``panoptic_head.*`` rows of official_state_dict.tsv."""
    shapes = {}
    for row in OFFICIAL_TSV.read_text().splitlines():
        key, shape = row.split('\t')[:2]
        if key.startswith('panoptic_head.'):
            shapes[key] = () if shape == 'scalar' else tuple(int(s) for s in shape.split('x'))
    return shapes


@pytest.fixture(scope='module')
def published(tmp_path_factory) -> tuple[Path, dict]:
    """A head-only checkpoint with exactly the official keys and shapes (random values), and its state."""
    generator = torch.Generator().manual_seed(0)
    state = {key: torch.randn(shape, generator=generator) for key, shape in official_head_shapes().items()}
    path = tmp_path_factory.mktemp('published') / 'omg_seg_convl.pth'
    torch.save(state, path)
    return path, state


def build_meta(config: Path, **options):
    """The config's model on the meta device (no weights, no CLIP download, placeholder text bank)."""
    from mmdet.registry import MODELS

    import seg  # noqa: F401
    cfg = Config.fromfile(str(config))
    cfg.merge_from_dict({**OFFLINE, **options})
    init_default_scope('mmdet')
    with torch.device('meta'):
        return MODELS.build(cfg.model)


def load_quietly(model, checkpoint, **kwargs):
    lines = []
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # meta tensors: copying is a no-op
        report = load_checked(model, checkpoint, log=lines.append, **kwargs)
    return report, lines


def test_tsv_has_the_prompt_tensors():
    shapes = official_head_shapes()
    assert len(shapes) == 310 and all(key in shapes for key in PROMPT_KEYS)


@pytest.mark.parametrize('config', EVAL_CONFIGS, ids=lambda p: p.stem)
def test_every_eval_config_loads_the_published_checkpoint(config, published):
    """Through tools/test.py's loader, strict, no flag: prompt-free configs name the 4 unused tensors."""
    test_tool = _load_tool('test_tool', REPO_ROOT / 'tools' / 'test.py')
    model = build_meta(config)
    lines = []
    runner = SimpleNamespace(model=model, logger=SimpleNamespace(info=lines.append, warning=lines.append))
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        test_tool.load_weights(runner, str(published[0]), strict=True)
    unused = [line for line in lines if 'not used' in line]
    if model.panoptic_head.enable_box_query:
        assert unused == []
    else:
        assert len(unused) == 1 and all(key in unused[0] for key in PROMPT_KEYS)
        assert str(published[0]) in unused[0]


@pytest.mark.parametrize('problem', ['missing', 'unexpected', 'shape', 'prompt_shape'])
def test_any_other_key_problem_still_fails_with_the_listing(problem, published):
    model = build_meta(REPO_ROOT / 'seg' / 'configs' / 'm2ov_val' / 'eval_m2_convl_300q_ov_coco.py')
    state = dict(published[1])
    if problem == 'missing':
        del state['panoptic_head.level_embed.weight']
        expected = r'1 missing key\(s\): panoptic_head\.level_embed\.weight'
    elif problem == 'unexpected':
        state['panoptic_head.extra.weight'] = torch.zeros(1)
        expected = r'1 unexpected key\(s\): panoptic_head\.extra\.weight'
    elif problem == 'shape':
        state['panoptic_head.query_feat.weight'] = torch.zeros(200, 256)
        expected = r'panoptic_head\.query_feat\.weight: checkpoint \(200, 256\) vs model \(300, 256\)'
    else:
        state['panoptic_head.pos_linear.weight'] = torch.zeros(256, 256)
        expected = r'panoptic_head\.pos_linear\.weight: checkpoint \(256, 256\) vs expected \(256, 512\)'
    with pytest.raises(CheckpointMismatchError, match=expected + '.*' + CLI_HINT.replace('.', r'\.')):
        load_quietly(model, state, hint=CLI_HINT)


def test_prompts_on_without_prompt_tensors_explains_and_has_a_way_out(published):
    config = REPO_ROOT / 'seg' / 'configs' / 'm2ov_val' / 'eval_m2_convl_300q_ov_coco.py'
    model = build_meta(config, **{'model.panoptic_head.enable_box_query': True})
    without = {k: v for k, v in published[1].items() if k not in PROMPT_KEYS}
    with pytest.raises(CheckpointMismatchError, match=r'4 missing key.*trained without prompts.*strict=Fals'):
        load_quietly(model, without)
    report, _ = load_quietly(model, without, strict=False)
    assert sorted(report.missing) == sorted(PROMPT_KEYS)


def test_predictor_api_loads_the_published_checkpoint_without_flags(published, capsys):
    """ImagePredictor.from_config on the real ConvNeXt-L COCO config (CPU, random CLIP): weights are the
    checkpoint's, one printed line names the 4 unused prompt tensors."""
    from seg.apis import ImagePredictor
    config = REPO_ROOT / 'seg' / 'configs' / 'm2ov_val' / 'eval_m2_convl_300q_ov_coco.py'
    predictor = ImagePredictor.from_config(config, published[0], device='cpu', cfg_options=OFFLINE)
    printed = [line for line in capsys.readouterr().out.splitlines() if 'not used' in line]
    assert len(printed) == 1 and all(key in printed[0] for key in PROMPT_KEYS)
    head = predictor.model.panoptic_head.state_dict()
    for key, value in published[1].items():
        if key not in PROMPT_KEYS:
            assert torch.equal(head[key.removeprefix('panoptic_head.')], value), key
    assert API_HINT.startswith('Pass strict=False')
