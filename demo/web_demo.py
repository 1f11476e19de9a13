"""Web demo (gradio): ``python demo/web_demo.py [--config ... --checkpoint ...] [--port 7860]``.

Image tab: upload an image, choose panoptic / instance / semantic, type any class names (open vocabulary),
click (or click two box corners) to segment an object with its label. Video tab: upload a short video or
its frames, VPS / VIS with tracking, click an object on the first frame to track it. Defaults to the toy
model (``work_dirs/toy/iter_600.pth`` of the quick start; without it an untrained model and a banner).
Nothing is sent anywhere: gradio's analytics are off and the server listens on ``--host`` only.
"""

import argparse
import copy
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault('GRADIO_ANALYTICS_ENABLED', 'False')  # before gradio is imported
os.environ.setdefault('HF_HUB_DISABLE_TELEMETRY', '1')
DEMO_DIR = Path(__file__).resolve().parent
for _path in (DEMO_DIR.parent, DEMO_DIR):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import numpy as np  # noqa: E402
from web_session import (  # noqa: E402
    IMAGE_TASKS,
    PROMPT_MODES,
    TOY_CHECKPOINT,
    UNTRAINED_BANNER,
    VIDEO_TASKS,
    DemoSession,
    Prompts,
    build_session,
    track_objects,
)

