"""demo/image_demo.py and demo/video_demo.py on the toy checkpoint write non-empty overlays."""
import importlib.util
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

REPO_ROOT = Path(__file__).resolve().parents[2]


def load_demo(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / 'demo' / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def model_args(workspace) -> list[str]:
    return ['--config', str(workspace.config), '--checkpoint', str(workspace.checkpoint), '--device', 'cpu',
            '--cfg-options', *workspace.cli_options]


def assert_images(paths: list[Path], size: tuple[int, int]) -> None:
    assert paths
    for path in paths:
        assert path.stat().st_size > 1000, path
        with Image.open(path) as image:
            assert image.size[1] == size[0] and image.size[0] % size[1] == 0  # one panel per task


@pytest.mark.parametrize('task, extra', [
    ('panoptic', []),
    ('instance', ['--classes', 'cat,dog', '--stuff-classes', 'sky', '--score-thr', '0']),
    ('semantic', []),
    ('interactive', ['--points', '10,10;40,30', '--boxes', '0,0,60,50']),
])
def test_image_demo_writes_overlays(toy_workspace, tmp_path, capsys, task, extra):
    image = toy_workspace.coco_images[0]
    written = load_demo('image_demo').main([str(image), '--task', task, '--out-dir', str(tmp_path), *extra,
                                            *model_args(toy_workspace)])
    height, width = np.asarray(Image.open(image)).shape[:2]
    assert written == [tmp_path / f'{image.stem}_{task}.png']
    assert_images(written, (height, width))
    out = capsys.readouterr().out
    assert str(written[0]) in out
    if task == 'interactive':
        assert '3 segments' in out


def test_image_demo_rejects_interactive_without_prompts(toy_workspace, tmp_path):
    with pytest.raises(SystemExit, match='--points'):
        load_demo('image_demo').main([str(toy_workspace.coco_images[0]), '--task', 'interactive',
                                      *model_args(toy_workspace)])


@pytest.fixture(scope='module')
def short_video(toy_workspace, tmp_path_factory) -> Path:
    """The first 3 frames of a toy DAVIS video in their own folder."""
    folder = tmp_path_factory.mktemp('video') / 'clip'
    folder.mkdir()
    for path in sorted(toy_workspace.davis_video.glob('*.jpg'))[:3]:
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


@pytest.mark.parametrize('task', ['panoptic', 'instance', 'vos'])
def test_video_demo_writes_frames_and_gif(toy_workspace, short_video, tmp_path, task):
    extra = ['--first-masks', str(toy_workspace.davis_first_mask)] if task == 'vos' else ['--score-thr', '0']
    written = load_demo('video_demo').main([str(short_video), '--task', task, '--out-dir', str(tmp_path),
                                            *extra, *model_args(toy_workspace)])
    assert [p.name for p in written] == ['00000.png', '00001.png', '00002.png', 'clip.gif']
    size = np.asarray(Image.open(next(short_video.iterdir()))).shape[:2]
    assert_images(written[:3], size)
    assert written[3].stat().st_size > 1000
    with Image.open(written[3]) as gif:
        assert gif.n_frames == 3
