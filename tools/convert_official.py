"""Turn a released OMG-Seg checkpoint + a config into a folder ``from_pretrained`` loads.

    python tools/convert_official.py models/omg_seg_convl.pth \\
        seg/configs/m2ov_val/eval_m2_convl_300q_ov_coco.py models/omg_seg_convl_coco

The released checkpoints are head-only (the ``panoptic_head.*`` keys of official_state_dict.tsv; the
frozen CLIP backbone comes from open_clip's weights). The keys are checked strictly against the config's
model (built on the meta device: no weights, no download), then the folder gets ``config.py``,
``model.safetensors`` and ``embeddings/`` (the config's text bank and its class names, from
``tools/gen_cls.py CONFIG``) plus ``vocabulary.json``. Load it with
``ImagePredictor.from_pretrained(folder)``, or upload the folder to a Hugging Face Hub repo and use its id.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

HEAD_PREFIX = 'panoptic_head.'
# Build the model for checking without CLIP weights and without a text bank on disk.
META_OPTIONS = {'model.backbone.pretrained': None, 'model.panoptic_head.classifier.bank_name': None,
                'model.panoptic_head.classifier.placeholder_bank': True}


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options."""
    from mmengine.config import DictAction
    parser = argparse.ArgumentParser(description='Released OMG-Seg checkpoint + config -> pretrained folder')
    parser.add_argument('checkpoint', help='released head-only .pth (or an mmengine checkpoint)')
    parser.add_argument('config', help='the config the weights are used with (e.g. an m2ov_val config)')
    parser.add_argument('out_dir', help='folder to write (config.py, model.safetensors, embeddings/)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='override config settings')
    parser.add_argument('--embeddings-dir', help='where the config\'s text bank is (default: the config\'s '
                        'classifier.embeddings_dir, data/embeddings)')
    parser.add_argument('--keep-backbone', action='store_true',
                        help='keep backbone.* tensors if the checkpoint has them (default: head only)')
    return parser.parse_args(argv)


def filter_official(state: dict, keep_backbone: bool = False) -> tuple[dict, list[str]]:
    """(kept, dropped keys): ``panoptic_head.*`` tensors (and ``backbone.*`` with ``keep_backbone``),
    made contiguous CPU tensors; ``module.`` prefixes are already gone (``read_state_dict``)."""
    prefixes = (HEAD_PREFIX, 'backbone.') if keep_backbone else (HEAD_PREFIX,)
    kept = {k: v.detach().cpu().contiguous() for k, v in state.items() if k.startswith(prefixes)}
    if not any(k.startswith(HEAD_PREFIX) for k in kept):
        raise ValueError(f'no {HEAD_PREFIX}* tensors in the checkpoint: not an OMG-Seg checkpoint '
                         f'(first keys: {sorted(state)[:5]})')
    return kept, sorted(set(state) - set(kept))


def check_keys(cfg, state: dict, source: str):
    """Strict key / shape check of ``state`` against the config's model (meta device); the report."""
    import torch
    from mmdet.registry import MODELS
    from mmengine.registry import init_default_scope

    import seg  # noqa: F401  (registers the modules)
    from seg.apis.loading import load_config
    from seg.models.utils.checkpoint import (
        CheckpointMismatchError,
        compare_state_dicts,
        declared_unused_tensors,
    )
    meta_cfg = load_config(cfg, META_OPTIONS)  # a copy
    init_default_scope(meta_cfg.get('default_scope', 'mmdet'))
    with torch.device('meta'):
        model = MODELS.build(meta_cfg.model)
    report = compare_state_dicts(model.state_dict(), state, ('backbone.',), declared_unused_tensors(model))
    if report:
        raise CheckpointMismatchError(f'{source} does not match the model of {cfg.filename}: '
                                      f'{report.describe()}')
    return report


def find_bank(cfg, embeddings_dir: str | None) -> tuple[Path, Path] | None:
    """(bank file, class-name sidecar) of the config's text bank, if present."""
    from seg.models.text_embeddings import bank_path
    classifier = cfg.model.get('panoptic_head', {}).get('classifier', {})
    name = classifier.get('bank_name')
    if not name:
        return None
    bank = bank_path(embeddings_dir or classifier.get('embeddings_dir', 'data/embeddings'), name)
    return (bank, bank.with_suffix('.json')) if bank.is_file() else None


def write_folder(out_dir: Path, cfg, state: dict, bank: tuple[Path, Path] | None) -> list[Path]:
    """Write config.py, model.safetensors, embeddings/ and vocabulary.json atomically; the files."""
    from safetensors.torch import save

    from seg.apis.loading import CONFIG_FILE, EMBEDDINGS_SUBDIR, SAFETENSORS_FILE
    from seg.utils.atomic import atomic_write_bytes, atomic_write_text
    out_dir.mkdir(parents=True, exist_ok=True)
    classifier = cfg.model.get('panoptic_head', {}).get('classifier', {})
    classifier.pop('embeddings_dir', None)  # the folder's embeddings/ is used (pretrained_config)
    written = [out_dir / CONFIG_FILE, out_dir / SAFETENSORS_FILE]
    atomic_write_text(written[0], cfg.pretty_text)
    atomic_write_bytes(written[1], save(state, metadata={'format': 'pt', 'source': 'OMG-Seg official'}))
    if bank is not None:
        target = out_dir / EMBEDDINGS_SUBDIR
        target.mkdir(exist_ok=True)
        for path in bank:
            if path.is_file():
                shutil.copyfile(path, target / path.name)
                written.append(target / path.name)
        if bank[1].is_file():
            names = json.loads(bank[1].read_text(encoding='utf-8')).get('class_names')
            written.append(out_dir / 'vocabulary.json')
            atomic_write_text(written[-1], json.dumps(dict(class_names=names), indent=1))
    return written


def main(argv=None) -> Path:
    """Convert; returns the folder written."""
    args = parse_args(argv)
    from seg.apis.loading import load_config
    from seg.models.utils.checkpoint import read_state_dict
    cfg = load_config(args.config, args.cfg_options)
    state, dropped = filter_official(read_state_dict(args.checkpoint), args.keep_backbone)
    report = check_keys(cfg, state, args.checkpoint)
    bank = find_bank(cfg, args.embeddings_dir)
    written = write_folder(Path(args.out_dir), cfg, state, bank)
    print(f'[convert_official] {len(state)} tensors from {args.checkpoint} match {args.config}'
          + (f' ({len(dropped)} non-head tensors dropped)' if dropped else '')
          + (f'; {report.unused_line(args.checkpoint)}' if report.unused else ''))
    if bank is None:
        print(f'[convert_official] WARNING: no text bank for this config: run `python tools/gen_cls.py '
              f'{args.config}` and convert again (or pass --embeddings-dir); without it the folder '
              f'needs data/embeddings/ wherever it is loaded')
    for path in written:
        print(f'[convert_official] wrote {path}')
    return Path(args.out_dir)


if __name__ == '__main__':
    main()
