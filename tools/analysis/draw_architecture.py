"""Draw the OMG-Seg architecture diagram (``figs/architecture.png``) with matplotlib."""
from __future__ import annotations

import argparse

BOXES = {  # name: (x, y, w, h, colour, text)
    'input': (0.2, 4.2, 2.2, 1.2, '#dfe7f2', 'image (3,H,W)\nor clip (T,3,H,W)'),
    'backbone': (3.0, 4.0, 2.6, 1.6, '#c9dcf0', 'frozen CLIP ConvNeXt\n(open_clip)\n4 stage features'),
    'pixel': (6.3, 4.0, 2.8, 1.6, '#cfe8d5', 'pixel decoder\nMSDeformAttn, 6 layers\nmask features 1/4'),
    'queries': (6.3, 1.4, 2.8, 1.7, '#f6e3c8', 'queries\nobject queries (300)\nor point / box prompts'),
    'decoder': (9.7, 2.6, 3.1, 2.0, '#f3d0cf', 'unified query decoder\n9 masked-attention layers\n'
                                             '(prompts never see\neach other)'),
    'masks': (13.3, 4.2, 2.5, 1.1, '#e9e0f3', 'mask logits'),
    'cls': (13.3, 2.6, 2.5, 1.3, '#e9e0f3', 'class logits vs\nCLIP text embeddings'),
    'obj': (13.3, 0.4, 2.5, 1.0, '#e9e0f3', 'objectness'),
    'text': (9.8, 0.1, 2.8, 1.3, '#dfe7f2', 'CLIP text bank\n(tools/gen_cls.py)\nclass list = data'),
    'fusion': (16.5, 2.4, 2.9, 2.2, '#d9ecec',
               'fusion / tracking\npanoptic, instance,\nsemantic, VIS/VPS/VSS,\ninteractive, VOS'),
}
ARROWS = [('input', 'backbone'), ('backbone', 'pixel'), ('pixel', 'decoder'), ('queries', 'decoder'),
          ('decoder', 'masks'), ('decoder', 'cls'), ('decoder', 'obj'), ('text', 'cls'), ('masks', 'fusion'),
          ('cls', 'fusion'), ('obj', 'fusion')]


def _anchor(name: str, side: str) -> tuple[float, float]:
    """Middle of the left/right/top/bottom edge of a box."""
    x, y, w, h = BOXES[name][:4]
    return {'left': (x, y + h / 2), 'right': (x + w, y + h / 2),
            'top': (x + w / 2, y + h), 'bottom': (x + w / 2, y)}[side]


def draw(out: str) -> None:
    """Render the boxes and arrows with matplotlib and save them to ``out``."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    fig, ax = plt.subplots(figsize=(15, 4.8))
    for x, y, w, h, colour, text in BOXES.values():
        ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle='round,pad=0.05', fc=colour, ec='#444444'))
        ax.text(x + w / 2, y + h / 2, text, ha='center', va='center', fontsize=8.5)
    for src, dst in ARROWS:
        start = _anchor(src, 'top' if src == 'text' else 'right')
        end = _anchor(dst, 'bottom' if src == 'text' else 'left')
        ax.annotate('', xy=end, xytext=start, arrowprops=dict(arrowstyle='->', color='#333333'))
    ax.set_xlim(0, 19.6)
    ax.set_ylim(-0.1, 5.8)
    ax.axis('off')
    ax.set_title('OMG-Seg: one frozen-CLIP model for image, video and interactive segmentation', fontsize=11)
    fig.savefig(out, dpi=110, bbox_inches='tight')
    plt.close(fig)


def main(argv=None) -> None:
    """Parse the arguments and draw."""
    parser = argparse.ArgumentParser(description='Draw the OMG-Seg architecture diagram.')
    parser.add_argument('--out', default='figs/architecture.png', help='output image path')
    draw(parser.parse_args(argv).out)


if __name__ == '__main__':
    main()
