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


_INNER_FIRST = {channels_last: (1, 3, 2, 0), channels_last_3d: (1, 4, 3, 2, 0)}  # dims, innermost first


def format_order(fmt, nd):
    """The dim order, outermost first, of memory format `fmt` for rank `nd` (torch's error when it has none)."""
    if fmt is contiguous_format:
        return tuple(range(nd))
    order = _INNER_FIRST[fmt]
    if len(order) != nd:
        raise RuntimeError(f"required rank {len(order)} tensor to use {fmt.name} format")
    return order[::-1]


def is_contiguous_as(t, fmt):
    if fmt is preserve_format:  # NOTE(torch parity): torch answers as for contiguous_format
        return t.is_contiguous()
    shape, strides = t.shape, t.stride()
    order = _INNER_FIRST.get(fmt)
    if order is None or len(shape) != len(order):  # torch keeps these flags for rank 4 (rank 5) tensors only
        return False
    exp = _expected_strides(shape, order)
    return all(n == 1 or s == e for n, s, e in zip(shape, strides, exp))


def suggest_memory_format(shape, strides):
    """torch's suggest_memory_format: channels_last (channels_last_3d) when a rank 4 (5) tensor's strides are
    ordered like it, contiguous_format otherwise. Ambiguous strides of size-1 dims count as contiguous, as in
    torch's is_channels_last_strides_2d."""
    for fmt, order in _INNER_FIRST.items():
        if len(shape) != len(order) or strides[1] == 0:
            continue
        lowest = 0
        for d in order:
            if shape[d] == 0 or strides[d] < lowest or d == 0 and lowest == strides[1]:
                break
            lowest = strides[d] * (shape[d] if shape[d] > 1 else 1)
        else:
            return fmt
    return contiguous_format
