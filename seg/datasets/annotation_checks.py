"""Early, explicit validation of annotation files: errors name the file and the bad record."""
from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence


class AnnotationError(ValueError):
    """An annotation file is missing, malformed or inconsistent."""


def describe(kind: str, index: int, record: object) -> str:
    """Human-readable reference to one record, e.g. ``annotations[3] (image_id=42)``."""
    if isinstance(record, dict):
        for key in ('id', 'image_id', 'file_name', 'name'):
            if key in record:
                return f'{kind}[{index}] ({key}={record[key]!r})'
    return f'{kind}[{index}]'


def load_json(path: str | os.PathLike) -> dict:
    """Read a JSON annotation file, raising :class:`AnnotationError` naming the file on failure."""
    if not os.path.isfile(path):
        raise AnnotationError(f'annotation file not found: {path}')
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f)
    except json.JSONDecodeError as err:
        raise AnnotationError(f'{path}: not valid JSON ({err})') from err


def require_list(content: dict, key: str, path: str) -> list:
    """``content[key]`` as a list, or an error naming the file and the key."""
    value = content.get(key) if isinstance(content, dict) else None
    if not isinstance(value, list):
        raise AnnotationError(f'{path}: top-level key {key!r} missing or not a list')
    return value


def require_keys(records: Sequence, keys: Iterable[str], path: str, kind: str) -> None:
    """Every record is a dict holding ``keys``; otherwise name the first bad record."""
    keys = tuple(keys)
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise AnnotationError(f'{path}: {kind}[{index}] is not an object')
        missing = [k for k in keys if k not in record]
        if missing:
            raise AnnotationError(f'{path}: {describe(kind, index, record)} lacks key(s) {missing}')


def unique_ids(records: Sequence[dict], path: str, kind: str, key: str = 'id') -> set:
    """Set of ``record[key]``; duplicate ids are an error naming the record."""
    seen = set()
    for index, record in enumerate(records):
        if record[key] in seen:
            raise AnnotationError(f'{path}: {describe(kind, index, record)} repeats {key} {record[key]!r}')
        seen.add(record[key])
    return seen


def check_bbox(bbox: object, path: str, where: str) -> None:
    """A COCO xywh box: four finite numbers."""
    if not (isinstance(bbox, (list, tuple)) and len(bbox) == 4
            and all(isinstance(v, (int, float)) for v in bbox)):
        raise AnnotationError(f'{path}: {where} has a malformed bbox {bbox!r} (expected [x, y, w, h])')


def check_panoptic_json(content: dict, path: str) -> None:
    """COCO-panoptic JSON: images, per-image annotation records and known categories."""
    images = require_list(content, 'images', path)
    annotations = require_list(content, 'annotations', path)
    categories = require_list(content, 'categories', path)
    require_keys(images, ('id', 'file_name', 'height', 'width'), path, 'images')
    require_keys(categories, ('id', 'name', 'isthing'), path, 'categories')
    require_keys(annotations, ('image_id', 'file_name', 'segments_info'), path, 'annotations')
    image_ids = unique_ids(images, path, 'images')
    category_ids = unique_ids(categories, path, 'categories')
    unique_ids(annotations, path, 'annotations', key='image_id')
    for index, ann in enumerate(annotations):
        where = describe('annotations', index, ann)
        if ann['image_id'] not in image_ids:
            raise AnnotationError(f'{path}: {where} refers to unknown image_id {ann["image_id"]!r}')
        if not isinstance(ann['segments_info'], list):
            raise AnnotationError(f'{path}: {where}: segments_info is not a list')
        require_keys(ann['segments_info'], ('id', 'category_id', 'bbox', 'area'), path,
                     f'{where} segments_info')
        for seg_index, segment in enumerate(ann['segments_info']):
            seg_where = f'{where} segments_info[{seg_index}] (id={segment["id"]})'
            if segment['category_id'] not in category_ids:
                raise AnnotationError(
                    f'{path}: {seg_where} has unknown category_id {segment["category_id"]!r}')
            check_bbox(segment['bbox'], path, seg_where)


