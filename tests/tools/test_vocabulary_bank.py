"""Offline vocabularies: a bank from ``gen_cls.py --classes my.txt --name MyVocab`` records its classes and
plugs into the predictor (``set_bank``), the demos (``--bank``) and ``tools/test.py --bank``; a bank whose
classes are not the config's vocabulary (count, order, names) is refused, naming the file and the first
difference."""
import argparse
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from tests.apis.toy_workspace import ensure_toy_workspace

REPO_ROOT = Path(__file__).resolve().parents[2]


def _load_tool(name: str):
    spec = importlib.util.spec_from_file_location(f'tool_{name}', REPO_ROOT / 'tools' / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN_CLS, TEST = _load_tool('gen_cls'), _load_tool('test')


@pytest.fixture(scope='module')
def workspace(tmp_path_factory):
    """The API tests' toy workspace (toy COCO, toy checkpoint), shared when they run in the same session."""
    return ensure_toy_workspace(tmp_path_factory.getbasetemp() / 'api_toy_workspace')


def _bank(workspace, tmp_path, names, name: str, *extra) -> Path:
    """Write ``names`` to a .txt and build its bank with gen_cls (into tmp_path)."""
    classes = tmp_path / f'{name}.txt'
    classes.write_text('\n'.join(names) + '\n')
    return GEN_CLS.main([str(workspace.config), '--classes', str(classes), '--name', name,
                         '--out-dir', str(tmp_path), *extra])


def _coco_classes(workspace) -> list[str]:
    """The toy COCO config's recorded vocabulary (its bank's sidecar)."""
    sidecar = workspace.root / 'data' / 'embeddings' / 'omgseg_tiny_convnext_CocoPanopticOVDataset.json'
    return json.loads(sidecar.read_text())['class_names']


def test_gen_cls_records_names_and_split(workspace, tmp_path):
    path = _bank(workspace, tmp_path, ['cat', 'dog,puppy', 'sky'], 'MyVocab', '--num-things', '2')
    assert path == tmp_path / 'omgseg_tiny_convnext_MyVocab.pth'
    meta = json.loads(path.with_suffix('.json').read_text())
    assert meta['class_names'] == ['cat', 'dog,puppy', 'sky'] and meta['num_things'] == 2
    split = tmp_path / 'split.json'
    split.write_text(json.dumps({'thing_classes': ['cat'], 'stuff_classes': ['sky', 'road']}))
    path = GEN_CLS.main([str(workspace.config), '--classes', str(split), '--out-dir', str(tmp_path)])
    meta = json.loads(path.with_suffix('.json').read_text())
    assert meta['class_names'] == ['cat', 'sky', 'road'] and meta['num_things'] == 1


def test_predictor_and_demo_options_take_a_bank(workspace, tmp_path):
    from PIL import Image

    from seg.apis import ImagePredictor
    from seg.apis.cli import add_model_arguments, predictor_from_args
    path = _bank(workspace, tmp_path, ['cat', 'dog,puppy', 'sky'], 'MyVocab', '--num-things', '2')
    parser = argparse.ArgumentParser()
    add_model_arguments(parser)
    args = parser.parse_args(['--config', str(workspace.config), '--checkpoint', str(workspace.checkpoint),
                              '--device', 'cpu', '--bank', str(path),
                              '--cfg-options', *workspace.cli_options])
    predictor = predictor_from_args(ImagePredictor, args)
    assert predictor.class_names == ['cat', 'dog', 'sky'] and predictor.vocabulary.num_things == 2
    predictor.set_image(np.asarray(Image.open(workspace.coco_images[0]).convert('RGB')))
    instances = predictor.predict_instances(score_thr=-1.0)
    assert set(instances['class_names']) <= {'cat', 'dog'} and len(instances['labels']) == 20 * 2
    assert set(predictor.predict_semantic()['labels'].tolist()) <= {0, 1, 2}
    path.with_suffix('.json').unlink()
    with pytest.raises(ValueError, match=r'_MyVocab.pth: no class names recorded beside it'):
        predictor.set_bank(path)
    with pytest.raises(ValueError, match='--bank and --classes/--stuff-classes both set a vocabulary'):
        predictor_from_args(ImagePredictor, parser.parse_args(['--bank', str(path), '--classes', 'cat']))


def test_test_py_refuses_a_bank_of_another_vocabulary(workspace, tmp_path, monkeypatch):
    monkeypatch.chdir(workspace.root)
    coco = _coco_classes(workspace)
    base = [str(workspace.config), str(workspace.checkpoint), '--work-dir', str(tmp_path / 'wd'),
            '--cfg-options', *workspace.cli_options]
    small = _bank(workspace, tmp_path, ['cat', 'dog', 'sky'], 'Small')
    with pytest.raises(SystemExit) as err:
        TEST.main([*base, '--bank', str(small)])
    message = str(err.value)
    assert message.startswith(f'error: text bank {small} does not encode the vocabulary of the config '
                              '(CocoPanopticOVDataset): ')
    assert f"): class 0 is 'cat' in the bank but {coco[0]!r} in the configuration." in message
    swapped = _bank(workspace, tmp_path, [coco[1], coco[0], *coco[2:]], 'Swapped')
    with pytest.raises(SystemExit, match=rf"Swapped.pth does not encode .*: class 0 is {coco[1]!r} in the"):
        TEST.main([*base, '--bank', str(swapped)])
    fewer = _bank(workspace, tmp_path, coco[:-1], 'Fewer')
    with pytest.raises(SystemExit, match=rf"132 classes in the bank, 133 in the configuration; class 132 "
                                         rf"\({coco[-1]!r}\) is only in the configuration"):
        TEST.main([*base, '--bank', str(fewer)])
    # a bank picked through --cfg-options is checked the same way
    with pytest.raises(SystemExit, match='Swapped.pth does not encode'):
        TEST.main([*base, f'model.panoptic_head.classifier.embeddings_dir={tmp_path}',
                   'model.panoptic_head.classifier.bank_name=omgseg_tiny_convnext_Swapped'])


def test_test_py_runs_with_a_bank_of_the_test_vocabulary(workspace, tmp_path, monkeypatch):
    monkeypatch.chdir(workspace.root)
    mine = _bank(workspace, tmp_path, _coco_classes(workspace), 'MyCoco')
    metrics = TEST.main([str(workspace.config), str(workspace.checkpoint), '--work-dir', str(tmp_path / 'wd'),
                         '--bank', str(mine), '--cfg-options', *workspace.cli_options])
    assert 0.0 <= metrics['coco_panoptic/PQ'] <= 100.0
    log = next((tmp_path / 'wd').glob('*/*.log')).read_text()
    assert 'omgseg_tiny_convnext_MyCoco' in log
