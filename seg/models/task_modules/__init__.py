"""Task modules: video splitting and query association across clips."""
from .query_association import associate_queries, cosine_cost
from .tube_tracker import QueryTubeTracker
from .video_split import video_split

__all__ = ['QueryTubeTracker', 'associate_queries', 'cosine_cost', 'video_split']
