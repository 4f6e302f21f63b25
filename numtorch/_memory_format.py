"""Layouts and memory formats: `torch.strided`, `torch.contiguous_format`, `torch.channels_last`, ..."""
from __future__ import annotations

from . import _tensor


class layout:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "torch." + self.name


class memory_format:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "torch." + self.name


strided = layout("strided")
sparse_coo = layout("sparse_coo")
contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
_tensor._contiguous_format = contiguous_format


def _expected_strides(shape, order):
    """Dense strides for `shape` with dims laid out innermost-first in `order`."""
    strides = [0] * len(shape)
    acc = 1
    for d in order:
        strides[d] = acc
        acc *= max(shape[d], 1)
    return strides


def is_contiguous_as(t, fmt):
    shape, strides = t.shape, t.stride()
    if fmt is preserve_format:
        raise RuntimeError("preserve memory format is unsupported by the contiguous operator")
    if fmt is channels_last and len(shape) == 4:
        order = (1, 3, 2, 0)
    elif fmt is channels_last_3d and len(shape) == 5:
        order = (1, 4, 3, 2, 0)
    else:
        return t.is_contiguous()
    exp = _expected_strides(shape, order)
    return all(n == 1 or s == e for n, s, e in zip(shape, strides, exp))
