"""Query classifiers."""
from .clip_text_classifier import CLIPTextClassifier

__all__ = ['CLIPTextClassifier']
