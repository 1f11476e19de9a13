"""Detectors."""
from .omg_seg import OMGSeg

__all__ = ['OMGSeg']
