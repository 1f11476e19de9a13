"""Load a config for the command-line tools: validation, overrides, work dir and launcher.

Typos are refused, not ignored: every key of a model component dict (one with a ``type``) must be a
constructor argument of the registered class (``inspect.signature`` through ``**kwargs`` up the MRO),
``test_cfg`` / ``train_cfg`` keys must be ones the heads declare they read (their ``test_cfg_keys`` /
``train_cfg_keys`` class attributes), and ``--cfg-options`` may neither turn a number into text nor
add a key next to a near-identical existing one. Errors suggest the nearest valid key (``difflib``).
"""
from __future__ import annotations

import difflib
import inspect
import os
import os.path as osp
from collections.abc import Iterable
from typing import Any, Optional

from mmengine.config import Config

from .distributed import prepare_cpu_distributed


class ConfigError(ValueError):
    """A config file is missing or unusable."""


def _nearest(key: str, valid: Iterable[str]) -> str:
    """``; did you mean 'x'?`` for the closest valid key, else the list of valid keys."""
    valid = sorted(valid)
    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f'; valid keys: {", ".join(valid)}' if len(valid) <= 30 else ''


def _registered_class(type_name: Any) -> type | None:
    """The class a ``type`` names in mmdet's MODELS / TASK_UTILS registries, or None if unknown."""
    if inspect.isclass(type_name):
        return type_name
    if not isinstance(type_name, str):
        return None
    from mmdet.registry import MODELS, TASK_UTILS
    for registry in (MODELS, TASK_UTILS):
        try:
            found = registry.get(type_name)
        except Exception:  # noqa: BLE001 (an unknown scope is not ours to report)
            found = None
        if inspect.isclass(found):
            return found
    return None


def accepted_arguments(cls: type) -> set[str] | None:
    """Keyword arguments ``cls(...)`` accepts, following ``**kwargs`` up the MRO; None if open-ended."""
    names: set[str] = set()
    for klass in cls.__mro__:
        if '__init__' not in vars(klass):
            continue
        try:
            params = inspect.signature(klass.__init__).parameters.values()
        except (TypeError, ValueError):
            return None
        names |= {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)} - {'self'}
        if not any(p.kind == p.VAR_KEYWORD for p in params):
            return names
    return None


def _declared_keys(cls: type | None, attribute: str) -> set[str] | None:
    """Keys a head declares it reads (``test_cfg_keys`` / ``train_cfg_keys``); None if it declares none."""
    keys = getattr(cls, attribute, None) if cls is not None else None
    return set(keys) if keys is not None else None


def _check_keys(keys: Iterable[str], valid: set[str], where: str) -> None:
    for key in keys:
        if key not in valid:
            raise ConfigError(f"unknown key '{key}' in {where}{_nearest(key, valid)}")


def check_model_config(node: Any, where: str = 'model') -> None:
    """Refuse keys no constructor takes (in every typed dict of a model) and unread test/train_cfg keys."""
    if isinstance(node, (list, tuple)):
        for index, item in enumerate(node):
            check_model_config(item, f'{where}[{index}]')
        return
    if not isinstance(node, dict):
        return
    cls = _registered_class(node.get('type'))
    if cls is not None:
        valid = accepted_arguments(cls)
        if valid is not None:
            _check_keys([k for k in node if k not in ('type', '_scope_')], valid, f'{where} ({cls.__name__})')
        for cfg_key, attribute, head_key in (('test_cfg', 'test_cfg_keys', 'panoptic_fusion_head'),
                                             ('train_cfg', 'train_cfg_keys', 'panoptic_head')):
            head = node.get(head_key)
            head_cls = _registered_class(head.get('type')) if isinstance(head, dict) else None
            allowed = _declared_keys(head_cls, attribute)
            if allowed is not None and isinstance(node.get(cfg_key), dict):
                _check_keys(node[cfg_key], allowed, f'{where}.{cfg_key} (read by {head["type"]})')
    for key, value in node.items():
        check_model_config(value, f'{where}.{key}')


def _lookup(cfg: Any, dotted: str) -> tuple[bool, Any, Any]:
    """(found, value, parent) of a dotted key (list items by index)."""
    node, parent = cfg, None
    for part in dotted.split('.'):
        parent = node
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, (list, tuple)) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False, None, parent
    return True, node, parent


def check_cfg_options(cfg: Config, cfg_options: dict) -> None:
    """``--cfg-options`` may not turn a number into text nor add a key beside a near-identical one."""
    for dotted, value in cfg_options.items():
        found, old, parent = _lookup(cfg._cfg_dict, dotted)
        key = dotted.rsplit('.', 1)[-1]
        if found:
            is_number = isinstance(old, (int, float)) and not isinstance(old, bool)
            if is_number and isinstance(value, str):
                raise ConfigError(f'--cfg-options {dotted}={value!r}: expected a number '
                                  f'(the config has {old!r})')
            continue
        if '.' not in dotted or not isinstance(parent, dict) or dotted.startswith('model.'):
            continue  # new top-level keys are legal; model keys are checked against the constructors
        cls = _registered_class(parent.get('type'))
        valid = accepted_arguments(cls) if cls is not None else None
        if valid is not None and key in valid:
            continue
        close = difflib.get_close_matches(key, [k for k in parent if isinstance(k, str)], n=1, cutoff=0.8)
        if close:
            raise ConfigError(f"--cfg-options {dotted}: unknown key '{key}' in {dotted.rsplit('.', 1)[0]}; "
                              f"did you mean '{close[0]}'?")


def load_config(path: str, cfg_options: Optional[dict] = None, work_dir: Optional[str] = None,
                launcher: str = 'none') -> Config:
    """Read a config, merge ``--cfg-options``, set the launcher and ``work_dir`` (default work_dirs/NAME)."""
    if not osp.isfile(path):
        raise ConfigError(f'config file not found: {path!r} (paths are relative to {os.getcwd()!r})')
    cfg = Config.fromfile(path)
    if cfg_options:
        check_cfg_options(cfg, cfg_options)
        cfg.merge_from_dict(cfg_options)
    if cfg.get('model') is not None:
        import seg  # noqa: F401  (registers the model classes)
        check_model_config(cfg.model)
    cfg.launcher = launcher
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(path))[0])
    ensure_writable_dir(cfg.work_dir)
    prepare_cpu_distributed(cfg)
    return cfg


def ensure_writable_dir(path: str) -> None:
    """Create ``path`` if needed and fail early with a clear message when it is not writable."""
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f'cannot create output directory {path!r}: {exc.strerror}') from exc
    if not os.access(path, os.W_OK):
        raise ConfigError(f'output directory {path!r} is not writable')


def export_local_rank(local_rank: int) -> None:
    """Export ``LOCAL_RANK`` for ``torch.distributed.launch`` (torchrun already sets it)."""
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(local_rank)
