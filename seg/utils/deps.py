"""Check that the heavy third-party dependencies are importable, with install hints."""
from __future__ import annotations

import importlib
from dataclasses import dataclass

INSTALL_HINT = 'run `bash tools/setup_env.sh` from the repository root (see INSTALL.md)'


@dataclass(frozen=True)
class Requirement:
    """One importable dependency: module name, pip name and the versions we support."""

    module: str
    pip_name: str
    spec: str  # human-readable supported versions, shown in errors


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement('torch', 'torch', '>=2.1,<=2.14.1 (tested: 2.14.1)'),
    Requirement('torchvision', 'torchvision', 'matching torch (tested: 0.29.1)'),
    Requirement('mmengine', 'mmengine', '==0.10.7'),
    Requirement('mmcv', 'mmcv', '==2.1.0 with compiled ops (built from source, see INSTALL.md)'),
    Requirement('mmdet', 'mmdet', '==3.3.0'),
    Requirement('open_clip', 'open_clip_torch', 'see requirements/runtime.txt'),
    Requirement('pycocotools', 'pycocotools', 'see requirements/runtime.txt'),
    Requirement('panopticapi', 'panopticapi-lite (install with --no-deps)', 'see requirements/runtime.txt'),
)


class MissingDependencyError(ImportError):
    """Raised when a required third-party package is missing or broken."""


def check_dependency(req: Requirement) -> None:
    """Import ``req.module`` or raise an error that names the package and how to install it."""
    try:
        importlib.import_module(req.module)
    except ImportError as exc:  # includes ModuleNotFoundError
        raise MissingDependencyError(
            f'OMG-Seg needs the Python package `{req.pip_name}` ({req.spec}), but importing '
            f'`{req.module}` failed: {exc}. To install every dependency, {INSTALL_HINT}.'
        ) from exc


def check_mmcv_ops() -> None:
    """Raise a clear error if mmcv was installed without its compiled ops (``mmcv-lite``)."""
    try:
        importlib.import_module('mmcv.ops')
    except ImportError as exc:
        raise MissingDependencyError(
            'OMG-Seg needs mmcv 2.1.0 *with compiled ops* (`mmcv.ops` failed to import: '
            f'{exc}). Rebuild it with MMCV_WITH_OPS=1: {INSTALL_HINT}.'
        ) from exc


def check_all() -> None:
    """Check every requirement in :data:`REQUIREMENTS`, then mmcv's compiled ops."""
    for req in REQUIREMENTS:
        check_dependency(req)
    check_mmcv_ops()
