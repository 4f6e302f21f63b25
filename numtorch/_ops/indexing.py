"""`Tensor.__getitem__` / `__setitem__` with torch's semantics.

Basic indices (ints, positive-step slices, None, Ellipsis) give views; tensor, list and bool-mask
indices copy (NumPy's advanced-index placement is torch's). Index errors use torch's wording.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype
from .._backends import cast
from .._device import CPU, META
from .._tensor import Tensor, make_view, wrap
from ._registry import check_inplace_leaf, internal_overlap, node, record, recording

_int64 = _dtype.int64

_BASIC = (int, slice, type(None), type(Ellipsis))


def _select_backward(grad, self_sizes, index):
    g = grad.new_zeros(self_sizes)
    g[index] = grad
    return g


def _index_backward(grad, self_sizes, index):
    from .creation import zeros
    g = zeros(self_sizes, dtype=grad._dtype, device=grad._device)
    np.add.at(g._data, index, grad._host() if grad._device is CPU else grad._data)
    return g


SelectBackward0 = node("SelectBackward0", self=_select_backward)
SliceBackward0 = node("SliceBackward0", self=_select_backward)
UnsqueezeBackward0 = node("UnsqueezeBackward0", self=_select_backward)
AliasBackward0 = node("AliasBackward0", self=_select_backward)
IndexBackward0 = node("IndexBackward0", self=_index_backward)


def _convert(key, t):
    """(NumPy index tuple, is_basic) for a torch index `key` on tensor `t`."""
    if not isinstance(key, tuple):
        key = (key,)
    out = []
    basic = True
    dim = 0
    a = t._data
    n_consumed = sum(1 for k in key if k is not None and k is not Ellipsis and not _is_mask(k))
    n_consumed += sum(_mask_ndim(k) for k in key if _is_mask(k))
    if n_consumed > a.ndim:
        raise IndexError(f"too many indices for tensor of dimension {a.ndim}")
    for k in key:
        tk = type(k)
        if tk is int or tk is bool:
            if tk is bool:
                out.append(np.array(k))
                basic = False
                continue
            if dim >= a.ndim:
                raise IndexError(f"too many indices for tensor of dimension {a.ndim}")
            n = a.shape[dim]
            if not -n <= k < n:
                raise IndexError(f"index {k} is out of bounds for dimension {dim} with size {n}")
            out.append(k)
            dim += 1
        elif tk is slice:
            if k.step is not None:
                step = k.step.__index__() if not isinstance(k.step, int) else k.step
                if step == 0:
                    raise ValueError("slice step cannot be zero")
                if step < 0:
                    raise ValueError("step must be greater than zero")
            out.append(slice(_idx(k.start), _idx(k.stop), _idx(k.step)))
            dim += 1
        elif k is None:
            out.append(None)
        elif k is Ellipsis:
            out.append(Ellipsis)
            dim = a.ndim - (n_consumed - dim)
        elif isinstance(k, Tensor):
            basic = False
            if k._dtype.name in ("bool", "uint8"):
                mk = k._data.astype(bool) if k._dtype.name == "uint8" else k._data
                for j, m in enumerate(mk.shape):
                    if dim + j >= a.ndim or a.shape[dim + j] != m:
                        raise IndexError(f"The shape of the mask {list(mk.shape)} at index {j} does not "
                                         f"match the "
                                         f"shape of the indexed tensor {list(a.shape)} at index {dim + j}")
                out.append(_to_backend(mk, k, t))
                dim += mk.ndim
            elif k._dtype._category == 1:
                idx = _to_backend(k._data, k, t)
                _check_bounds(idx, a.shape[dim] if dim < a.ndim else 0, dim)
                out.append(idx)
                dim += 1
            else:
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        elif isinstance(k, (list, np.ndarray)) or hasattr(k, "__index__") and not isinstance(k, float):
            if hasattr(k, "__index__") and not isinstance(k, (list, np.ndarray)):
                out.append(k.__index__())
                dim += 1
                continue
            basic = False
            arr = np.asarray([x.item() if isinstance(x, Tensor) else x for x in k]
                             if isinstance(k, list) else k)
            if arr.dtype == bool:
                out.append(arr)
                dim += arr.ndim
                continue
            if arr.size == 0:
                arr = arr.astype(np.int64)
            if arr.dtype.kind not in "iu":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            _check_bounds(arr, a.shape[dim] if dim < a.ndim else 0, dim)
            out.append(arr if t._device is CPU else _move_index(arr, t))
            dim += 1
        else:
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                             "Variables are "
                             "valid indices (got " + type(k).__name__ + ")")
    return tuple(out), basic


def _idx(v):
    if v is None or type(v) is int:
        return v
    return v.__index__()


def _is_mask(k):
    return isinstance(k, Tensor) and k._dtype.name in ("bool", "uint8")


def _mask_ndim(k):
    return k._data.ndim


def _check_bounds(idx, n, dim):
    if idx.size and not isinstance(idx, np.ndarray):
        return  # device arrays: the backend raises
    if idx.size and (idx.max() >= n or idx.min() < -n):
        bad = int(idx.max()) if idx.max() >= n else int(idx.min())
        raise IndexError(f"index {bad} is out of bounds for dimension {dim} with size {n}")


def _to_backend(arr, k, t):
    if k._device is t._device or k._device is CPU and t._device is META:
        return arr
    from .._backends import move
    return move(arr, k._device, t._device)


def _move_index(arr, t):
    from .._backends import move
    return move(arr, CPU, t._device)


def _node_for(key, shape):
    """torch's node for a basic index: the last view it applies walking the index left to right (select for
    an int, unsqueeze for None, slice for a slice, except that a tuple's full slices apply nothing); with
    nothing applied, an alias.  A lone slice always slices."""
    if type(key) is slice:
        return SliceBackward0
    if not isinstance(key, tuple):
        key = (key,)
    node = AliasBackward0
    d = 0
    for k in key:
        if k is None:
            node = UnsqueezeBackward0
        elif k is Ellipsis:
            d += len(shape) - sum(1 for j in key if j is not None and j is not Ellipsis)
        elif type(k) is slice:
            if k.indices(shape[d]) != (0, shape[d], 1):
                node = SliceBackward0
            d += 1
        else:
            node = SelectBackward0
            d += 1
    return node


def getitem(self, key):
    # fast paths (no autograd history needed, or a cheap node): an int, a tuple of ints and plain slices,
    # one integer index tensor on a CPU tensor
    a = self._data
    tk = type(key)
    if tk is int and a.ndim:
        n = a.shape[0]
        if -n <= key < n and self._device is CPU:
            t = make_view(self, a[key] if a.ndim > 1 else a[key, ...])
            if self._rg and recording(self):
                record(SelectBackward0, (self,), t, {"self_sizes": a.shape, "index": (key,)})
            return t
    elif tk is tuple and len(key) <= a.ndim and self._device is CPU:
        fast = True
        for d, k in enumerate(key):
            t = type(k)
            if t is int:
                n = a.shape[d]
                if not -n <= k < n:
                    fast = False
                    break
            elif t is slice:
                st = k.step
                if st is not None and (type(st) is not int or st <= 0):
                    fast = False
                    break
            else:
                fast = False
                break
        if fast:
            arr = a[key]
            if type(arr) is not _ndarray:
                arr = a[key + (Ellipsis,)]
            t = make_view(self, arr)
            if self._rg and recording(self):
                record(_node_for(key, a.shape), (self,), t, {"self_sizes": a.shape, "index": key})
            return t
    elif tk is Tensor and key._dtype is _int64 and key._device is CPU and self._device is CPU and a.ndim \
            and key._data.ndim:
        try:
            arr = a.take(key._data, 0)
        except IndexError:
            pass
        else:
            t = wrap(arr, self._dtype, CPU)
            if self._rg and recording(self):
                record(IndexBackward0, (self,), t, {"self_sizes": a.shape, "index": (key._data,)})
            return t
    return _getitem(self, key)


_ndarray = np.ndarray


def _getitem(self, key):
    if self._data.ndim == 0 and key is not None and key is not Ellipsis and not (
            isinstance(key, tuple) and all(k is None or k is Ellipsis for k in key)) and not _is_mask(key):
        raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                         "`tensor.item<T>()` "
                         "in C++ to convert a 0-dim tensor to a number")
    key = _int_tensors(key)
    idx, basic = _convert(key, self)
    if not basic:
        split = _split(key)
        if split is not None:
            return _getitem(_getitem(self, split[0]), split[1])
    if self._device is META:
        from .._backends import meta_empty, meta_probe
        r = meta_probe(self._data)[idx]
        if basic:
            return make_view(self, self._data[idx])
        return wrap(meta_empty(r.shape, r.dtype), self._dtype, META)
    if basic:
        if None in idx:
            arr = _with_none(self._data, idx)
        else:
            arr = self._data[idx]
            if type(arr) is not type(self._data):
                arr = self._data[idx + (Ellipsis,)]
        t = make_view(self, arr)
        if recording(self):
            record(_node_for(idx if isinstance(key, tuple) else key, self._data.shape), (self,), t,
                   {"self_sizes": self._data.shape, "index": idx})
        return t
    arr = self._data[idx]
    t = wrap(arr, self._dtype, self._device)
    if recording(self):
        record(IndexBackward0, (self,), t, {"self_sizes": self._data.shape, "index": idx})
    return t


def _with_none(a, idx):
    """Basic indexing with None, giving each new dim torch's stride (its unsqueeze rule, applied in order),
    where NumPy would give 0."""
    from .views import _elem_strides, _strided
    shape, st = list(a.shape), _elem_strides(a)
    off = pos = 0
    ell = a.ndim - sum(1 for k in idx if k is not None and k is not Ellipsis)
    for k in idx:
        if k is None:
            st.insert(pos, 1 if pos == len(shape) else shape[pos] * st[pos])
            shape.insert(pos, 1)
            pos += 1
        elif k is Ellipsis:
            pos += ell
        elif type(k) is slice:
            start, stop, step = k.indices(shape[pos])
            n = len(range(start, stop, step))
            off += start * st[pos]
            shape[pos] = n
            st[pos] *= step
            pos += 1
        else:
            k = k + shape[pos] if k < 0 else k
            off += k * st[pos]
            del shape[pos], st[pos]
    return _strided(a, shape, st, off)


def _int_tensors(key):
    """0-dim integer tensors index like ints in torch (a view)."""
    if isinstance(key, Tensor):
        return key.item() if key._data.ndim == 0 and key._dtype._category == 1 and not key._rg else key
    if type(key) is tuple and any(isinstance(k, Tensor) for k in key):
        return tuple(_int_tensors(k) for k in key)
    return key


def _split(key):
    """(basic part, advanced part) of a key mixing ints/None with advanced indices, or None: torch applies
    ints, slices and None first (a view), then the advanced indices on that view's dims."""
    if type(key) is not tuple or not any(type(k) is int or k is None for k in key):
        return None
    first, second = [], []
    for k in key:
        if type(k) is int:
            first.append(k)
        elif k is None or type(k) is slice:
            first.append(k)
            second.append(slice(None))
        elif k is Ellipsis:
            first.append(k)
            second.append(k)
        else:
            first.append(slice(None) if not _is_mask(k) else (slice(None),) * k._data.ndim)
            second.append(k)
    flat = []
    for k in first:
        flat.extend(k) if type(k) is tuple else flat.append(k)
    return tuple(flat), tuple(second)


