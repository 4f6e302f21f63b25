"""Mirrors `torch.version`: numtorch's version, and the CUDA version of the CuPy runtime when there is one
(None otherwise, as in torch's CPU builds)."""
from __future__ import annotations

__version__ = "0.1.0"
debug = False
hip = None
rocm = None
xpu = None
git_version = "unknown"


def __getattr__(name):
    if name == "cuda":
        from . import cuda
        if not cuda.is_available():
            return None
        from ._backends import cupy
        v = cupy().cuda.runtime.runtimeGetVersion()  # e.g. 12040
        return f"{v // 1000}.{v % 1000 // 10}"
    raise AttributeError(f"module 'torch.version' has no attribute '{name}'")
