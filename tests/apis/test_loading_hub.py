"""Real weights path end to end on the toy model: a released-layout checkpoint -> tools/convert_official.py
-> a folder in a pre-filled Hugging Face cache -> ``from_pretrained('user/repo')`` with HF_HUB_OFFLINE=1
(fresh process, no network) gives the predictions of the original checkpoint."""
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from seg.apis.loading import find_checkpoint, read_weights

REPO_ROOT = Path(__file__).resolve().parents[2]
COMMIT = '0123456789abcdef0123456789abcdef01234567'
LOAD_OFFLINE = """
import json, sys
import numpy as np
from seg.apis import ImagePredictor
predictor = ImagePredictor.from_pretrained('someone/omg_toy', device='cpu')
predictor.set_image(sys.argv[1])
np.save(sys.argv[2], predictor.predict_panoptic()['panoptic_seg'])
from seg.apis.loading import resolve_pretrained
print(resolve_pretrained('someone/omg_toy'))
print(json.dumps(predictor.class_names[:3]))
"""


def convert_main():
    path = REPO_ROOT / 'tools' / 'convert_official.py'
    spec = importlib.util.spec_from_file_location('convert_official', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


def fill_hub_cache(cache: Path, repo_id: str, folder: Path) -> Path:
    """Put ``folder`` into ``cache`` as huggingface_hub stores a downloaded snapshot of ``repo_id``."""
    repo = cache / f'models--{repo_id.replace("/", "--")}'
    snapshot = repo / 'snapshots' / COMMIT
    for path in folder.rglob('*'):
        if path.is_file():
            (snapshot / path.relative_to(folder)).parent.mkdir(parents=True, exist_ok=True)
            (snapshot / path.relative_to(folder)).write_bytes(path.read_bytes())
    (repo / 'refs').mkdir(parents=True)
    (repo / 'refs' / 'main').write_text(COMMIT)
    return snapshot


@pytest.fixture(scope='module')
def converted(toy_workspace, tmp_path_factory) -> Path:
    """The toy checkpoint as the release ships it (bare state dict), converted with the toy config.
    The toy CLIP backbone has random weights, so it travels with the head (--keep-backbone)."""
    root = tmp_path_factory.mktemp('convert')
    state = torch.load(toy_workspace.checkpoint, map_location='cpu', weights_only=False)['state_dict']
    torch.save({k: v for k, v in state.items() if k.startswith(('panoptic_head.', 'backbone.'))},
               root / 'omg_toy.pth')
    options = [f'{k}={v}' for k, v in toy_workspace.cfg_options.items() if k != 'embeddings_cache_dir']
    return convert_main()([str(root / 'omg_toy.pth'), str(toy_workspace.config), str(root / 'folder'),
                           '--keep-backbone', '--cfg-options', *options])


def test_folder_has_weights_config_and_vocabulary(converted):
    assert find_checkpoint(converted).name == 'model.safetensors'
    names = json.loads((converted / 'vocabulary.json').read_text())['class_names']
    assert len(names) == 133 and names[0].split(',')[:2] == ['person', 'child']  # with synonyms
    assert sorted(p.suffix for p in (converted / 'embeddings').iterdir()) == ['.json', '.pth']
    assert 'embeddings_dir' not in (converted / 'config.py').read_text()  # the folder's own embeddings/


def test_from_pretrained_hub_id_offline_from_the_cache(converted, toy_workspace, tmp_path):
    from seg.apis import ImagePredictor
    cache = tmp_path / 'hub'
    snapshot = fill_hub_cache(cache, 'someone/omg_toy', converted)
    image = toy_workspace.coco_images[0]
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), HF_HUB_CACHE=str(cache), HF_HUB_OFFLINE='1',
               OMP_NUM_THREADS='1')
    args = [sys.executable, '-c', LOAD_OFFLINE, str(image), str(tmp_path / 'pan.npy')]
    proc = subprocess.run(args, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    *_, folder, names = proc.stdout.strip().splitlines()
    assert Path(folder) == snapshot and json.loads(names) == ['person', 'bicycle', 'car']
    original = ImagePredictor.from_config(toy_workspace.config, toy_workspace.checkpoint, 'cpu',
                                          cfg_options=toy_workspace.cfg_options)
    original.set_image(str(image))
    np.testing.assert_array_equal(np.load(tmp_path / 'pan.npy'), original.predict_panoptic()['panoptic_seg'])


def test_unknown_repo_offline_names_the_repo_and_the_way_out(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), HF_HUB_CACHE=str(tmp_path), HF_HUB_OFFLINE='1')
    code = "from seg.apis.loading import resolve_pretrained; resolve_pretrained('nobody/nothing')"
    proc = subprocess.run([sys.executable, '-c', code], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "could not get 'nobody/nothing'" in proc.stderr and 'HF_HUB_OFFLINE=1' in proc.stderr


def test_a_broken_safetensors_file_is_named(tmp_path):
    (tmp_path / 'model.safetensors').write_bytes(b'not safetensors')
    with pytest.raises(ValueError, match='model.safetensors is not a readable safetensors file'):
        read_weights(tmp_path / 'model.safetensors')
