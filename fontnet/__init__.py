"""fontnet: the chapter's neural network that picks dark or light text for a background colour."""

from .network import DivergenceError, ModelFileError, Network, NetworkError

__all__ = ["Network", "NetworkError", "ModelFileError", "DivergenceError"]
