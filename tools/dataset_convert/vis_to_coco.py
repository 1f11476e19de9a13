"""Convert official YouTube-VIS annotations to the COCO-video JSON read by ``YouTubeVISDatasetV2``.

``python tools/dataset_convert/vis_to_coco.py -i data/youtube_vis_2019 --version 2019``

Reads ``<root>/{train,valid,test}.json`` (2019) or ``<root>/{split}/instances.json`` (2021) and writes
``<out>/youtube_vis_{version}_{split}.json`` (default ``<root>/annotations``) with ``videos``,
``images`` (one per frame, ids from 1) and, for ``train``, one annotation per (track, frame) that
has a box (frame-major order), with a global ``instance_id`` per track (from 1). Missing splits are skipped.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

SPLITS = ('train', 'valid', 'test')
VERSIONS = ('2019', '2021')


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description='YouTube-VIS official JSON -> COCO-video JSON.')
    parser.add_argument('-i', '--input', help='dataset root (default data/youtube_vis_<version>)')
    parser.add_argument('-o', '--output', help='output folder (default <input>/annotations)')
    parser.add_argument('--version', choices=VERSIONS, required=True, help='dataset year')
    parser.add_argument('--splits', nargs='+', default=list(SPLITS), choices=SPLITS, help='splits to convert')
    return parser.parse_args(argv)


def official_file(root: Path, version: str, split: str) -> Path:
    """Path of the official annotation file of ``split``."""
    return root / f'{split}.json' if version == '2019' else root / split / 'instances.json'


def convert(official: dict, with_annotations: bool, source: str = '<official json>') -> dict:
    """COCO-video dict (``categories``, ``videos``, ``images`` and optionally ``annotations``)."""
    for key in ('videos', 'categories'):
        if not isinstance(official.get(key), list):
            raise ValueError(f'{source}: top-level key {key!r} missing or not a list')
    out = dict(categories=official['categories'], videos=[], images=[])
    image_ids: dict[tuple[int, int], int] = {}
    for index, video in enumerate(official['videos']):
        if not video.get('file_names'):
            raise ValueError(f'{source}: videos[{index}] (id={video.get("id")!r}) has no file_names')
        out['videos'].append(dict(id=video['id'], name=video['file_names'][0].split('/')[0],
                                  width=video['width'], height=video['height']))
        for frame_id, file_name in enumerate(video['file_names']):
            image_ids[(video['id'], frame_id)] = len(out['images']) + 1
            out['images'].append(dict(file_name=file_name, height=video['height'], width=video['width'],
                                      id=len(out['images']) + 1, frame_id=frame_id, video_id=video['id']))
    if with_annotations:
        tracks = official.get('annotations', [])
        check_tracks(tracks, {video['id']: video for video in official['videos']}, source)
        out['annotations'] = convert_tracks(tracks, image_ids, source)
    return out


def check_tracks(tracks: list, videos: dict, source: str) -> None:
    """Each track has one segmentation / box / area per frame of its video, and every mask is valid."""
    from seg.evaluation.functional.rle_checks import find_invalid
    for index, track in enumerate(tracks):
        where = f'{source}: annotations[{index}] (id={track.get("id")!r})'
        video = videos.get(track.get('video_id'))
        if video is None:
            continue  # reported with every unknown id by convert_tracks
        length = len(video['file_names'])
        for key in ('segmentations', 'bboxes', 'areas'):
            values = track.get(key)
            if not isinstance(values, list) or len(values) != length:
                got = f"{len(values)} entries" if isinstance(values, list) else type(values).__name__
                raise ValueError(f'{where}: "{key}" has {got} for video {video["id"]!r} of {length} frames '
                                 '(one per frame, null where absent)')
        segms = track['segmentations']
        invalid = find_invalid(segms, [(video['height'], video['width'])] * length, allow_none=True)
        if invalid:
            raise ValueError(f'{where}: frame {invalid[0]} of video {video["id"]!r}: {invalid[1]}')


def convert_tracks(tracks: list[dict], image_ids: dict[tuple[int, int], int], source: str) -> list[dict]:
    """One annotation per (frame, track) with a box, frame-major; ``instance_id`` numbers tracks from 1."""
    tracks_by_video: dict[int, list[tuple[int, dict]]] = {}
    for instance_id, track in enumerate(tracks, start=1):
        tracks_by_video.setdefault(track['video_id'], []).append((instance_id, track))
    annotations = []
    for (video_id, frame_id), image_id in image_ids.items():
        for instance_id, track in tracks_by_video.get(video_id, []):
            bbox = track['bboxes'][frame_id] if frame_id < len(track['bboxes']) else None
            if bbox is None:
                continue
            annotations.append(dict(
                id=len(annotations) + 1, video_id=video_id, image_id=image_id,
                category_id=track['category_id'], instance_id=instance_id,
                segmentation=track['segmentations'][frame_id], area=track['areas'][frame_id], bbox=bbox,
                iscrowd=track.get('iscrowd', 0)))
    unknown = sorted({t['video_id'] for t in tracks} - {video_id for video_id, _ in image_ids})
    if unknown:
        raise ValueError(f'{source}: annotations refer to unknown video ids {unknown}')
    return annotations


def class_counts(converted: dict) -> Counter:
    """Number of tracks per category name."""
    names = {c['id']: c['name'] for c in converted['categories']}
    tracks = {(a['instance_id'], a['category_id']) for a in converted.get('annotations', [])}
    return Counter(names[category] for _, category in tracks)


def main(argv=None) -> list[Path]:
    """Convert every available split; returns the written files."""
    args = parse_args(argv)
    from seg.utils.atomic import atomic_write_json

    root = Path(args.input or f'data/youtube_vis_{args.version}')
    out_dir = Path(args.output) if args.output else root / 'annotations'
    written = []
    for split in args.splits:
        source = official_file(root, args.version, split)
        if not source.is_file():
            print(f'[vis_to_coco] {split}: {source} not found, skipped')
            continue
        try:
            official = json.loads(source.read_text(encoding='utf-8'))
        except json.JSONDecodeError as err:
            raise ValueError(f'{source}: not valid JSON ({err})') from err
        converted = convert(official, with_annotations=split == 'train', source=str(source))
        target = out_dir / f'youtube_vis_{args.version}_{split}.json'
        atomic_write_json(target, converted)
        written.append(target)
        print(f'[vis_to_coco] {split}: {len(converted["videos"])} videos, {len(converted["images"])} frames, '
              f'{len(converted.get("annotations", []))} annotations -> {target}')
        for name, count in sorted(class_counts(converted).items()):
            print(f'    {name}: {count}')
    if not written:
        print(f'[vis_to_coco] no official annotation file found under {root}', file=sys.stderr)
    return written


def cli() -> int:
    """Exit status of :func:`main`: 0 written, 1 nothing found, 2 malformed input (one-line message)."""
    try:
        return 0 if main() else 1
    except ValueError as err:
        print(f'error: {err}', file=sys.stderr)
        return 2


if __name__ == '__main__':
    sys.exit(cli())
