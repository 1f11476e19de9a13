"""demo/web_demo.py end to end in headless Chromium: the server on 127.0.0.1, upload a toy image, click an
object, wait for its mask, compare the returned picture with the input where the object is; the video tab
the same way with uploaded frames. Screenshots go to a tmp dir (or ``OMG_SEG_SCREENSHOT_DIR``).

Needs Debian's ``chromium`` and the ``playwright`` package (``tools/run_tests.sh`` installs both and sets
``OMG_SEG_REQUIRE_BROWSER=1``, which turns a missing browser into a failure instead of a skip).
"""
from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from pycocotools import mask as mask_utils

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                  '--disable-background-networking', '--disable-component-update', '--disable-sync']
SERVER_START_S = 240
STEP_TIMEOUT_MS = 120_000


def chromium_path() -> str:
    """Debian's chromium (``OMG_SEG_CHROMIUM`` overrides); skip (or fail under run_tests.sh) without it."""
    path = os.environ.get('OMG_SEG_CHROMIUM') or shutil.which('chromium') or shutil.which('chromium-browser')
    try:
        import playwright  # noqa: F401
    except ImportError:
        path = None
    if not path:
        message = 'the browser test needs chromium (apt-get install chromium) and playwright (pip)'
        if os.environ.get('OMG_SEG_REQUIRE_BROWSER') == '1':
            pytest.fail(message)
        pytest.skip(message)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def wait_for_server(proc: subprocess.Popen, url: str, log: Path) -> None:
    """Poll ``url`` until it answers; fail with the server log if it exits or takes too long."""
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f'web demo exited with {proc.returncode}:\n{log.read_text()[-3000:]}')
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    pytest.fail(f'web demo did not answer at {url} within {SERVER_START_S} s:\n{log.read_text()[-3000:]}')


@pytest.fixture(scope='module')
def server(toy_workspace, tmp_path_factory):
    """The demo on a free port of 127.0.0.1 with the toy checkpoint; killed at the end."""
    port, log = free_port(), tmp_path_factory.mktemp('web') / 'server.log'
    args = [sys.executable, str(REPO_ROOT / 'demo' / 'web_demo.py'), '--port', str(port), '--device', 'cpu',
            '--max-frames', '3', '--config', str(toy_workspace.config), '--checkpoint',
            str(toy_workspace.checkpoint), '--cfg-options', *toy_workspace.cli_options]
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), OMP_NUM_THREADS='1', GRADIO_ANALYTICS_ENABLED='False',
               NO_PROXY='127.0.0.1,localhost')
    with open(log, 'w') as out:
        proc = subprocess.Popen(args, cwd=toy_workspace.root, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f'http://127.0.0.1:{port}/'
    try:
        wait_for_server(proc, url, log)
        yield url
    finally:
        proc.kill()
        proc.wait(timeout=30)


@pytest.fixture(scope='module')
def page(server, tmp_path_factory):
    """A headless Chromium page (fresh profile) on the demo."""
    executable = chromium_path()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp('chromium_profile')), executable_path=executable, headless=True,
            args=CHROMIUM_FLAGS, viewport={'width': 1400, 'height': 1100})
        context.set_default_timeout(STEP_TIMEOUT_MS)
        try:
            page = context.new_page()
            page.goto(server)
            yield page
        finally:
            context.close()


@pytest.fixture()
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get('OMG_SEG_SCREENSHOT_DIR') or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def largest_object(root: Path, image: Path) -> np.ndarray:
    """Mask (H, W) bool of the largest annotated instance of a toy COCO val image."""
    coco = json.loads((root / 'data/toy/coco/annotations/instances_val2017.json').read_text())
    image_id = next(i['id'] for i in coco['images'] if i['file_name'] == image.name)
    info = next(i for i in coco['images'] if i['id'] == image_id)
    best = max((a for a in coco['annotations'] if a['image_id'] == image_id), key=lambda a: a['area'])
    segmentation = best['segmentation']
    if isinstance(segmentation, dict) and isinstance(segmentation['counts'], str):  # compressed RLE
        rle = dict(segmentation, counts=segmentation['counts'].encode())
    else:
        rle = mask_utils.merge(mask_utils.frPyObjects(segmentation, info['height'], info['width']))
    return mask_utils.decode(rle).astype(bool)


def inner_point(mask: np.ndarray) -> tuple[int, int]:
    """(x, y) of the mask pixel farthest from its border."""
    distance = cv2.distanceTransform(np.pad(mask, 1).astype(np.uint8), cv2.DIST_L2, 5)[1:-1, 1:-1]
    y, x = np.unravel_index(int(distance.argmax()), distance.shape)
    return int(x), int(y)


