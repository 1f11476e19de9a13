"""Draw plain predictor results on their image with the project's visualizer (class names, stable colours)."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from mmdet.evaluation.functional import INSTANCE_OFFSET
from mmdet.structures import DetDataSample
from mmengine.structures import InstanceData, PixelData

from .results import Result

RESULT_KINDS = ('panoptic', 'instance', 'semantic', 'prompt', 'vos')


def _panoptic_map(result: Result, num_classes: int) -> np.ndarray:
    """Fused map (H, W) with ids ``label + instance_id * INSTANCE_OFFSET`` (void = ``num_classes``)."""
    pan_map = np.full(result['panoptic_seg'].shape, num_classes, dtype=np.int64)
    for info in result['segments_info']:
        pan_map[result['panoptic_seg'] == info['id']] = info['label'] + info['instance_id'] * INSTANCE_OFFSET
    return pan_map


def _instances(result: Result) -> InstanceData:
    """Instance / prompt / VOS result as mmengine instances (tracks keep their id as ``instances_id``)."""
    if 'id_map' in result:  # VOS: class-agnostic objects, coloured by object id
        count = len(result['obj_ids'])
        return InstanceData(masks=torch.as_tensor(result['masks']),
                            labels=torch.zeros(count, dtype=torch.long),
                            instances_id=torch.as_tensor(result['obj_ids']))
    instances = InstanceData(masks=torch.as_tensor(result['masks']), labels=torch.as_tensor(result['labels']),
                             scores=torch.as_tensor(result['scores']),
                             bboxes=torch.as_tensor(result['boxes']))
    if 'track_ids' in result:
        instances.instances_id = torch.as_tensor(result['track_ids'])
    return instances


def result_data_sample(result: Result, kind: str, num_classes: int) -> DetDataSample:
    """A ``DetDataSample`` holding ``result`` as the prediction field the visualizer draws for ``kind``."""
    if kind not in RESULT_KINDS:
        raise ValueError(f'kind must be one of {RESULT_KINDS}, got {kind!r}')
    sample = DetDataSample()
    if kind == 'panoptic':
        pan_map = torch.as_tensor(_panoptic_map(result, num_classes))
        sample.pred_panoptic_seg = PixelData(sem_seg=pan_map[None])
    elif kind == 'semantic':
        sample.pred_sem_seg = PixelData(sem_seg=torch.as_tensor(result['sem_seg'])[None])
    elif kind in ('vos', 'instance') and ('track_ids' in result or 'id_map' in result):
        sample.pred_track_instances = _instances(result)
    else:
        sample.pred_instances = _instances(result)
    return sample


def draw_result(image_rgb: np.ndarray, result: Result, kind: str, class_names: Sequence[str],
                score_thr: float = 0.0) -> np.ndarray:
    """RGB overlay of ``result`` (of task ``kind``) on ``image_rgb`` (H, W, 3) uint8."""
    from seg.visualization import SegLocalVisualizer
    names = ['object'] if kind == 'vos' else list(class_names)
    visualizer = SegLocalVisualizer(name=f'predictor_{kind}')
    visualizer.dataset_meta = dict(classes=names)
    sample = result_data_sample(result, kind, len(names))
    return visualizer.render(np.asarray(image_rgb), sample, draw_gt=False, pred_score_thr=score_thr)
