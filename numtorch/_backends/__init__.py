"""Backends per device: NumPy on `cpu`, CuPy on `cuda` (imported lazily), placeholders on `meta`.

Only this package imports numpy or cupy for array work; kernels receive the array module as `xp`.
Selection is by the tensor's device, never by sniffing array types.
"""
from __future__ import annotations

import numpy as np

from .._device import CPU, META

_cupy = None


def cupy():
    """The CuPy module, or a RuntimeError saying what is missing."""
    global _cupy
    if _cupy is None:
        try:
            import cupy as cp
            cp.cuda.runtime.getDeviceCount()
        except ImportError:
            raise RuntimeError("CUDA tensors need CuPy: install it with `pip install numtorch[cuda]` "
                               "(or `pip install cupy-cuda12x`) on a machine with an NVIDIA GPU") from None
        except Exception as e:  # cupy present, but no driver or device
            raise RuntimeError(f"CUDA tensors need an NVIDIA GPU and driver, and CuPy found none ({e})") \
                from None
        _cupy = cp
    return _cupy


def xp_for(device):
    """The array module computing on `device` (numpy for cpu and meta)."""
    if device is CPU or device is META:
        return np
    return cupy()


def to_host(t):
    """NumPy array with the values of tensor `t` (a copy for CUDA tensors)."""
    a = t._data
    if isinstance(a, np.ndarray):
        return a
    return a.get()


def move(array, src, dst):
    """`array` (on device `src`) as an array on device `dst`; shares memory when src is dst."""
    if src is dst:
        return array
    if dst is META:
        return meta_empty(array.shape, array.dtype)
    if src is META:
        raise NotImplementedError("Cannot copy out of meta tensor; no data! Please use torch.nn.Module.to_empty() "
                                  "instead of torch.nn.Module.to() when moving module from meta to a "
                                  "different device.")
    if dst is CPU:
        return array.get()
    cp = cupy()
    with cp.cuda.Device(dst.index):
        if array.dtype.name == "bfloat16":
            raise TypeError("bfloat16 CUDA tensors are not supported by numtorch's CuPy backend")
        return cp.asarray(array)


def meta_empty(shape, npdtype, strides=None):
    """A zero-memory placeholder with real NumPy geometry: views work on it, data must never be read.

    Note [meta placeholders]: every element aliases one byte-sized buffer through computed strides, so
    shape, strides, storage offsets and view ops behave as on the CPU while nothing is allocated.
    Kernels never see these arrays: the op layer runs meta rules instead (see _ops/_registry.py).
    """
    npdtype = np.dtype(npdtype)
    if strides is None:
        strides, acc = [], npdtype.itemsize
        for n in reversed(shape):
            strides.append(acc)
            acc *= max(n, 1)
        strides.reverse()
    else:
        strides = [s * npdtype.itemsize for s in strides]
    base = np.zeros(1, npdtype)
    return np.lib.stride_tricks.as_strided(base, tuple(shape), tuple(strides), writeable=False)


def meta_probe(a):
    """A zero-stride readable stand-in for meta placeholder `a`: runs a kernel for its shape and dtype."""
    return np.broadcast_to(np.zeros((), a.dtype), a.shape)


def cast(array, npdtype):
    """`array` converted to `npdtype` as torch converts: a double or a wide integer becomes float16 or bfloat16
    through float (c10::Half and c10::BFloat16 are built from a float), which rounds twice where NumPy rounds
    once."""
    npdtype = np.dtype(npdtype)
    src = array.dtype
    if npdtype.itemsize == 2 and npdtype.kind in "fV" and src.kind in "fiu" and src.itemsize >= 4:
        array = array.astype(np.float32)
    return array.astype(npdtype)
