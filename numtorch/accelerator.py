"""`torch.accelerator`: the current accelerator is CUDA when CuPy sees a GPU."""
from __future__ import annotations

from . import cuda


def is_available():
    return cuda.is_available()


def current_accelerator(check_available=False):
    if cuda.is_available():
        from ._device import device
        return device("cuda")
    return None


def device_count():
    return cuda.device_count()


def current_device_index():
    return cuda.current_device() if cuda.is_available() else -1


def set_device_index(index):
    cuda.set_device(index)


def synchronize(device=None):
    cuda.synchronize(device)