def click_pixel(page, selector: str, x: int, y: int) -> None:
    """Click pixel (x, y) of the picture an ``img`` element shows, centred in its box and scaled as its
    CSS ``object-fit`` says (gradio: ``scale-down``, small pictures keep their size)."""
    page.wait_for_function('s => { const e = document.querySelector(s); return e && e.naturalWidth > 0; }',
                           arg=selector)
    left, top, box_w, box_h, width, height, fit = page.eval_on_selector(
        selector, 'e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height, '
                  'e.naturalWidth, e.naturalHeight, getComputedStyle(e).objectFit]; }')
    scale = min(box_w / width, box_h / height)
    scale = min(scale, 1.0) if fit == 'scale-down' else scale
    left += (box_w - width * scale) / 2
    top += (box_h - height * scale) / 2
    page.mouse.click(left + (x + 0.5) * scale, top + (y + 0.5) * scale)


def shown_picture(page, selector: str) -> np.ndarray:
    """RGB array of the picture an ``img`` element shows (fetched from the demo server)."""
    src = page.locator(selector).get_attribute('src')
    body = page.request.get(src if src.startswith('http') else page.url.rstrip('/') + src).body()
    return np.asarray(Image.open(io.BytesIO(body)).convert('RGB'))


def expected_prompt_mask(workspace, image: np.ndarray, x: int, y: int) -> np.ndarray:
    """The mask the toy model gives a click at (x, y), computed in this process (the known answer)."""
    from seg.apis import ImagePredictor
    predictor = ImagePredictor.from_config(workspace.config, workspace.checkpoint, 'cpu',
                                           cfg_options=workspace.cfg_options)
    predictor.set_image(image)
    return predictor.predict_prompts(points=[[x, y]])['masks'][0]


def test_image_tab_click_segments_the_object(page, toy_workspace, shots):
    image_path = toy_workspace.coco_images[0]
    source = np.asarray(Image.open(image_path).convert('RGB'))
    x, y = inner_point(largest_object(toy_workspace.root, image_path))
    page.locator('#image-input input[type=file]').set_input_files(str(image_path))
    page.wait_for_selector('#image-info:has-text("panoptic")')
    click_pixel(page, '#image-input img', x, y)
    text = page.wait_for_selector('#image-info:has-text("objects")').inner_text()
    assert 'prompt queries' in text and '1 masks' in text, text
    clicked = tuple(int(v) for v in text.split('at (')[1].split(')')[0].split(', '))
    assert abs(clicked[0] - x) <= 1 and abs(clicked[1] - y) <= 1, (clicked, (x, y))
    result = shown_picture(page, '#image-output img')
    assert result.shape == source.shape
    changed = np.abs(result.astype(int) - source.astype(int)).sum(-1) > 30
    mask = expected_prompt_mask(toy_workspace, source, *clicked)
    yy, xx = np.mgrid[:mask.shape[0], :mask.shape[1]]
    away_from_marker = (xx - x) ** 2 + (yy - y) ** 2 > 12 ** 2  # the drawn click is not the mask
    assert mask[away_from_marker].sum() > 100
    assert changed[mask & away_from_marker].mean() > 0.8, 'the picture is unchanged where the mask is'
    outside = ~cv2.dilate(mask.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool) & away_from_marker
    if outside.sum() > 100:  # beyond the mask (its outline, the caption) the picture is the input
        assert changed[outside].mean() < 0.2
    page.screenshot(path=str(shots / 'web_demo_image.png'), full_page=True)


def test_video_tab_click_tracks_the_object(page, toy_workspace, shots):
    frames = sorted(toy_workspace.davis_video.glob('*.jpg'))[:3]
    first_ids = np.asarray(Image.open(toy_workspace.davis_first_mask))
    page.get_by_role('tab', name='Video').click()
    page.locator('#frames-input input[type=file]').set_input_files([str(f) for f in frames])
    page.wait_for_selector('#video-info:has-text("3 frames loaded")')
    x, y = inner_point(first_ids > 0)
    click_pixel(page, '#video-first-frame img', x, y)
    page.wait_for_selector('#video-info:has-text("tracking 1 object")')
    thumbnails = page.locator('#video-output img')
    thumbnails.nth(2).wait_for()
    assert thumbnails.count() == 3
    last = shown_picture(page, '#video-output img >> nth=2')
    original = np.asarray(Image.open(frames[2]).convert('RGB'))
    assert last.shape == original.shape
    assert (np.abs(last.astype(int) - original.astype(int)).sum(-1) > 30).mean() > 0.01
    page.screenshot(path=str(shots / 'web_demo_video.png'), full_page=True)