def check_masks(annotations: Sequence[dict], images: dict, path: str) -> None:
    """Every ``segmentation`` is a valid mask of its image (polygons or RLE whose counts sum to H x W).

    Checked once, before decoding: pycocotools decodes malformed RLE into garbage areas or loops.
    ``images`` maps image id -> image record (``height``, ``width``, optionally ``video_id``/``frame_id``).
    """
    from seg.evaluation.functional.rle_checks import find_invalid
    anns = [ann for ann in annotations if ann.get('segmentation') not in (None, [])]
    sizes = [(images[ann['image_id']]['height'], images[ann['image_id']]['width']) for ann in anns]
    invalid = find_invalid([ann['segmentation'] for ann in anns], sizes)
    if invalid:
        ann = anns[invalid[0]]
        image = images[ann['image_id']]
        frame = (f', frame {image["frame_id"]} of video {image["video_id"]!r}'
                 if 'frame_id' in image and 'video_id' in image else '')
        index = next(i for i, record in enumerate(annotations) if record is ann)
        raise AnnotationError(f'{path}: {describe("annotations", index, ann)} (image_id={ann["image_id"]!r}'
                              f'{frame}): {invalid[1]}')


def check_mapped_categories(content: dict, classes: Sequence[str], path: str, dataset: str) -> None:
    """Annotated JSON categories must be classes of the dataset: mmdet would drop their annotations."""
    known = set(classes)
    unmapped = {c['id']: c['name'] for c in content['categories'] if c['name'] not in known}
    dropped = {}
    for ann in content.get('annotations', []):
        if ann['category_id'] in unmapped:
            name = unmapped[ann['category_id']]
            dropped[name] = dropped.get(name, 0) + 1
    if dropped:
        listed = ', '.join(f'{name!r} ({count} annotations)' for name, count in dropped.items())
        raise AnnotationError(f'{path}: categories {listed} are not classes of {dataset}; their annotations '
                              'would be dropped (rename them or remove the annotations)')


def check_panoptic_png(png_ids: Iterable[int], segment_ids: Iterable[int], png: str, image_id: object,
                       *, void_ids: Iterable[int] = (0,)) -> None:
    """The segment ids drawn in a panoptic PNG are exactly those its ``segments_info`` describes.

    An undescribed id would silently become void, a described id without pixels an empty mask.
    """
    png_ids, described = set(int(i) for i in png_ids) - set(void_ids), set(segment_ids)
    extra, empty = sorted(png_ids - described), sorted(described - png_ids)
    if extra:
        raise AnnotationError(f'{png}: segment ids {extra} of image id={image_id!r} are in the PNG but not '
                              'in segments_info (their pixels would become void)')
    if empty:
        raise AnnotationError(f'{png}: segments_info ids {empty} of image id={image_id!r} have no pixels in '
                              'the PNG (they would be empty masks)')


def check_coco_video_json(content: dict, path: str, *, with_annotations: bool = True) -> None:
    """COCO-video JSON (YouTube-VIS style): videos, frames, per-frame track annotations."""
    videos = require_list(content, 'videos', path)
    images = require_list(content, 'images', path)
    categories = require_list(content, 'categories', path)
    require_keys(videos, ('id',), path, 'videos')
    require_keys(images, ('id', 'file_name', 'video_id', 'frame_id', 'height', 'width'), path, 'images')
    require_keys(categories, ('id', 'name'), path, 'categories')
    video_ids = unique_ids(videos, path, 'videos')
    image_ids = unique_ids(images, path, 'images')
    category_ids = unique_ids(categories, path, 'categories')
    for index, image in enumerate(images):
        if image['video_id'] not in video_ids:
            raise AnnotationError(f'{path}: {describe("images", index, image)} refers to unknown video_id '
                                  f'{image["video_id"]!r}')
    if not with_annotations or 'annotations' not in content:
        return
    annotations = require_list(content, 'annotations', path)
    require_keys(annotations, ('id', 'image_id', 'category_id', 'bbox', 'area', 'instance_id'), path,
                 'annotations')
    unique_ids(annotations, path, 'annotations')
    for index, ann in enumerate(annotations):
        where = describe('annotations', index, ann)
        if ann['image_id'] not in image_ids:
            raise AnnotationError(f'{path}: {where} refers to unknown image_id {ann["image_id"]!r}')
        if ann['category_id'] not in category_ids:
            raise AnnotationError(f'{path}: {where} has unknown category_id {ann["category_id"]!r}')
        check_bbox(ann['bbox'], path, where)
    check_masks(annotations, {image['id']: image for image in images}, path)