# Height of the shown pictures. Gradio shows smaller pictures at their own size (object-fit: scale-down) and
# maps clicks to pixels assuming that, so the toy images stay small; photos fill the frame.
IMAGE_HEIGHT = 400


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options (model options as in the other demos)."""
    from seg.apis.cli import DEFAULT_CONFIG, add_model_arguments
    parser = argparse.ArgumentParser(description='OMG-Seg web demo (gradio), on 127.0.0.1 by default.')
    parser.add_argument('--host', default='127.0.0.1', help='address to listen on (0.0.0.0: the network)')
    parser.add_argument('--port', type=int, default=7860)
    parser.add_argument('--max-frames', type=int, default=16, help='video: frames read from an upload')
    add_model_arguments(parser)
    args = parser.parse_args(argv)
    default_model = not args.checkpoint and not args.pretrained and args.config == DEFAULT_CONFIG
    if default_model and TOY_CHECKPOINT.is_file():
        args.checkpoint = str(TOY_CHECKPOINT)
    return args


# ---------------------------------------------------------------------------------------------- drawing
def summary(result: dict, what: str = 'segments') -> str:
    """Markdown line: ``3 segments: cat (0.57), sky (0.91), ...``."""
    names, scores = result['class_names'], result.get('scores')
    parts = [name if scores is None else f'{name} ({float(score):.2f})' for name, score in
             zip(names, scores if scores is not None else names)]
    return f'{len(names)} {what}' + (': ' + ', '.join(parts[:20]) if parts else '')


def draw(session: DemoSession, image: np.ndarray, result: dict, kind: str, score_thr: float = 0.0):
    """Overlay of one result in the current class names."""
    from seg.apis.visualize import draw_result
    return draw_result(image, result, kind, session.image.class_names, score_thr)


def draw_with_prompts(session: DemoSession, image: np.ndarray, result: dict | None, prompts: Prompts):
    """Prompt masks (if any) with the clicks (+ / -), boxes and a pending box corner drawn on top."""
    from seg.visualization import draw_prompts
    canvas = draw(session, image, result, 'prompt') if result is not None else image
    points = prompts.points + ([prompts.corner] if prompts.corner else [])
    labels = prompts.labels + ([1] if prompts.corner else [])
    return draw_prompts(canvas, points, labels, prompts.boxes)


# ---------------------------------------------------------------------------------------------- handlers
def make_image_handlers(session: DemoSession):
    """Callbacks of the image tab."""

    def segment(image, task, things, stuff, score_thr):
        if image is None:
            return None, 'Upload an image first.', Prompts()
        with session.lock:
            session.set_classes(things, stuff)
            session.set_image(image)
            result = session.predict(task, score_thr)
            overlay = draw(session, image, result, task, score_thr)
        return overlay, f'**{task}**: {summary(result)}', Prompts()

    def click(image, prompts, mode, things, stuff, evt=None):
        if image is None or evt is None:
            return None, 'Upload an image first, then click on an object.', prompts
        prompts = copy.deepcopy(prompts)
        x, y = (float(v) for v in evt.index[:2])
        prompts.add_click(x, y, mode)
        if prompts.empty:
            wait = 'Click the second corner of the box.' if prompts.corner else \
                'A negative click alone selects nothing: add a positive click or a box.'
            return draw_with_prompts(session, image, None, prompts), wait, prompts
        if not session.has_prompts and prompts.boxes:
            return (draw_with_prompts(session, image, None, prompts),
                    'Boxes need a model with prompt queries (`model.panoptic_head.enable_box_query=True`).',
                    prompts)
        with session.lock:
            session.set_classes(things, stuff)
            session.set_image(image)
            try:
                result = session.objects(prompts)
            except ValueError as error:  # prompts this model cannot use: say so, keep every click drawn
                return (draw_with_prompts(session, image, None, prompts),
                        f'**The model cannot use these prompts:** {error}. "Clear clicks" starts over.',
                        prompts)
            overlay = draw_with_prompts(session, image, result, prompts)
        how = 'prompt queries' if session.has_prompts else \
            'the panoptic segment under each positive click; negative clicks need prompt queries'
        return overlay, f'**objects** at ({x:.0f}, {y:.0f}) ({how}): {summary(result, "masks")}', prompts

    return segment, click


def load_frames(video_file, frame_files, max_frames: int) -> list[np.ndarray]:
    """RGB frames of an uploaded video file or of uploaded frame images (sorted by name), at most
    ``max_frames``."""
    from seg.apis.pipeline import to_bgr_array
    from seg.apis.video_predictor import video_frames
    if frame_files:
        paths = sorted((getattr(f, 'name', f) for f in frame_files), key=lambda p: Path(p).name)
        frames = paths[:max_frames]
    elif video_file:
        frames = []
        for frame in video_frames(video_file):
            frames.append(frame)
            if len(frames) >= max_frames:
                break
    else:
        return []
    return [np.ascontiguousarray(to_bgr_array(frame)[..., ::-1]) for frame in frames]


def write_animation(overlays: list[np.ndarray]) -> str:
    """The overlays as a GIF in a fresh temporary folder (gradio serves it for download)."""
    from seg.visualization import write_gif
    return str(write_gif(Path(tempfile.mkdtemp(prefix='omg_web_')) / 'segmentation.gif', overlays))


def make_video_handlers(session: DemoSession, max_frames: int):
    """Callbacks of the video tab; the state is ``dict(frames=[RGB], masks=[first-frame masks], prompts)``."""

    def load(video_file, frame_files):
        frames = load_frames(video_file, frame_files, max_frames)
        state = dict(frames=frames, masks=[], prompts=Prompts())
        if not frames:
            return None, state, 'Upload a short video or its frames.'
        return frames[0], state, f'{len(frames)} frames loaded: segment them, or click an object to track it.'

    def segment(state, task_name, things, stuff, score_thr):
        frames = state['frames']
        if not frames:
            return [], None, 'Upload a short video or its frames first.'
        task = VIDEO_TASKS[task_name]
        with session.lock:
            session.set_classes(things, stuff)
            results = session.video.propagate(session.video.init_state(frames), task, score_thr=score_thr)
            overlays = [draw(session, frame, result, task, score_thr)
                        for frame, result in zip(frames, results)]
        tracks = {int(t) for r in results for t in r.get('track_ids', [])} or {
            info['instance_id'] for r in results for info in r.get('segments_info', []) if info['isthing']}
        return overlays, write_animation(overlays), (f'**{task_name}**: {len(frames)} frames, '
                                                     f'{len(tracks)} tracked objects')

    def click(state, evt=None):
        frames = state['frames']
        if not frames or evt is None:
            return None, [], None, state, 'Upload a video first, then click an object on its first frame.'
        x, y = (float(v) for v in evt.index[:2])
        with session.lock:
            session.set_image(frames[0])
            single = Prompts()
            single.add_click(x, y, 'point')
            found = session.objects(single)
            if not len(found['masks']) or not found['masks'][0].any():
                return frames[0], [], None, state, f'No object at ({x:.0f}, {y:.0f}): click elsewhere.'
            state = dict(state, masks=state['masks'] + [found['masks'][0]])
            state['prompts'] = copy.deepcopy(state['prompts'])
            state['prompts'].add_click(x, y, 'new object')
            results = track_objects(session.video, session.video.init_state(frames), np.stack(state['masks']))
            overlays = [draw(session, frame, result, 'vos') for frame, result in zip(frames, results)]
        first = draw_with_prompts(session, overlays[0], None, state['prompts'])
        return first, overlays, write_animation(overlays), state, (
            f'tracking {len(state["masks"])} object(s) through {len(frames)} frames')

    def clear(state):
        state = dict(state, masks=[], prompts=Prompts())
        return (state['frames'][0] if state['frames'] else None), [], None, state, 'Objects cleared.'

    return load, segment, click, clear


# ---------------------------------------------------------------------------------------------- layout
def image_tab(gr, session: DemoSession) -> None:
    """Upload, task, classes, prompts; the overlay and a summary line."""
    segment, click = make_image_handlers(session)
    with gr.Row():
        with gr.Column():
            image = gr.Image(type='numpy', sources=['upload'], label='image (click an object to segment it)',
                             height=IMAGE_HEIGHT, elem_id='image-input')
            task = gr.Radio(list(IMAGE_TASKS), value='panoptic', label='task')
            things = gr.Textbox(label='thing classes (open vocabulary; empty: the model\'s)',
                                placeholder='cat; dog; person', elem_id='image-things')
            stuff = gr.Textbox(label='stuff classes', placeholder='sky; grass', elem_id='image-stuff')
            score_thr = gr.Slider(0, 1, value=0.3, step=0.05, label='instance score threshold')
            mode = gr.Radio(list(PROMPT_MODES), value='point',
                            label='click mode (point / negative point: the current object; box: two corners)')
            with gr.Row():
                run = gr.Button('Segment', variant='primary', elem_id='image-run')
                clear = gr.Button('Clear clicks', elem_id='image-clear')
        with gr.Column():
            output = gr.Image(label='result', interactive=False, format='png', height=IMAGE_HEIGHT,
                              elem_id='image-output')
            info = gr.Markdown(elem_id='image-info')
    prompts = gr.State(Prompts())
    inputs = [image, task, things, stuff, score_thr]
    image.upload(segment, inputs, [output, info, prompts])
    run.click(segment, inputs, [output, info, prompts])
    clear.click(segment, inputs, [output, info, prompts])

    def on_click(image_value, prompt_state, mode_value, things_value, stuff_value, evt: gr.SelectData):
        return click(image_value, prompt_state, mode_value, things_value, stuff_value, evt)
    image.select(on_click, [image, prompts, mode, things, stuff], [output, info, prompts])


def video_tab(gr, session: DemoSession, max_frames: int) -> None:
    """Upload a video or frames; VPS / VIS; click the first frame to track objects."""
    load, segment, click, clear = make_video_handlers(session, max_frames)
    state = gr.State(dict(frames=[], masks=[], prompts=Prompts()))
    with gr.Row():
        with gr.Column():
            video = gr.Video(sources=['upload'], label='short video', elem_id='video-input')
            frames = gr.File(file_count='multiple', file_types=['image'], label='... or its frames',
                             elem_id='frames-input')
            task = gr.Radio(list(VIDEO_TASKS), value=next(iter(VIDEO_TASKS)), label='task')
            things = gr.Textbox(label='thing classes (empty: the model\'s)', elem_id='video-things')
            stuff = gr.Textbox(label='stuff classes', elem_id='video-stuff')
            score_thr = gr.Slider(0, 1, value=0.3, step=0.05, label='instance score threshold')
            with gr.Row():
                run = gr.Button('Segment video', variant='primary', elem_id='video-run')
                reset = gr.Button('Clear tracked objects', elem_id='video-clear')
        with gr.Column():
            first = gr.Image(label='first frame: click an object to track it', interactive=False,
                             format='png', height=IMAGE_HEIGHT, elem_id='video-first-frame')
            info = gr.Markdown(elem_id='video-info')
            gallery = gr.Gallery(label='frames', columns=4, format='png', elem_id='video-output')
            animation = gr.File(label='animation (GIF)', elem_id='video-gif')
    video.change(load, [video, frames], [first, state, info])
    frames.change(load, [video, frames], [first, state, info])
    run.click(segment, [state, task, things, stuff, score_thr], [gallery, animation, info])
    reset.click(clear, [state], [first, gallery, animation, state, info])

    def on_click(state_value, evt: gr.SelectData):
        return click(state_value, evt)
    first.select(on_click, [state], [first, gallery, animation, state, info])


def build_app(session: DemoSession, max_frames: int = 16, description: str = ''):
    """The gradio Blocks of the demo (not launched)."""
    import gradio as gr
    with gr.Blocks(title='OMG-Seg demo', analytics_enabled=False) as app:
        gr.Markdown('# OMG-Seg: one model for image, video, open-vocabulary and interactive segmentation\n'
                    + description)
        if not session.trained:
            gr.Markdown(UNTRAINED_BANNER, elem_id='untrained-banner')
        with gr.Tab('Image', elem_id='tab-image'):
            image_tab(gr, session)
        with gr.Tab('Video', elem_id='tab-video'):
            video_tab(gr, session, max_frames)
    return app


def describe(args: argparse.Namespace, session: DemoSession) -> str:
    """One line naming the model the demo runs."""
    source = args.pretrained or f'`{Path(args.config).name}` + `{args.checkpoint or "no checkpoint"}`'
    prompts = ('point / box prompt queries' if session.has_prompts
               else 'no prompt queries (clicks pick segments)')
    return f'Model: {source}; {prompts}; device {session.image.device}.'


def main(argv=None) -> None:
    """Build the model and serve the demo until interrupted."""
    args = parse_args(argv)
    session = build_session(args)
    app = build_app(session, args.max_frames, describe(args, session))
    print(f'[web_demo] serving on http://{args.host}:{args.port}', flush=True)
    app.queue().launch(server_name=args.host, server_port=args.port, share=False, ssr_mode=False,
                       show_error=True, quiet=True, footer_links=[])


if __name__ == '__main__':
    main()
