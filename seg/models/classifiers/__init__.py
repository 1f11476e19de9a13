"""Query classifiers."""
from .clip_text_classifier import CLIPTextClassifier
from .text_vocabulary import TextVocabulary

__all__ = ['CLIPTextClassifier', 'TextVocabulary']
