"""The web demo's model side: one model shared by an image and a video predictor, behind a lock.

The predictor calls that the prompt API may change are in two small adapter functions,
:func:`segment_prompts` and :func:`track_objects`; everything else only draws and bookkeeps.
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
TOY_CHECKPOINT = REPO_ROOT / 'work_dirs' / 'toy' / 'iter_600.pth'
UNTRAINED_BANNER = ('**Untrained model: random weights, the masks mean nothing.** Train the toy model with '
                    '`bash tools/quickstart.sh` (writes `work_dirs/toy/iter_600.pth`, used by default), '
                    'or pass `--checkpoint` / `--pretrained`.')
IMAGE_TASKS = ('panoptic', 'instance', 'semantic')
PROMPT_MODES = ('point', 'negative point', 'new object', 'box')
VIDEO_TASKS = {'VPS (video panoptic)': 'panoptic', 'VIS (video instances)': 'instance'}


# ---------------------------------------------------------------------------------------------- adapters
def segment_prompts(predictor, objects: list) -> dict:
    """Masks + classes of the prompted objects (one :class:`ObjectPrompt` each: its positive and negative
    clicks and box), in object order.

    The one call of the prompt API. A model whose prompt encoder takes one click or one box per object (the
    published weights' encoding) raises ``ValueError`` for more, which the UI shows instead of the masks.
    """
    return predictor.predict_prompts(objects=objects)


def track_objects(video_predictor, state, first_masks: np.ndarray) -> list[dict]:
    """Per-frame results of following first-frame object masks (K, H, W) through the video (ids 1..K)."""
    return video_predictor.propagate_masks(state, first_masks)


def segment_at(panoptic: dict, x: float, y: float) -> dict:
    """Fallback for models without prompt queries: the predicted panoptic segment under the click,
    in the layout of a prompt result (empty when the click lands on void)."""
    height, width = panoptic['panoptic_seg'].shape
    segment_id = int(panoptic['panoptic_seg'][min(int(y), height - 1), min(int(x), width - 1)])
    keep = [i for i, info in enumerate(panoptic['segments_info']) if info['id'] == segment_id]
    return dict(masks=panoptic['masks'][keep], labels=panoptic['labels'][keep],
                class_names=[panoptic['class_names'][i] for i in keep], scores=panoptic['scores'][keep],
                boxes=np.zeros((len(keep), 4), dtype=np.float32))


def image_key(image: np.ndarray) -> str:
    """Content hash of an image (shape + pixels): re-encode only when the picture changes."""
    return hashlib.sha1(str(image.shape).encode() + np.ascontiguousarray(image).tobytes()).hexdigest()


def parse_names(text: str | None) -> list[str]:
    """Class names typed as ``cat; dog`` or ``cat, dog`` (``;`` keeps commas as synonyms)."""
    text = (text or '').strip()
    if not text:
        return []
    separator = ';' if ';' in text else ','
    return [name.strip() for name in text.split(separator) if name.strip()]


# ---------------------------------------------------------------------------------------------- session
@dataclass
class Prompts:
    """Clicks and boxes of one image, in original image pixels, grouped into objects: ``point_objects`` /
    ``box_objects`` hold the object index of each click / box; ``corner`` = first corner of a pending box."""

    points: list[list[float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    boxes: list[list[float]] = field(default_factory=list)
    corner: list[float] | None = None
    point_objects: list[int] = field(default_factory=list)
    box_objects: list[int] = field(default_factory=list)

    @property
    def current(self) -> int:
        """Index of the object that 'point' / 'negative point' clicks refine (the last one)."""
        return max(self.point_objects + self.box_objects, default=0)

    def add_click(self, x: float, y: float, mode: str) -> None:
        """A click in ``mode`` (PROMPT_MODES): 'point' (+) or 'negative point' (-) on the current object,
        'new object' (+ on a new one), 'box' (two clicks: corners; a new object if the current has a box)."""
        if mode not in PROMPT_MODES:
            raise ValueError(f'click mode must be one of {PROMPT_MODES}, got {mode!r}')
        started = bool(self.point_objects or self.box_objects)
        if mode == 'box':
            if self.corner is None:
                self.corner = [x, y]
                return
            (x0, y0), self.corner = self.corner, None
            self.boxes.append([min(x0, x), min(y0, y), max(x0, x), max(y0, y)])
            self.box_objects.append(self.current + (self.current in self.box_objects))
        else:
            self.points.append([x, y])
            self.labels.append(0 if mode == 'negative point' else 1)
            self.point_objects.append(self.current + (mode == 'new object' and started))

    def objects(self) -> list:
        """One :class:`ObjectPrompt` (clicks with labels, box) per object, in object order."""
        from seg.models.query_generators.prompts import ObjectPrompt
        found = []
        for index in sorted(set(self.point_objects + self.box_objects)):
            clicks = [i for i, obj in enumerate(self.point_objects) if obj == index]
            box = [b for b, obj in zip(self.boxes, self.box_objects) if obj == index]
            found.append(ObjectPrompt([self.points[i] for i in clicks] or None,
                                      [self.labels[i] for i in clicks] or None, box[0] if box else None))
        return found

    @property
    def empty(self) -> bool:
        return not (self.boxes or any(self.labels))


class DemoSession:
    """The shared model: image predictor (tab 1) and video predictor (tab 2) on the same weights.

    Requests of all browser tabs run one at a time (the predictors cache the current image / vocabulary).
    """

    def __init__(self, image_predictor, video_predictor, *, trained: bool) -> None:
        self.image = image_predictor
        self.video = video_predictor
        self.trained = trained
        self.has_prompts = bool(getattr(image_predictor.model.panoptic_head, 'enable_box_query', False))
        self.lock = threading.Lock()
        self._image_key: str | None = None
        self._classes: tuple = ((), ())

    def set_classes(self, things_text: str | None, stuff_text: str | None) -> None:
        """Vocabulary of both predictors: the typed names (open vocabulary), the model's if both are empty."""
        classes = (tuple(parse_names(things_text)), tuple(parse_names(stuff_text)))
        if classes == self._classes:
            return
        for predictor in (self.image, self.video):
            if any(classes):
                predictor.set_classes(list(classes[0]), list(classes[1]))
            else:
                predictor.reset_classes()
        self._classes = classes

    def set_image(self, image: np.ndarray) -> None:
        """Encode ``image`` unless it is the one encoded last."""
        key = image_key(image)
        if key != self._image_key:
            self.image.set_image(image)
            self._image_key = key

    def predict(self, task: str, score_thr: float) -> dict:
        """Result of ``task`` on the current image."""
        if task == 'panoptic':
            return self.image.predict_panoptic()
        if task == 'instance':
            return self.image.predict_instances(score_thr=score_thr)
        if task == 'semantic':
            return self.image.predict_semantic()
        raise ValueError(f'task must be one of {IMAGE_TASKS}, got {task!r}')

    def objects(self, prompts: Prompts) -> dict:
        """Masks + labels of the prompts: one per object from the prompt queries when the model has them
        (``ValueError`` for prompts its encoder cannot use), else the panoptic segment under each positive
        click (boxes and negative clicks need prompt queries)."""
        if self.has_prompts:
            return segment_prompts(self.image, prompts.objects())
        panoptic = self.image.predict_panoptic()
        parts = [segment_at(panoptic, x, y) for (x, y), label in zip(prompts.points, prompts.labels) if label]
        if not parts:
            return segment_at(dict(panoptic, segments_info=[]), 0, 0)  # nothing selected: empty result
        return dict(masks=np.concatenate([p['masks'] for p in parts]),
                    labels=np.concatenate([p['labels'] for p in parts]),
                    class_names=[name for p in parts for name in p['class_names']],
                    scores=np.concatenate([p['scores'] for p in parts]),
                    boxes=np.concatenate([p['boxes'] for p in parts]))


def has_prompt_queries(args: argparse.Namespace) -> bool:
    """Whether the model the options describe has point / box prompt queries (read from its config)."""
    from seg.apis.loading import load_config, pretrained_config, resolve_pretrained
    if args.pretrained:
        cfg = pretrained_config(resolve_pretrained(args.pretrained), args.cfg_options)
    else:
        cfg = load_config(args.config, args.cfg_options)
    return bool(cfg.model.get('panoptic_head', {}).get('enable_box_query', False))


def build_session(args: argparse.Namespace) -> DemoSession:
    """Predictors on one model: the VOS detector (prompt mode with prompt queries, else proposal matching)
    serves images, VIS / VPS and click-to-track; ``--classes`` / ``--stuff-classes`` are installed."""
    from seg.apis import ImagePredictor, VideoPredictor
    from seg.apis.cli import predictor_from_args
    plain = copy.copy(args)
    plain.classes = plain.stuff_classes = None
    vos_mode = 'prompt' if has_prompt_queries(args) else 'proposal'
    video = predictor_from_args(VideoPredictor, plain, vos_mode=vos_mode)
    image = ImagePredictor(video.model, video.cfg, cache_dir=video.cache_dir)
    session = DemoSession(image, video, trained=bool(args.checkpoint or args.pretrained))
    if args.classes or args.stuff_classes:
        from seg.apis import parse_class_list
        session.set_classes(*('; '.join(parse_class_list(spec)) if spec else '' for spec in
                              (args.classes, args.stuff_classes)))
    return session
