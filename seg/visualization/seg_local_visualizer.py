"""Image visualizer: ground truth and panoptic / instance / semantic / track predictions as overlays."""
from __future__ import annotations

from typing import Optional, Sequence

import cv2
import numpy as np
from mmdet.registry import VISUALIZERS
from mmdet.structures import DetDataSample
from mmdet.structures.mask import bitmap_to_polygon
from mmdet.visualization import DetLocalVisualizer
from mmengine.visualization.utils import img_from_canvas

from .colors import ClassStyle
from .image_io import write_image
from .labels import Label, draw_labels, draw_title
from .segments import (
    Segment,
    ground_truth_panoptic,
    label_map,
    panoptic_segments,
    prediction_segments,
    semantic_segments,
)

PREDICTION_KINDS = ('panoptic', 'instance', 'semantic', 'track')
PANEL_TITLES = dict(ground_truth='ground truth', panoptic='panoptic', instance='instances',
                    semantic='semantic', track='tracks')


def segment_label(segment: Segment) -> Optional[Label]:
    """Caption of a segment: at its box's top-left corner, else at the centre of its largest blob
    (None for an empty segment without a box)."""
    if segment.box is not None:
        return Label(segment.text, (float(segment.box[0]), float(segment.box[1])), corner=True)
    mask = segment.mask.astype(np.uint8)
    count, _, stats, centroids = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count < 2:
        return None
    largest = int(np.argmax(stats[1:, -1])) + 1
    return Label(segment.text, (float(centroids[largest][0]), float(centroids[largest][1])))


