"""`torch.cuda`: device queries through CuPy, imported only when asked."""
from __future__ import annotations

_state = {"available": None, "current": 0}


def _probe():
    if _state["available"] is None:
        try:
            from ._backends import cupy
            cp = cupy()
            _state["available"] = cp.cuda.runtime.getDeviceCount() > 0
        except Exception:
            _state["available"] = False
    return _state["available"]


def is_available():
    """True when CuPy is installed and sees at least one GPU."""
    return _probe()


def device_count():
    if not _probe():
        return 0
    from ._backends import cupy
    return cupy().cuda.runtime.getDeviceCount()


def _require():
    if not _probe():
        from ._backends import cupy
        cupy()  # raises the message saying what is missing
        raise RuntimeError("Torch not compiled with CUDA enabled")


def current_device():
    _require()
    return _state["current"]


def set_device(device):
    from ._device import device as _d
    idx = device if isinstance(device, int) else _d(device).index or 0
    _require()
    _state["current"] = idx
    from ._backends import cupy
    cupy().cuda.Device(idx).use()


def synchronize(device=None):
    if _probe():
        from ._backends import cupy
        cupy().cuda.Device().synchronize()


def get_device_name(device=None):
    _require()
    from ._backends import cupy
    cp = cupy()
    return cp.cuda.runtime.getDeviceProperties(_state["current"] if device is None else device)["name"].decode()


def manual_seed(seed):
    from . import _cuda_random
    _cuda_random.manual_seed(seed)


def manual_seed_all(seed):
    manual_seed(seed)


def is_initialized():
    return bool(_state["available"])


def empty_cache():
    if _probe():
        from ._backends import cupy
        cupy().get_default_memory_pool().free_all_blocks()


def memory_allocated(device=None):
    if not _probe():
        return 0
    from ._backends import cupy
    return cupy().get_default_memory_pool().used_bytes()


def memory_reserved(device=None):
    """Bytes CuPy's memory pool holds (torch's caching allocator reserve); 0 without a GPU."""
    if not _probe():
        return 0
    from ._backends import cupy
    return cupy().get_default_memory_pool().total_bytes()


def max_memory_allocated(device=None):
    """0 without a GPU, as torch's CPU builds.  CuPy's pool keeps no high-water mark, so with a GPU there is
    no true peak to report: an error rather than a wrong number."""
    if not _probe():
        return 0
    raise NotImplementedError("numtorch cannot report peak CUDA memory: CuPy's memory pool keeps no peak; "
                              "use torch.cuda.memory_allocated()")


def reset_peak_memory_stats(device=None):
    """Nothing to reset: numtorch keeps no peak statistics."""


reset_max_memory_allocated = reset_peak_memory_stats


def get_device_capability(device=None):
    """(major, minor) compute capability of the current GPU."""
    _require()
    from ._backends import cupy
    cc = cupy().cuda.Device(_state["current"]).compute_capability  # e.g. "80"
    return int(cc[:-1]), int(cc[-1])


def is_bf16_supported(including_emulation=True):
    """False without a GPU; with one, whether it computes in bfloat16 natively (compute capability 8.0+)."""
    return _probe() and get_device_capability() >= (8, 0)


def __getattr__(name):
    from ._legacy import CUDA_TYPES
    if name in CUDA_TYPES:
        return CUDA_TYPES[name]
    raise AttributeError(f"module 'torch.cuda' has no attribute '{name}'")
