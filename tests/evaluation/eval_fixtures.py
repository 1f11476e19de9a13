"""Tiny on-disk fixtures (COCO panoptic, VIPSeg, YT-VIS, DAVIS, semantic) for evaluation tests."""
from __future__ import annotations

import json
import os

import numpy as np
from PIL import Image
from pycocotools import mask as mask_utils

THING, STUFF = 1, 0


def categories(spec: dict[int, int]) -> list[dict]:
    """COCO-style category list from {id: isthing}."""
    return [{'id': cid, 'name': f'c{cid}', 'isthing': isthing, 'supercategory': 'x'}
            for cid, isthing in spec.items()]


def id_to_rgb(id_map: np.ndarray) -> np.ndarray:
    """RGB encoding of a panoptic id map (panopticapi convention)."""
    ids = id_map.astype(np.int64)
    return np.stack([ids % 256, ids // 256 % 256, ids // 65536 % 256], -1).astype(np.uint8)


def segments_info(id_map: np.ndarray, segments: dict[int, tuple[int, int]],
                  with_area: bool = True) -> list[dict]:
    """segments_info for {segment_id: (category_id, iscrowd)}; areas counted from the map."""
    out = []
    for seg_id, (cat, crowd) in segments.items():
        info = {'id': int(seg_id), 'category_id': cat, 'iscrowd': crowd}
        if with_area:
            info['area'] = int((id_map == seg_id).sum())
        out.append(info)
    return out


def write_coco_panoptic(root: str, name: str, images: list[tuple], cats: list[dict]) -> str:
    """Write ``root/name.json`` + ``root/name/*.png``; images = [(image_id, id_map, {seg: (cat, crowd)})]."""
    folder = os.path.join(root, name)
    os.makedirs(folder, exist_ok=True)
    annotations, image_infos = [], []
    for image_id, id_map, segs in images:
        file_name = f'{image_id:06d}.png'
        Image.fromarray(id_to_rgb(id_map)).save(os.path.join(folder, file_name))
        annotations.append({'image_id': image_id, 'file_name': file_name,
                            'segments_info': segments_info(id_map, segs)})
        image_infos.append({'id': image_id, 'file_name': f'{image_id:06d}.jpg',
                            'height': id_map.shape[0], 'width': id_map.shape[1]})
    path = os.path.join(root, f'{name}.json')
    with open(path, 'w') as f:
        json.dump({'images': image_infos, 'annotations': annotations, 'categories': cats}, f)
    return path


def rle(mask: np.ndarray) -> dict:
    """Compressed RLE of a binary mask with a str ``counts`` (JSON-ready)."""
    encoded = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
    encoded['counts'] = encoded['counts'].decode('ascii')
    return encoded


def box_mask(h: int, w: int, y0: int, y1: int, x0: int, x1: int) -> np.ndarray:
    """A boolean (h, w) mask that is True on rows y0:y1 and columns x0:x1."""
    mask = np.zeros((h, w), bool)
    mask[y0:y1, x0:x1] = True
    return mask


def write_vipseg(root: str, videos: dict[str, list[tuple]], cats: list[dict],
                 pred: bool = False) -> str:
    """VIPSeg layout. videos = {name: [(id_map, {seg: (cat, crowd)}), ...]} per frame.

    GT: ``root/panoptic_gt_VIPSeg_val.json`` + ``root/panomasksRGB/<video>/<frame>.png``; returns the JSON.
    Prediction (``pred=True``): ``root/pred.json`` + ``root/pan_pred/<video>/<frame>.png``; returns root.
    """
    png_root = os.path.join(root, 'pan_pred' if pred else 'panomasksRGB')
    video_entries, annotations = [], []
    for video, frames in videos.items():
        os.makedirs(os.path.join(png_root, video), exist_ok=True)
        images, anns = [], []
        for index, (id_map, segs) in enumerate(frames):
            file_name = f'{index:08d}.png'
            Image.fromarray(id_to_rgb(id_map)).save(os.path.join(png_root, video, file_name))
            images.append({'id': f'{index:08d}', 'width': id_map.shape[1], 'height': id_map.shape[0],
                           'file_name': file_name})
            anns.append({'image_id': f'{index:08d}', 'file_name': file_name,
                         'segments_info': segments_info(id_map, segs)})
        video_entries.append({'video_id': video, 'images': images})
        annotations.append({'video_id': video, 'annotations': anns})
    data = {'videos': video_entries, 'annotations': annotations, 'categories': cats}
    path = os.path.join(root, 'pred.json' if pred else 'panoptic_gt_VIPSeg_val.json')
    os.makedirs(root, exist_ok=True)
    with open(path, 'w') as f:
        json.dump(data if not pred else {'annotations': annotations}, f)
    return root if pred else path


def write_ytvis_gt(path: str, videos: list[tuple], tracks: list[tuple], cats: list[dict]) -> str:
    """YT-VIS GT JSON; videos = [(id, h, w, length)], tracks = [(video_id, cat_id, masks, crowd)]."""
    video_infos = [{'id': vid, 'height': h, 'width': w, 'length': n,
                    'file_names': [f'v{vid}/{i:05d}.jpg' for i in range(n)]} for vid, h, w, n in videos]
    anns = []
    for index, (vid, cat, masks, crowd) in enumerate(tracks):
        anns.append({'id': index + 1, 'video_id': vid, 'category_id': cat, 'iscrowd': crowd,
                     'segmentations': [rle(m) if m is not None else None for m in masks],
                     'areas': [int(m.sum()) if m is not None else None for m in masks],
                     'bboxes': [None for _ in masks]})
    with open(path, 'w') as f:
        json.dump({'videos': video_infos, 'annotations': anns, 'categories': cats}, f)
    return path


def write_ytvis_results(path: str, results: list[tuple]) -> str:
    """results.json; results = [(video_id, category_id, score, masks|None list)]."""
    out = [{'video_id': vid, 'category_id': cat, 'score': score,
            'segmentations': [rle(m) if m is not None else None for m in masks]}
           for vid, cat, score, masks in results]
    with open(path, 'w') as f:
        json.dump(out, f)
    return path


def davis_palette() -> list[int]:
    """A 256-colour palette with distinct colours for indices 0..255."""
    palette = []
    for i in range(256):
        palette += [(i * 37) % 256, (i * 91) % 256, (i * 53) % 256]
    return palette


def write_index_png(path: str, index_map: np.ndarray) -> None:
    """Write a palette (indexed) PNG, as DAVIS annotations and results are."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    img = Image.fromarray(index_map.astype(np.uint8), mode='P')
    img.putpalette(davis_palette())
    img.save(path)


def write_davis(root: str, sequences: dict[str, list[np.ndarray]], split: str = 'val') -> str:
    """DAVIS-2017 root: ``Annotations/480p/<seq>/<frame>.png`` + ``ImageSets/2017/<split>.txt``."""
    for seq, frames in sequences.items():
        for index, frame in enumerate(frames):
            write_index_png(os.path.join(root, 'Annotations', '480p', seq, f'{index:05d}.png'), frame)
    os.makedirs(os.path.join(root, 'ImageSets', '2017'), exist_ok=True)
    with open(os.path.join(root, 'ImageSets', '2017', f'{split}.txt'), 'w') as f:
        f.write('\n'.join(sequences) + '\n')
    return root


def write_davis_results(root: str, sequences: dict[str, list[np.ndarray]]) -> str:
    """Result folder ``<root>/<seq>/<frame>.png`` (indexed PNGs)."""
    for seq, frames in sequences.items():
        for index, frame in enumerate(frames):
            write_index_png(os.path.join(root, seq, f'{index:05d}.png'), frame)
    return root


def write_label_pngs(folder: str, maps: dict[str, np.ndarray]) -> str:
    """Folder of single-channel label PNGs {file_name: label map}."""
    os.makedirs(folder, exist_ok=True)
    for name, label in maps.items():
        Image.fromarray(label.astype(np.uint8)).save(os.path.join(folder, name))
    return folder