def setitem(self, key, value):
    check_inplace_leaf(self)
    key = _int_tensors(key)
    split = _split(key)
    if split is not None and not _convert(key, self)[1]:
        setitem(getitem(self, split[0]), split[1], value)
        return
    if recording(self, value) and _convert(key, self)[1]:
        # torch writes through a view of the region: the base's history goes through CopySlices
        v = getitem(self, key)
        if isinstance(value, Tensor):
            v.copy_(value)
        else:
            v.fill_(value)
        return
    if self._base is not None and self._base._rg and self._base._grad_fn is None and _grad_on():
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place "
                           "operation.")
    idx, basic = _convert(key, self)
    if isinstance(value, Tensor):
        if value._device is not self._device and not (value._device is CPU and value._data.ndim == 0):
            raise RuntimeError(f"expected device {self._device} but got device {value._device}")
        from .._backends import move
        v = move(value._data, value._device, self._device)
        if value._dtype.is_complex and not self._dtype.is_complex:
            v = v.real
    else:
        if isinstance(value, complex) and not self._dtype.is_complex:
            raise TypeError("can't convert complex to float")
        v = value
    if self._device is not META:
        target = self._data
        if internal_overlap(target):
            raise RuntimeError("unsupported operation: some elements of the input tensor and the written-to "
                               "tensor refer to a single memory location. Please clone() the tensor before "
                               "performing the operation.")
        try:
            if isinstance(v, (np.ndarray,)) and v.dtype != target.dtype:
                v = cast(v, target.dtype)
            elif not isinstance(v, np.ndarray) and not hasattr(v, "dtype"):
                v = cast(np.asarray(v), target.dtype)
            target[idx] = v
        except ValueError as e:
            raise RuntimeError(_shape_msg(e, target, idx, v, _convert(key, self)[1])) from None
    self._bump()
    if recording(self, value):
        from ..autograd.inplace import rebase_history
        from ._index_put import record_setitem
        rebase_history(self, lambda: record_setitem(self, idx, value))


def self_dtype():
    from .. import _dtype
    return _dtype.float32


def _grad_on():
    from ..autograd import grad_mode
    return grad_mode.state.enabled


def _shape_msg(e, target, idx, v, basic):
    try:
        dst = target[idx].shape
        if basic:
            from .._backends import meta_empty
            from .views import expand
            try:
                expand(wrap(meta_empty(np.shape(v), np.float32), self_dtype(), META), dst)
            except RuntimeError as err:
                return str(err)
        return (f"shape mismatch: value tensor of shape {list(np.shape(v))} cannot be broadcast to indexing "
                f"result of shape {list(dst)}")
    except Exception:
        return str(e)


Tensor.__getitem__ = getitem
Tensor.__setitem__ = setitem
