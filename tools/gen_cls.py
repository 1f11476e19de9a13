"""Build the CLIP text-embedding bank of a config's vocabulary: ``python tools/gen_cls.py CONFIG``.

Writes ``{out_dir}/{clip_model_name}_{dataset_name}.pth`` (float32 (N_cls, K_max, D), unit vectors)
plus a ``.json`` sidecar recording the vocabulary and templates. See EMB.md.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from mmengine.config import DictAction

DEFAULT_OUT_DIR = 'data/embeddings'


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description='Generate the CLIP text-embedding classifier bank.')
    parser.add_argument('config', help='config whose vocabulary (CLASSES or train dataset) is encoded')
    parser.add_argument('--out-dir', help='output folder (default: cfg.embeddings_dir or data/embeddings)')
    parser.add_argument('--classes', help='own vocabulary: a .json list / {"thing_classes","stuff_classes"}, '
                        'a .txt file with one class per line, or an ext/class_names list name '
                        '(suffix :things for its thing classes only)')
    parser.add_argument('--name', help='dataset part of the output name (default: from the config)')
    parser.add_argument('--num-things', type=int, help='how many of the classes (the first ones) are things; '
                        'recorded in the bank sidecar (default: from the config or the class file)')
    parser.add_argument('--batch-size', type=int, default=256, help='prompts per text-tower call')
    parser.add_argument('--device', default='cpu', help='device of the text tower, e.g. cpu or cuda:0')
    parser.add_argument('--seed', type=int, default=0,
                        help='seed for a randomly initialised text tower (toy models): same bank every run')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='override config settings')
    return parser.parse_args(argv)


def read_class_list(spec: str) -> tuple[list[str], int | None]:
    """(class names, number of thing classes or None when unknown) from a .json/.txt file or an
    ``ext/class_names`` list name. A .json {"thing_classes", "stuff_classes"} and a list name give the split;
    a .txt file or a .json list is things only unless --num-things says otherwise."""
    path = Path(spec)
    num_things = None
    if path.suffix == '.json' and path.is_file():
        content = json.loads(path.read_text(encoding='utf-8'))
        if isinstance(content, dict):
            num_things = len(content.get('thing_classes', []))
            content = list(content.get('thing_classes', [])) + list(content.get('stuff_classes', []))
    elif path.is_file():
        content = [line.strip() for line in path.read_text(encoding='utf-8').splitlines() if line.strip()]
    else:  # '<list name>' or '<list name>:things' from ext/class_names
        from seg.datasets.class_names import load_class_names
        list_name, _, part = spec.partition(':')
        names = load_class_names(list_name)
        content = list(names.thing_classes if part == 'things' else names.classes)
        num_things = len(names.thing_classes)
    names = [c for c in content if isinstance(c, str) and c.strip()]
    if not names or len(names) != len(content):
        raise ValueError(f'{spec}: expected a non-empty list of class-name strings')
    return names, num_things


def config_num_things(cfg) -> int | None:
    """Thing-class count of the config's head (``model.panoptic_head.num_things_classes``), if set."""
    value = cfg.model.get('panoptic_head', {}).get('num_things_classes')
    return int(value) if value is not None else None


def clip_model_name(cfg, backbone) -> str:
    """open_clip model name of the backbone (``cfg.model.backbone.model_name``)."""
    name = getattr(backbone, 'model_name', None) or cfg.model.backbone.get('model_name')
    if not name:
        raise KeyError('cfg.model.backbone has no model_name (the open_clip model of the text tower)')
    return name


def main(argv=None) -> Path:
    """Encode the vocabulary of the config and write the bank; returns its path."""
    args = parse_args(argv)
    import torch
    from mmdet.registry import MODELS
    from mmengine.registry import init_default_scope

    import seg  # noqa: F401  (registers our modules)
    from seg.models.text_embeddings import VILD_TEMPLATES, bank_path, build_text_bank, save_text_bank
    from seg.models.text_embeddings.vocabulary_check import config_vocabulary
    from seg.utils.config_utils import load_config

    cfg = load_config(args.config, args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmdet'))
    if args.classes:
        classes, num_things = read_class_list(args.classes)
        name = args.name or Path(args.classes.partition(':')[0]).stem
    else:
        (classes, name), num_things = config_vocabulary(cfg), config_num_things(cfg)
        name = args.name or name
    num_things = args.num_things if args.num_things is not None else num_things
    if num_things is not None and not 0 <= num_things <= len(classes):
        raise SystemExit(f'error: --num-things {num_things} outside [0, {len(classes)}]')
    torch.manual_seed(args.seed)  # pretrained towers ignore it; random (toy) towers become reproducible
    backbone = MODELS.build(cfg.model.backbone).to(args.device).eval()
    if not hasattr(backbone, 'encode_text'):
        raise TypeError(f'{type(backbone).__name__} has no encode_text(texts) -> Tensor (n, D)')
    model_name = clip_model_name(cfg, backbone)
    out_dir = args.out_dir or cfg.get('embeddings_dir') or DEFAULT_OUT_DIR
    path = bank_path(out_dir, f'{model_name}_{name}')
    print(f'[gen_cls] {len(classes)} classes, {len(VILD_TEMPLATES)} templates, model {model_name} -> {path}')
    with torch.no_grad():
        bank = build_text_bank(classes, backbone.encode_text, VILD_TEMPLATES, batch_size=args.batch_size,
                               progress=True)
    save_text_bank(bank, path, metadata=dict(model_name=model_name, dataset_name=name, config=args.config,
                                             class_names=classes, num_things=num_things,
                                             templates=list(VILD_TEMPLATES)))
    print(f'[gen_cls] saved {tuple(bank.shape)} to {path}')
    return path


if __name__ == '__main__':
    main()
