"""OMG-Seg: one model for image, video and interactive segmentation (mmdet 3 / mmengine).

Importing ``seg`` checks the dependencies (with an install hint when one is missing),
installs the compatibility shims and registers every component in mmdet's registries.
"""
from .utils.deps import check_all as _check_dependencies
from .version import __version__

_check_dependencies()

from .utils.compat import apply_all as _apply_compat_shims  # noqa: E402

_apply_compat_shims()

from . import datasets, engine, evaluation, models, visualization  # noqa: E402,F401

__all__ = ['__version__']
