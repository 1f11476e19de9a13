"""Segment a video and write overlays + a GIF: ``python demo/video_demo.py VIDEO --task panoptic``.

VIDEO is a folder of frames or a video file. Tasks: panoptic (VPS), instance (VIS), semantic (VSS)
with MinVIS tracking (a thing keeps its colour in every frame), and vos: follow the objects of a
first-frame mask (--first-masks: an index PNG with object ids, DAVIS style; --vos-mode prompt|proposal).
Frames go to ``--out-dir/<video>/<frame>.png``, the animation to ``--out-dir/<video>.gif``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

TASKS = ('panoptic', 'instance', 'semantic', 'vos')


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options."""
    from seg.apis.cli import add_model_arguments
    parser = argparse.ArgumentParser(description='OMG-Seg video demo: per-frame overlays and a GIF.')
    parser.add_argument('video', help='folder of frames (sorted by name) or a video file')
    parser.add_argument('--task', choices=TASKS, default='panoptic')
    parser.add_argument('--first-masks', help='vos: first-frame object-id PNG (0 = background)')
    parser.add_argument('--vos-mode', choices=('prompt', 'proposal'), default='prompt',
                        help='vos: propagate masks as prompts (needs prompt weights) or match proposals')
    parser.add_argument('--score-thr', type=float, default=0.3, help='instance: minimum score drawn')
    parser.add_argument('--fps', type=float, default=5.0, help='GIF frame rate')
    parser.add_argument('--out-dir', default='outputs/video_demo', help='where the overlays go')
    add_model_arguments(parser)
    return parser.parse_args(argv)


def first_frame_masks(path: str):
    """(object masks (K, H, W) bool, object ids (K,)) of an id PNG."""
    import numpy as np
    from PIL import Image
    id_map = np.asarray(Image.open(path))
    if id_map.ndim != 2:
        raise ValueError(f'{path}: expected a single-channel (palette / grey) PNG of object ids')
    ids = [int(i) for i in np.unique(id_map) if i != 0]
    if not ids:
        raise ValueError(f'{path} holds no object (every pixel is 0)')
    return np.stack([id_map == i for i in ids]), ids


def main(argv=None) -> list[Path]:
    """Run the demo; returns the files written (frames, then the GIF)."""
    args = parse_args(argv)
    if args.task == 'vos' and not args.first_masks:
        raise SystemExit('--task vos needs --first-masks')
    from seg.apis import VideoPredictor
    from seg.apis.cli import predictor_from_args
    from seg.apis.pipeline import to_bgr_array
    from seg.apis.video_predictor import video_frames
    from seg.apis.visualize import draw_result
    from seg.visualization import write_gif, write_image
    predictor = predictor_from_args(VideoPredictor, args,
                                    vos_mode=args.vos_mode if args.task == 'vos' else None)
    frames = [to_bgr_array(frame)[..., ::-1] for frame in video_frames(args.video)]
    state = predictor.init_state(frames)
    if args.task == 'vos':
        results = predictor.propagate_masks(state, *first_frame_masks(args.first_masks))
    else:
        results = predictor.propagate(state, args.task, score_thr=args.score_thr)
    name = Path(args.video).stem
    overlays = [draw_result(frame, result, args.task, predictor.class_names, args.score_thr)
                for frame, result in zip(frames, results)]
    written = [write_image(Path(args.out_dir) / name / f'{index:05d}.png', overlay)
               for index, overlay in enumerate(overlays)]
    written.append(write_gif(Path(args.out_dir) / f'{name}.gif', overlays, args.fps))
    print(f'{args.video}: {len(frames)} frames, {args.task} -> {written[-1]}')
    return written


if __name__ == '__main__':
    main()
