"""Offline evaluation of standard result files: ``python tools/eval.py TASK --gt GT --pred PRED``.

TASK and inputs:
  coco_panoptic  GT: COCO panoptic JSON (PNG folder beside it, named after the JSON; --gt-folder);
                 PRED: the same structure (--pred-folder).
  coco_instance  GT: COCO instances JSON; PRED: COCO results JSON (RLE segmentations, scores).
  semantic       GT: folder of label PNGs, or a COCO panoptic JSON (label = the category's position in its
                 "categories"; --gt-folder); PRED: folder of label PNGs with matching names
                 (--num-classes, --ignore-index).
  ytvis          GT: YouTube-VIS JSON with annotations, or the CocoVID JSON our configs read
                 (annotations/youtube_vis_2019_*.json); PRED: results.json.
  vps            GT: VIPSeg panoptic JSON with panomasksRGB/ beside it; PRED: folder with pred.json
                 and pan_pred/<video>/<frame>.png.
  davis          GT: DAVIS-2017 root (Annotations/480p, ImageSets); PRED: folder of per-sequence PNGs.
Prints a table and, with --out, writes the flat metrics (percent) as JSON, atomically.
``tools/test.py --out-dir DIR`` writes all these prediction formats; a ``tools/test.py --out`` pickle holds
raw predictions, not result files, and is refused with that hint.
"""
from __future__ import annotations

import argparse
import sys

TASKS = ('coco_panoptic', 'coco_instance', 'semantic', 'ytvis', 'vps', 'davis')


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description='Evaluate result files with the official benchmark metrics.')
    parser.add_argument('task', choices=TASKS, help='benchmark protocol')
    parser.add_argument('--gt', required=True, help='ground-truth file or folder (see the task list)')
    parser.add_argument('--pred', required=True, help='prediction file or folder (see the task list)')
    parser.add_argument('--out', help='write the metrics (percent) to this JSON file')
    parser.add_argument('--gt-folder', help='coco_panoptic / semantic / vps: GT PNG folder (default: beside '
                        'the JSON)')
    parser.add_argument('--pred-folder', help='coco_panoptic: prediction PNG folder (default: beside JSON)')
    parser.add_argument('--num-classes', type=int, help='semantic: number of classes')
    parser.add_argument('--ignore-index', type=int, default=255, help='semantic: ignored GT label')
    parser.add_argument('--set', default='val', help='davis: ImageSets/2017 split')
    parser.add_argument('--resolution', default='480p', help='davis: annotation resolution folder')
    parser.add_argument('--windows', type=int, nargs='+', default=[1, 2, 4, 6],
                        help='vps: VPQ window lengths')
    parser.add_argument('--stq-reference-thing-mask', action='store_true',
                        help='vps: replay the OMG-Seg STQ defect (prediction thing mask from GT semantics)')
    parser.add_argument('--no-progress', action='store_true', help='hide progress bars')
    args = parser.parse_args(argv)
    if args.task == 'semantic' and args.num_classes is None:
        parser.error('semantic needs --num-classes')
    return args


def run_task(args: argparse.Namespace) -> dict:
    """Evaluate one task; returns the metric dict of the functional evaluator."""
    from seg.evaluation import functional as F
    progress = not args.no_progress
    if args.task == 'coco_panoptic':
        return F.evaluate_coco_panoptic(args.gt, args.pred, args.gt_folder, args.pred_folder,
                                        progress=progress)
    if args.task == 'coco_instance':
        return F.evaluate_coco_instance(args.gt, args.pred)
    if args.task == 'semantic':
        return F.evaluate_semantic_folders(args.gt, args.pred, args.num_classes, args.ignore_index,
                                           gt_folder=args.gt_folder, progress=progress)
    if args.task == 'ytvis':
        return F.evaluate_ytvis(args.gt, args.pred)
    if args.task == 'vps':
        return F.evaluate_vps(args.gt, args.pred, gt_folder=args.gt_folder, windows=tuple(args.windows),
                              reference_thing_mask=args.stq_reference_thing_mask, progress=progress)
    return F.evaluate_davis(args.gt, args.pred, split=args.set, resolution=args.resolution, progress=progress)


def main(argv=None) -> int:
    """Run the evaluation, print the table, write ``--out``; exit code 2 on malformed input."""
    args = parse_args(argv)
    from seg.evaluation.functional import EvalInputError, write_json_atomic
    from seg.evaluation.functional.report import flat_metrics, format_table
    try:
        results = run_task(args)
    except EvalInputError as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    metrics = flat_metrics(results)
    print(format_table(f'{args.task}: {args.pred}', metrics))
    if args.out:
        write_json_atomic(args.out, metrics)
        print(f'metrics written to {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
