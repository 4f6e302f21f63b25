"""Autograd for `t[idx] = value`: the written region's gradient goes to `value`, the rest to `t`'s past."""
from __future__ import annotations

from .._tensor import Tensor
from ._registry import node, record


def _self_grad(grad, index):
    g = grad.clone()
    g._data[index] = 0
    return g


def _value_grad(grad, index, value_shape):
    from .._tensor import wrap
    from ..autograd.graph import sum_to
    r = wrap(grad._data[index].copy(), grad._dtype, grad._device)
    return sum_to(r, tuple(value_shape)) if r._data.shape != tuple(value_shape) else r


IndexPutBackward0 = node("IndexPutBackward0", self=_self_grad, values=_value_grad)


def record_setitem(self, index, value):
    vshape = value._data.shape if isinstance(value, Tensor) else ()
    record(IndexPutBackward0, (self, value), self, {"index": index, "value_shape": vshape})
