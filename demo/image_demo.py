"""Segment images and write overlays: ``python demo/image_demo.py IMAGE_OR_FOLDER --task panoptic``.

Tasks: panoptic, instance, semantic, interactive (one mask + class per --points / --boxes prompt).
Any class names with --classes "cat,dog" --stuff-classes "sky,grass" (open vocabulary). Overlays go to
``--out-dir/<image name>_<task>.png``; a line per image summarises what was found.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

TASKS = ('panoptic', 'instance', 'semantic', 'interactive')


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options."""
    from seg.apis.cli import add_model_arguments
    parser = argparse.ArgumentParser(description='OMG-Seg image demo: overlays of one model, many tasks.')
    parser.add_argument('inputs', nargs='+', help='image files or folders of images')
    parser.add_argument('--task', choices=TASKS, default='panoptic')
    parser.add_argument('--points', help='interactive: click prompts "x,y;x,y" (original image pixels)')
    parser.add_argument('--boxes', help='interactive: box prompts "x1,y1,x2,y2;..." (original image pixels)')
    parser.add_argument('--score-thr', type=float, default=0.3, help='instance: minimum score drawn')
    parser.add_argument('--out-dir', default='outputs/image_demo', help='where the overlays go')
    add_model_arguments(parser)
    return parser.parse_args(argv)


def image_paths(inputs: list[str]) -> list[Path]:
    """Image files of the inputs (folders expanded, sorted)."""
    from seg.apis.video_predictor import frame_files
    paths = []
    for item in map(Path, inputs):
        if item.is_dir():
            paths.extend(frame_files(item))
        elif item.is_file():
            paths.append(item)
        else:
            raise FileNotFoundError(f'input not found: {item}')
    return paths


def predict(predictor, task: str, args: argparse.Namespace) -> dict:
    """The predictor's result for ``task`` on its current image."""
    from seg.apis.cli import parse_coordinates
    if task == 'panoptic':
        return predictor.predict_panoptic()
    if task == 'instance':
        return predictor.predict_instances(score_thr=args.score_thr)
    if task == 'semantic':
        return predictor.predict_semantic()
    return predictor.predict_prompts(points=parse_coordinates(args.points, 2, '--points'),
                                     boxes=parse_coordinates(args.boxes, 4, '--boxes'))


def summary(result: dict) -> str:
    """``n segments: name (score), ...``."""
    names = result['class_names']
    scores = result.get('scores', [None] * len(names))
    parts = [name if score is None else f'{name} ({score:.2f})' for name, score in zip(names, scores)]
    return f'{len(names)} segments' + (': ' + ', '.join(parts[:10]) if parts else '')


def main(argv=None) -> list[Path]:
    """Run the demo; returns the overlay files written."""
    args = parse_args(argv)
    if args.task == 'interactive' and not (args.points or args.boxes):
        raise SystemExit('--task interactive needs --points and/or --boxes')
    from seg.apis import ImagePredictor
    from seg.apis.cli import parse_coordinates, predictor_from_args
    from seg.apis.pipeline import to_bgr_array
    from seg.apis.visualize import draw_result
    from seg.visualization import draw_prompts, write_image
    predictor = predictor_from_args(ImagePredictor, args)
    kind = 'prompt' if args.task == 'interactive' else args.task
    written = []
    for path in image_paths(args.inputs):
        image = to_bgr_array(path)[..., ::-1]
        predictor.set_image(image)
        result = predict(predictor, args.task, args)
        overlay = draw_result(image, result, kind, predictor.class_names, args.score_thr)
        if kind == 'prompt':  # the clicks (+) and boxes that asked for the masks
            overlay = draw_prompts(overlay, parse_coordinates(args.points, 2, '--points'), None,
                                   parse_coordinates(args.boxes, 4, '--boxes'))
        written.append(write_image(Path(args.out_dir) / f'{path.stem}_{args.task}.png', overlay))
        print(f'{path}: {summary(result)} -> {written[-1]}')
    return written


if __name__ == '__main__':
    main()
