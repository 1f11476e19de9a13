"""Utilities: dependency checks and compatibility shims."""
from .compat import apply_all as apply_compat_shims
from .deps import MissingDependencyError
from .deps import check_all as check_dependencies

__all__ = ['apply_compat_shims', 'check_dependencies', 'MissingDependencyError']
