"""Latent Studio's engine: pure PyTorch and numpy, never Qt."""
from ..basics.errors import StudioError
from .video_model import VideoModel, load_model

__all__ = ["StudioError", "VideoModel", "load_model"]
