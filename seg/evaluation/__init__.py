"""Evaluation: offline metric math (``functional``) and mmengine metrics (``metrics``)."""
from . import functional, metrics  # noqa: F401
