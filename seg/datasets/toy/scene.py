"""Random toy scenes: textured thing kinds moving smoothly over stuff bands, and their rendering.

A :class:`Scene` is sampled once per image or video from a seeded ``numpy`` generator; rendering
frame ``t`` gives the RGB image and a panoptic ground truth (a segment-index map plus the list of
:class:`Segment` records). Stuff is a stack of horizontal bands with wavy borders (a 2-px void
line separates two bands); things are drawn in list order (later ones occlude earlier ones) and
move with a constant velocity. Dataset writers map the generic kinds to their real class names.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .shapes import THING_ASPECTS, THING_SHAPES, Box
from .textures import STUFF_TEXTURES, THING_TEXTURES

THING_KINDS: tuple[str, ...] = tuple(THING_SHAPES)
STUFF_KINDS: tuple[str, ...] = ('sky', 'wall', 'grass', 'road')  # top-to-bottom order in a scene
VOID = -1  # segment-map value of void pixels


@dataclass(frozen=True)
class ObjectTrack:
    """One thing moving with constant velocity; visible (unless occluded) in frames [first, last]."""

    kind: str
    cx: float
    cy: float
    w: float
    h: float
    vx: float = 0.0
    vy: float = 0.0
    first_frame: int = 0
    last_frame: int = 0
    crowd: bool = False

    def box(self, t: int) -> Box:
        """The (cx, cy, w, h) box at frame ``t``."""
        return (self.cx + self.vx * t, self.cy + self.vy * t, self.w, self.h)

    def alive(self, t: int) -> bool:
        """Whether frame ``t`` lies inside the track's lifetime."""
        return self.first_frame <= t <= self.last_frame


@dataclass(frozen=True)
class StuffBand:
    """A horizontal stuff band; its upper border is ``top + amplitude * sin(2 pi x / period + phase)``."""

    kind: str
    top: float
    amplitude: float = 0.0
    period: float = 1.0
    phase: float = 0.0

    def border(self, xx: np.ndarray) -> np.ndarray:
        """The y coordinate of the upper border at every x of ``xx``."""
        return self.top + self.amplitude * np.sin(2 * np.pi * xx / self.period + self.phase)


@dataclass(frozen=True)
class Scene:
    """Everything needed to render every frame of one toy image or video deterministically."""

    height: int
    width: int
    num_frames: int
    bands: tuple[StuffBand, ...]
    objects: tuple[ObjectTrack, ...]
    noise_seed: int


@dataclass(frozen=True)
class Segment:
    """One panoptic segment of a rendered frame: a stuff band or one (possibly crowd) thing."""

    kind: str
    is_thing: bool
    track: int = -1  # index into Scene.objects for things, -1 for stuff
    crowd: bool = False


@dataclass
class Frame:
    """A rendered frame: RGB image (H, W, 3) uint8 and its panoptic ground truth."""

    image: np.ndarray
    segment_map: np.ndarray  # (H, W) int32: index into ``segments``, VOID (-1) for void pixels
    segments: list[Segment] = field(default_factory=list)

    def mask(self, index: int) -> np.ndarray:
        """Boolean (H, W) mask of segment ``index``."""
        return self.segment_map == index

    def track_index(self, track: int) -> int | None:
        """Index in ``segments`` of the thing of track ``track``, or None where it is not visible."""
        for i, seg in enumerate(self.segments):
            if seg.is_thing and seg.track == track:
                return i
        return None


def sample_bands(rng: np.random.Generator, height: int, width: int,
                 stuff_kinds: tuple[str, ...]) -> tuple[StuffBand, ...]:
    """2-4 stuff bands (kinds in STUFF_KINDS order) with random wavy borders."""
    kinds = [k for k in STUFF_KINDS if k in stuff_kinds]
    count = int(rng.integers(2, min(4, len(kinds)) + 1)) if len(kinds) >= 2 else len(kinds)
    chosen = sorted(rng.choice(len(kinds), size=count, replace=False).tolist())
    tops = np.sort(rng.uniform(0.2, 0.8, size=count - 1)) * height
    bands = [StuffBand(kinds[chosen[0]], top=-np.inf)]
    for i, top in zip(chosen[1:], tops):
        bands.append(StuffBand(kinds[i], top=float(top), amplitude=float(rng.uniform(2, 0.06 * height)),
                               period=float(rng.uniform(0.4, 1.2) * width),
                               phase=float(rng.uniform(0, 2 * np.pi))))
    return tuple(bands)


def sample_object(rng: np.random.Generator, height: int, width: int, kind: str, num_frames: int,
                  inside: bool) -> ObjectTrack:
    """One object of ``kind``; ``inside`` keeps its frame-0 box fully inside the image."""
    short = min(height, width)
    aspect = THING_ASPECTS[kind] * float(rng.uniform(0.85, 1.15))
    h = float(rng.uniform(0.25, 0.5)) * short
    w = min(h * aspect, 0.7 * width)
    h = min(h, 0.8 * height)
    margin_x, margin_y = (w / 2, h / 2) if inside else (0.1 * width, 0.1 * height)
    cx = float(rng.uniform(margin_x, width - margin_x))
    cy = float(rng.uniform(max(margin_y, 0.3 * height), height - margin_y))
    speed = 0.03 * short * float(rng.uniform(0.5, 1.0)) if num_frames > 1 else 0.0
    angle = float(rng.uniform(-0.4, 0.4)) + (np.pi if cx > width / 2 else 0.0)  # mostly inwards
    return ObjectTrack(kind, cx, cy, w, h, vx=speed * np.cos(angle), vy=speed * np.sin(angle),
                       first_frame=0, last_frame=num_frames - 1)