@VISUALIZERS.register_module()
class SegLocalVisualizer(DetLocalVisualizer):
    """Draw a ``DetDataSample``: the ground truth panel (if any) left of one panel per prediction kind.

    Prediction kinds, in panel order: ``panoptic`` (``pred_panoptic_seg``), ``instance``
    (``pred_instances``, score-filtered, with boxes), ``semantic`` (``pred_sem_seg``) and ``track``
    (``pred_track_instances``, coloured by track id). Stuff and semantic regions take a stable class
    colour (``dataset_meta['palette']`` or a hash of the class name); things take a colour hashed from
    their segment / track id, so an object keeps its colour across frames. Captions use the
    display names (``display_name``) of ``dataset_meta['classes']``. Unlike mmdet's visualizer it renders
    on every rank.

    Args:
        name: instance name (mmengine ``ManagerMixin``).
        vis_backends / save_dir: mmengine storage backends, used when no ``out_file`` is given.
        alpha: opacity of the mask overlays in [0, 1].
        line_width: width of boxes and contours in pixels.
        draw_contours: outline every segment in white.
        kinds: prediction kinds to draw (subset of ``PREDICTION_KINDS``).
        panel_titles: name each panel in its top-left corner (ground truth, panoptic, ...) when there
            is more than one; captions are laid out around the titles, inside the image, without overlaps.
    """

    def __init__(self, name: str = 'visualizer', image: Optional[np.ndarray] = None,
                 vis_backends: Optional[list] = None, save_dir: Optional[str] = None, *,
                 alpha: float = 0.6, line_width: float = 2, draw_contours: bool = True,
                 kinds: Sequence[str] = PREDICTION_KINDS, panel_titles: bool = True) -> None:
        super().__init__(name=name, image=image, vis_backends=vis_backends, save_dir=save_dir,
                         line_width=line_width, alpha=alpha)
        unknown = set(kinds) - set(PREDICTION_KINDS)
        if unknown:
            raise ValueError(f'unknown prediction kinds {sorted(unknown)}; choose from {PREDICTION_KINDS}')
        if not 0 <= alpha <= 1:
            raise ValueError(f'alpha must lie in [0, 1], got {alpha}')
        self.draw_contours = draw_contours
        self.panel_titles = panel_titles
        self.kinds = tuple(kinds)

    def get_image(self) -> np.ndarray:
        """The drawn RGB image (on every rank, unlike mmengine's ``master_only`` version)."""
        assert self._image is not None, 'set an image with `set_image` first'
        return img_from_canvas(self.fig_save_canvas)

    @property
    def style(self) -> ClassStyle:
        """Class names and colours from the current ``dataset_meta``."""
        return ClassStyle.from_meta(self.dataset_meta)

    def _num_classes(self, what: str) -> int:
        """Number of classes (= the void id of panoptic maps); needs ``dataset_meta['classes']``."""
        num_classes = self.style.num_classes
        if num_classes == 0:
            raise ValueError(f'drawing {what} needs the class list: set visualizer.dataset_meta = '
                             "dict(classes=[...]) (the runner copies the dataset's metainfo)")
        return num_classes

    def draw_segments(self, image: np.ndarray, segments: Sequence[Segment],
                      title: Optional[str] = None) -> np.ndarray:
        """``image`` with every segment blended in its colour, outlined and boxed, then ``title`` in the
        top-left corner and the captions laid out inside the image without overlaps (best segments first)."""
        self.set_image(image)
        if segments:
            self.draw_binary_masks(np.stack([s.mask for s in segments]), colors=[s.color for s in segments],
                                   alphas=self.alpha)
            if self.draw_contours:
                polygons = [contour for s in segments for contour in bitmap_to_polygon(s.mask)[0]]
                if polygons:
                    self.draw_polygons(polygons, edge_colors='w', alpha=self.alpha, line_widths=1)
            boxes = [s.box for s in segments if s.box is not None]
            if boxes:
                self.draw_bboxes(np.asarray(boxes, dtype=np.float64),
                                 edge_colors=[s.color for s in segments if s.box is not None],
                                 alpha=self.alpha, line_widths=self.line_width)
        drawn = self.get_image()
        reserved = []
        if title:
            drawn, title_box = draw_title(drawn, title)
            reserved.append(title_box)
        labels = [label for label in map(segment_label, reversed(segments)) if label is not None]
        return draw_labels(drawn, labels, reserved)

    def ground_truth_segments(self, sample: DetDataSample, shape: tuple[int, int]) -> Optional[list[Segment]]:
        """Segments of the sample's ground truth (panoptic view of sem seg + instances), None if absent."""
        has_instances = 'gt_instances' in sample and len(sample.gt_instances) > 0
        if not (has_instances or 'gt_panoptic_seg' in sample or 'gt_sem_seg' in sample):
            return None
        num_classes = self._num_classes('the ground truth')
        pan_map = ground_truth_panoptic(sample, num_classes, shape)
        return None if pan_map is None else panoptic_segments(pan_map, self.style, num_classes)

    def prediction_segments(self, sample: DetDataSample, shape: tuple[int, int],
                            score_thr: float) -> list[list[Segment]]:
        """One segment list per prediction kind present in ``sample`` (in ``self.kinds`` order)."""
        return [segments for _, segments in self.prediction_panels(sample, shape, score_thr)]

    def prediction_panels(self, sample: DetDataSample, shape: tuple[int, int],
                          score_thr: float) -> list[tuple[str, list[Segment]]]:
        """(kind, segments) per prediction kind present in ``sample`` (in ``self.kinds`` order)."""
        panels = []
        for kind in self.kinds:
            if kind == 'panoptic' and 'pred_panoptic_seg' in sample:
                pan_map = self._checked_map(sample.pred_panoptic_seg, shape, 'pred_panoptic_seg')
                panels.append((kind, panoptic_segments(pan_map, self.style, self._num_classes('panoptic'))))
            elif kind == 'semantic' and 'pred_sem_seg' in sample:
                sem_map = self._checked_map(sample.pred_sem_seg, shape, 'pred_sem_seg')
                panels.append((kind, semantic_segments(sem_map, self.style, self._num_classes('semantic'))))
            elif kind == 'instance' and 'pred_instances' in sample:
                instances = sample.pred_instances
                panels.append((kind, prediction_segments(instances, self.style, shape, score_thr)))
            elif kind == 'track' and 'pred_track_instances' in sample:
                instances = sample.pred_track_instances
                panels.append((kind, prediction_segments(instances, self.style, shape, score_thr)))
        return panels

    @staticmethod
    def _checked_map(pixel_data, shape: tuple[int, int], key: str) -> np.ndarray:
        """The label map of ``pixel_data``; error when its size differs from the image."""
        data = label_map(pixel_data)
        if data.shape != tuple(shape):
            raise ValueError(f'{key} has shape {data.shape} but the image has {tuple(shape)}')
        return data

    def render(self, image: np.ndarray, sample: Optional[DetDataSample], draw_gt: bool = True,
               draw_pred: bool = True, pred_score_thr: float = 0.3) -> np.ndarray:
        """Panels ``[ground truth] + [one per prediction kind]`` side by side (the image if none)."""
        image = np.ascontiguousarray(image.clip(0, 255).astype(np.uint8))
        if sample is None:
            return image
        sample = sample.cpu()
        shape = image.shape[:2]
        panels = []
        gt_segments = self.ground_truth_segments(sample, shape) if draw_gt else None
        if gt_segments is not None:
            panels.append(('ground_truth', gt_segments))
        if draw_pred:
            panels += self.prediction_panels(sample, shape, pred_score_thr)
        titled = self.panel_titles and len(panels) > 1
        panels = [self.draw_segments(image, segments, PANEL_TITLES[kind] if titled else None)
                  for kind, segments in panels]
        return np.concatenate(panels, axis=1) if panels else image

    def add_datasample(self, name: str, image: np.ndarray, data_sample: Optional[DetDataSample] = None,
                       draw_gt: bool = True, draw_pred: bool = True, show: bool = False,
                       wait_time: float = 0, out_file: Optional[str] = None, pred_score_thr: float = 0.3,
                       step: int = 0) -> np.ndarray:
        """Render ``data_sample`` on the RGB ``image``; write it atomically to ``out_file`` when given,
        else send it to the storage backends. Returns the RGB rendering."""
        drawn = self.render(image, data_sample, draw_gt, draw_pred, pred_score_thr)
        self.set_image(drawn)
        if show:
            self.show(drawn, win_name=name, wait_time=wait_time)
        if out_file is not None:
            write_image(out_file, drawn)
        else:
            self.add_image(name, drawn, step)
        return drawn
