"""Peak memory of ImagePredictor on a large image, and speed / memory of the fusion head (issue #17).

Usage:
    python tools/analysis/predictor_memory.py [--size 3000 4000] [--repeats 3] [--models toy convl]
        [--modes bounded vectorised] [--tasks panoptic instances semantic] [--skip-fusion]
        [--fusion-size 800 1216] [--out results.json]

Predictor rows: ``ImagePredictor`` with random weights (placeholder text bank, no download) on a random
uint8 image of ``--size`` (H, W): the peak resident set above the level after loading the model (``VmHWM``
reset through ``/proc/self/clear_refs``), for ``set_image`` + each task. Models: the toy config
(seg/configs/toy/omg_toy_coco_panoptic.py, 20 queries) and ConvNeXt-L (m2ov_val eval_m2_convl_300q_ov_coco,
300 queries); fusion modes: ``bounded`` (default) and ``vectorised`` (the reference, whole (Q, H, W) logits).
Fusion rows: the COCO evaluation fusion (panoptic + instance, the config's test_cfg, 133 classes,
300 queries) on random logits at ``--fusion-size``: ours from 1/4-resolution logits (bounded), ours
vectorised, and mmdet's loop fusion head (the reference's algorithm) on logits upsampled to the input size
as the reference's head does; time and peak RSS of that step. Every measurement runs in a fresh process;
times are medians over ``--repeats`` processes.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
CONFIGS = {'toy': 'seg/configs/toy/omg_toy_coco_panoptic.py',
           'convl': 'seg/configs/m2ov_val/eval_m2_convl_300q_ov_coco.py'}
MIB = 2 ** 20


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--size', type=int, nargs=2, default=(3000, 4000), metavar=('H', 'W'))
    parser.add_argument('--models', nargs='+', default=['toy', 'convl'], choices=sorted(CONFIGS))
    parser.add_argument('--modes', nargs='+', default=['bounded'], choices=['bounded', 'vectorised'])
    parser.add_argument('--tasks', nargs='+', default=['panoptic', 'instances'],
                        choices=['panoptic', 'instances', 'semantic'])
    parser.add_argument('--object-mask-thr', type=float, default=0.0,
                        help="predictor rows: test_cfg.object_mask_thr (0: every non-void query kept, as the "
                             "evaluation configs do)")
    parser.add_argument('--repeats', type=int, default=3, help='processes per fusion timing')
    parser.add_argument('--fusion-size', type=int, nargs=2, default=(800, 1216), metavar=('H', 'W'))
    parser.add_argument('--skip-fusion', action='store_true')
    parser.add_argument('--skip-predictor', action='store_true')
    parser.add_argument('--out', help='also write the rows as JSON to this file')
    parser.add_argument('--single', help=argparse.SUPPRESS)  # internal: one measurement, JSON row out
    return parser.parse_args(argv)


def build_predictor(model_key: str, mode: str, object_mask_thr: float):
    """ImagePredictor of a config with random weights, placeholder bank and the fusion mode, on the CPU."""
    from mmdet.registry import MODELS
    from mmengine.registry import init_default_scope

    from seg.apis import ImagePredictor
    from seg.utils.config_utils import load_config
    cfg = load_config(str(REPO_ROOT / CONFIGS[model_key]), None)
    init_default_scope(cfg.get('default_scope', 'mmdet'))
    cfg.model.backbone.pretrained = None
    cfg.model.panoptic_head.classifier.update(bank_name=None, placeholder_bank=True)
    cfg.model.panoptic_fusion_head.fusion_mode = mode
    cfg.model.test_cfg.object_mask_thr = object_mask_thr
    torch.manual_seed(0)
    model = MODELS.build(cfg.model).eval()
    return ImagePredictor(model, cfg)


def measure_predictor(model_key: str, mode: str, task: str, size: tuple[int, int],
                      object_mask_thr: float) -> dict:
    """Peak RSS above the loaded model of set_image + one task on a random image of ``size``."""
    import numpy as np
    from video_memory import PeakMemory
    predictor = build_predictor(model_key, mode, object_mask_thr)
    rng = np.random.default_rng(0)
    warmup = rng.integers(0, 256, (64, 96, 3), dtype=np.uint8)
    run = {'panoptic': predictor.predict_panoptic, 'instances': predictor.predict_instances,
           'semantic': predictor.predict_semantic}[task]
    predictor.set_image(warmup)
    run()  # lazy allocations and caches are not counted
    predictor.reset_image()
    image = rng.integers(0, 256, (*size, 3), dtype=np.uint8)
    meter = PeakMemory(torch.device('cpu'))
    meter.start()
    start = time.perf_counter()
    predictor.set_image(image)
    result = run()
    seconds = time.perf_counter() - start
    count = len(result.get('segments_info', result.get('labels', [])))
    return dict(kind='predictor', model=model_key, mode=mode, task=task, image=f'{size[0]}x{size[1]}',
                object_mask_thr=object_mask_thr, queries=predictor.model.panoptic_head.num_queries,
                peak_mib=round(meter.peak_mib(), 1),
                seconds=round(seconds, 1), outputs=count)


def fusion_inputs(size: tuple[int, int], num_queries: int = 300, num_classes: int = 133, seed: int = 0):
    """Random class logits (1, Q, N+1) and 1/4-resolution mask logits (1, Q, H/4, W/4), smooth masks."""
    generator = torch.Generator().manual_seed(seed)
    cls = torch.randn(1, num_queries, num_classes + 1, generator=generator) * 3
    coarse = torch.randn(1, num_queries, size[0] // 32, size[1] // 32, generator=generator) * 6
    low = torch.nn.functional.interpolate(coarse, size=(size[0] // 4, size[1] // 4), mode='bilinear',
                                          align_corners=False)
    return cls, low.contiguous()


def measure_fusion(variant: str, size: tuple[int, int]) -> dict:
    """Time and peak RSS of one COCO-eval fusion of random 300-query logits at ``size`` (H, W)."""
    from mmdet.models.seg_heads.panoptic_fusion_heads import MaskFormerFusionHead
    from mmdet.structures import DetDataSample
    from mmengine.config import Config
    from video_memory import PeakMemory

    import seg  # noqa: F401
    from seg.models.heads import OMGFusionHead
    cfg = Config.fromfile(str(REPO_ROOT / CONFIGS['convl']))
    test_cfg = cfg.model.test_cfg
    cls, low = fusion_inputs(size)
    sample = DetDataSample(metainfo=dict(batch_input_shape=size, img_shape=size, ori_shape=size))
    if variant == 'reference':
        head = MaskFormerFusionHead(num_things_classes=80, num_stuff_classes=53, test_cfg=test_cfg)
    else:
        head = OMGFusionHead(num_things_classes=80, num_stuff_classes=53, test_cfg=test_cfg,
                             fusion_mode=variant)
    meter = PeakMemory(torch.device('cpu'))
    meter.start()
    start = time.perf_counter()
    with torch.no_grad():
        if variant == 'bounded':
            results = head.predict(cls, low, [sample], rescale=True)
        else:  # the head's predict upsamples every query to the input size first
            padded = torch.nn.functional.interpolate(low, size=size, mode='bilinear', align_corners=False)
            results = head.predict(cls, padded, [sample], rescale=True)
    seconds = time.perf_counter() - start
    pan = results[0]['pan_results'].sem_seg
    return dict(kind='fusion', variant=variant, size=f'{size[0]}x{size[1]}', seconds=round(seconds, 2),
                peak_mib=round(meter.peak_mib(), 1), segments=int(pan.unique().numel()),
                pan_checksum=int(pan.long().sum()), instances=len(results[0]['ins_results']))


def run_single(spec: dict) -> dict:
    if spec['kind'] == 'predictor':
        return measure_predictor(spec['model'], spec['mode'], spec['task'], tuple(spec['size']),
                                 spec['object_mask_thr'])
    return measure_fusion(spec['variant'], tuple(spec['size']))


def in_subprocess(spec: dict) -> dict:
    """One measurement in a fresh process (allocator caches of earlier runs do not count)."""
    done = subprocess.run([sys.executable, __file__, '--single', json.dumps(spec)], capture_output=True,
                          text=True, cwd=REPO_ROOT)
    if done.returncode != 0:
        return dict(spec, error=done.stderr.strip().splitlines()[-1] if done.stderr.strip() else
                    f'exit status {done.returncode}')
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> list[dict]:
    args = parse_args(argv)
    if args.single:
        print(json.dumps(run_single(json.loads(args.single))))
        return []
    rows = []
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads; every row a fresh process')
    if not args.skip_predictor:
        print(f'ImagePredictor, random {args.size[0]}x{args.size[1]} image: peak RSS above the loaded model')
        for model_key in args.models:
            for mode in args.modes:
                for task in args.tasks:
                    row = in_subprocess(dict(kind='predictor', model=model_key, mode=mode, task=task,
                                             size=args.size, object_mask_thr=args.object_mask_thr))
                    rows.append(row)
                    print('  ' + json.dumps(row))
    if not args.skip_fusion:
        print(f'COCO-eval fusion (panoptic + instance), 300 queries, 133 classes, '
              f'{args.fusion_size[0]}x{args.fusion_size[1]}: medians of {args.repeats} processes')
        for variant in ('bounded', 'vectorised', 'reference'):
            runs = [in_subprocess(dict(kind='fusion', variant=variant, size=args.fusion_size))
                    for _ in range(args.repeats)]
            good = [run for run in runs if 'error' not in run]
            if not good:
                rows.append(runs[0])
                print('  ' + json.dumps(runs[0]))
                continue
            row = dict(good[0], seconds=statistics.median(r['seconds'] for r in good),
                       peak_mib=statistics.median(r['peak_mib'] for r in good),
                       all_seconds=[r['seconds'] for r in good])
            rows.append(row)
            print('  ' + json.dumps(row))
    if args.out:
        Path(args.out).write_text(json.dumps(rows, indent=1))
    return rows


if __name__ == '__main__':
    main()