def sample_scene(rng: np.random.Generator, *, height: int, width: int, thing_kinds: tuple[str, ...],
                 stuff_kinds: tuple[str, ...] = STUFF_KINDS, num_frames: int = 1,
                 num_objects: tuple[int, int] = (1, 4), crowd: bool = False,
                 late_and_early: bool = False) -> Scene:
    """Sample a scene; the last-drawn object is fully inside frame 0 so at least one thing shows.

    ``crowd`` adds one crowd group (a cluster of small copies forming one segment);
    ``late_and_early`` makes one object enter at mid-video and another leave at mid-video.
    """
    n = int(rng.integers(num_objects[0], num_objects[1] + 1))
    kinds = [str(k) for k in rng.choice(thing_kinds, size=n)]
    objects = [sample_object(rng, height, width, k, num_frames, inside=(i == n - 1))
               for i, k in enumerate(kinds)]
    if crowd:
        kind = str(rng.choice(thing_kinds))
        group = sample_object(rng, height, width, kind, num_frames, inside=True)
        objects.insert(0, replace(group, crowd=True))
    if late_and_early and num_frames >= 4:
        mid = num_frames // 2
        late = sample_object(rng, height, width, str(rng.choice(thing_kinds)), num_frames, inside=True)
        early = sample_object(rng, height, width, str(rng.choice(thing_kinds)), num_frames, inside=True)
        objects.append(replace(late, first_frame=mid))
        objects.insert(0, replace(early, last_frame=mid - 1))
    bands = sample_bands(rng, height, width, stuff_kinds)
    return Scene(height, width, num_frames, bands, tuple(objects), int(rng.integers(0, 2 ** 31)))


def object_mask(obj: ObjectTrack, t: int, xx: np.ndarray, yy: np.ndarray) -> np.ndarray:
    """The object's silhouette at frame ``t`` (a crowd is a cluster of small copies)."""
    cx, cy, w, h = obj.box(t)
    shape = THING_SHAPES[obj.kind]
    if not obj.crowd:
        return shape(xx, yy, (cx, cy, w, h))
    mask = np.zeros(xx.shape, dtype=bool)
    for dx, dy in ((-0.3, 0.1), (0.0, -0.15), (0.3, 0.12)):
        mask |= shape(xx, yy, (cx + dx * w, cy + dy * h, 0.42 * w, 0.42 * h))
    return mask


def paint_stuff(scene: Scene, xx: np.ndarray, yy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Image (H, W, 3) float, band index map (H, W) and void mask of the stuff layer."""
    band_index = np.zeros(xx.shape, dtype=np.int32)
    void = np.zeros(xx.shape, dtype=bool)
    for b, band in enumerate(scene.bands[1:], start=1):
        border = band.border(xx)
        band_index[yy >= border] = b
        void |= np.abs(yy - border) < 1.0
    image = np.zeros((*xx.shape, 3), dtype=np.float32)
    for b, band in enumerate(scene.bands):
        m = band_index == b
        image[m] = STUFF_TEXTURES[band.kind](xx[m], yy[m])
    return image, band_index, void


def render_frame(scene: Scene, t: int) -> Frame:
    """Render frame ``t`` of ``scene``: image plus panoptic ground truth (zero-area segments dropped)."""
    yy, xx = np.mgrid[0:scene.height, 0:scene.width].astype(np.float32) + 0.5
    image, raw_map, void = paint_stuff(scene, xx, yy)
    candidates = [Segment(band.kind, is_thing=False) for band in scene.bands]
    raw_map[void] = VOID
    for k, obj in enumerate(scene.objects):
        if not obj.alive(t):
            continue
        m = object_mask(obj, t, xx, yy)
        cx, cy, w, h = obj.box(t)
        image[m] = THING_TEXTURES[obj.kind](xx[m] - (cx - w / 2), yy[m] - (cy - h / 2))
        raw_map[m] = len(candidates)
        candidates.append(Segment(obj.kind, is_thing=True, track=k, crowd=obj.crowd))
    noise_rng = np.random.default_rng([scene.noise_seed, t])
    image += noise_rng.normal(0.0, 5.0, size=image.shape).astype(np.float32)
    return compact_frame(np.clip(image + 0.5, 0, 255).astype(np.uint8), raw_map, candidates)


def compact_frame(image: np.ndarray, raw_map: np.ndarray, candidates: list[Segment]) -> Frame:
    """Drop candidate segments without pixels and renumber the map to the kept ones."""
    present = np.unique(raw_map[raw_map != VOID])
    lut = np.full(len(candidates) + 1, VOID, dtype=np.int32)  # last slot serves VOID (-1)
    lut[present] = np.arange(len(present), dtype=np.int32)
    segments = [candidates[i] for i in present.tolist()]
    return Frame(image=image, segment_map=lut[raw_map], segments=segments)


def render_video(scene: Scene) -> list[Frame]:
    """Render every frame of ``scene``."""
    return [render_frame(scene, t) for t in range(scene.num_frames)]


def has_visible_thing(frame: Frame) -> bool:
    """Whether the frame shows at least one non-crowd thing (the COCO-style 'keep' criterion)."""
    return any(seg.is_thing and not seg.crowd for seg in frame.segments)
