"""Copies and conversions: to, clone, contiguous, copy_, fill_, zero_, resize_."""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._backends import cast, meta_empty, move
from .._device import CPU, META, canonical
from .._memory_format import contiguous_format, format_order, preserve_format, suggest_memory_format
from .._tensor import Tensor, wrap
from . import _promotion as P
from ._registry import check_inplace_leaf, export, node, record, recording, write_into

ToCopyBackward0 = node("ToCopyBackward0", self=lambda grad, self_dtype, self_device:
                       grad.to(device=self_device, dtype=self_dtype))
CloneBackward0 = node("CloneBackward0", self=lambda grad: grad)
CopyBackwards = node("torch::autograd::CopyBackwards", self=lambda grad: grad * 0,
                     src=lambda grad, src_dtype, src_device: grad.to(device=src_device, dtype=src_dtype))
FillBackward0 = node("FillBackward0", self=lambda grad: grad * 0)  # fill(input, number)
FillBackward1 = node("FillBackward1", self=lambda grad: grad * 0, value=lambda grad: grad.sum())  # fill(, tensor)
FillBackward2 = node("FillBackward2", self=lambda grad: grad * 0)  # fill_(number)
FillBackward3 = node("FillBackward3", self=lambda grad: grad * 0, value=lambda grad: grad.sum())  # fill_(tensor)
ZeroBackward0 = node("ZeroBackward0", self=lambda grad: grad * 0)


def _parse_to(args, kwargs):
    """torch's `to` overloads: (device, dtype), (dtype), (tensor), with keywords."""
    dtype = kwargs.pop("dtype", None)
    device = kwargs.pop("device", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    fmt = kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() received an invalid combination of arguments - got unexpected keyword "
                        f"{next(iter(kwargs))!r}")
    args = list(args)
    if args and isinstance(args[0], Tensor):
        other = args.pop(0)
        dtype, device = other._dtype, other._device
    elif args and not isinstance(args[0], D.dtype) and args[0] is not None:
        device = args.pop(0)
    if args and isinstance(args[0], D.dtype):
        dtype = args.pop(0)
    if args and isinstance(args[0], bool):
        args.pop(0)  # non_blocking
        if args and isinstance(args[0], bool):
            copy = args.pop(0)
    if args:
        raise TypeError(f"to() received an invalid combination of arguments - got ({type(args[0]).__name__})")
    return (canonical(device) if device is not None else None), dtype, copy, (
        None if fmt is preserve_format else fmt)


def to(self, *args, **kwargs):
    """Mirrors `Tensor.to`: returns self when nothing changes (unless copy=True); a `memory_format` other than
    preserve_format lays the result out in that format."""
    if not kwargs and len(args) == 1 and type(args[0]) is D.dtype:  # hot path: `t.to(torch.float64)`
        device, dtype, copy, fmt = None, args[0], False, None
    else:
        device, dtype, copy, fmt = _parse_to(args, dict(kwargs))
    dev = device or self._device
    dt = dtype or self._dtype
    if fmt is not None:
        format_order(fmt, self._data.ndim)  # a rank the format has, or torch's error
    if dev is self._device and dt is self._dtype and not copy and (
            fmt is None or suggest_memory_format(self._data.shape, self._strides()) is fmt):
        return self  # NOTE(torch parity): torch compares the layout its strides suggest, not contiguity
    arr = move(self._data, self._device, dev)
    if dt is not self._dtype:
        if dev is META:
            arr = meta_empty(arr.shape, dt.np)
        elif dt.is_complex or not self._dtype.is_complex:
            arr = cast(arr, dt.np)
        else:  # complex -> real keeps the real part (torch warns)
            import warnings
            warnings.warn("Casting complex values to real discards the imaginary part", UserWarning, stacklevel=3)
            arr = arr.real.astype(dt.np)
    elif arr is self._data and dev is not META:
        arr = arr.copy(order="K")
    root = None
    if fmt is not None:
        arr = _in_format(arr, fmt, dev is META)
    elif dev is CPU and arr is not self._data:
        arr, root = _same_strides(arr, self)
    t = wrap(arr, dt, dev)
    if root is not None:
        t._st = root
    if recording(self) and (dt.is_floating_point or dt.is_complex):
        record(ToCopyBackward0, (self,), t, {"self_dtype": self._dtype, "self_device": self._device})
    return t


@export(method=True)
def clone(input, *, memory_format=None):
    """Mirrors `torch.clone`: keeps a dense layout (torch's preserve_format), or lays the copy out in
    `memory_format`."""
    a = input._data
    if memory_format is not None and memory_format is not preserve_format:
        arr = _in_format(a, memory_format, input._device is META, copy=True)
    elif input._device is META:
        arr = meta_empty(a.shape, a.dtype)
    else:
        arr = a.copy(order="K")
        if not (arr.flags.c_contiguous or _dense(input)):
            arr = a.copy()
    root = None
    if input._device is CPU and (memory_format is None or memory_format is preserve_format):
        arr, root = _same_strides(arr, input)
    t = wrap(arr, input._dtype, input._device)
    if root is not None:
        t._st = root
    if recording(input):
        record(CloneBackward0, (input,), t, {})
    return t


def _same_strides(arr, t):
    """(array, storage root): copy `arr` of t's values given t's exact strides when t is dense and NumPy's
    K-order copy chose others (it may for size-1 dims), as torch's preserve_format keeps them."""
    if arr.flags.c_contiguous and t._data.flags.c_contiguous or not _dense(t):
        return arr, None
    want = tuple(st * arr.itemsize for st in t._strides())
    if arr.strides == want:
        return arr, None
    root = np.empty(arr.size, arr.dtype)
    out = np.lib.stride_tricks.as_strided(root, arr.shape, want)
    np.copyto(out, arr)
    return out, root


def _dense(t):
    from .creation import _dense_permutation
    return _dense_permutation(t._data.shape, t._strides()) is not None


@export(method=True)
def contiguous(input, memory_format=None):
    """Mirrors `Tensor.contiguous`: self when already contiguous, else a contiguous clone."""
    if memory_format is not None:
        if memory_format is preserve_format:
            if input.is_contiguous():
                return input
            raise RuntimeError("preserve memory format is unsupported by the contiguous operator")
        if memory_format is not contiguous_format:
            return _to_memory_format(input, memory_format)
    if input.is_contiguous():
        return input
    a = input._data
    arr = meta_empty(a.shape, a.dtype) if input._device is META else (
        np.ascontiguousarray(a) if input._device is CPU else a.copy(order="C"))
    t = wrap(arr, input._dtype, input._device)
    if recording(input):
        record(CloneBackward0, (input,), t, {})
    return t


def _in_format(arr, fmt, meta=False, copy=False):
    """Backend array `arr` laid out in memory format `fmt` (a copy, or itself when it already is and not
    `copy`); `meta`: a placeholder with that layout."""
    nd = arr.ndim
    order = format_order(fmt, nd)
    inv = [order.index(i) for i in range(nd)]
    if meta:
        dense = meta_empty([arr.shape[i] for i in order], arr.dtype)
        return meta_empty(arr.shape, arr.dtype, [dense.strides[inv[i]] // arr.itemsize for i in range(nd)])
    if order == tuple(range(nd)):
        return arr if arr.flags.c_contiguous and not copy else arr.copy(order="C")
    return arr.transpose(order).copy(order="C").transpose(inv)


def _to_memory_format(input, fmt):
    format_order(fmt, input._data.ndim)  # a rank the format has, or torch's error
    if input.is_contiguous(memory_format=fmt):
        return input
    t = wrap(_in_format(input._data, fmt, input._device is META), input._dtype, input._device)
    if recording(input):
        record(CloneBackward0, (input,), t, {})
    return t


def copy_(self, src, non_blocking=False):
    """Mirrors `Tensor.copy_`: broadcasts `src` into self, casting to self's dtype."""
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'src' (position 1) must be Tensor, not {type(src).__name__}")
    check_inplace_leaf(self)
    from ._meta import broadcast_shapes
    shape = broadcast_shapes(self._data.shape, src._data.shape)
    if tuple(shape) != self._data.shape:
        raise RuntimeError(f"output with shape {list(self._data.shape)} doesn't match the broadcast shape "
                           f"{list(shape)}")
    arr = move(src._data, src._device, self._device) if self._device is not META else None
    if arr is not None and src._dtype.is_complex and not self._dtype.is_complex:
        arr = arr.real
    if arr is not None and arr is self._data:
        self._bump()
    else:
        write_into(self, arr)
    if recording(self, src):
        from ..autograd.inplace import rebase_history
        rebase_history(self, lambda: record(CopyBackwards, (self, src), self,
                                            {"src_dtype": src._dtype, "src_device": src._device}))
    return self


def fill_(self, value):
    """Mirrors `Tensor.fill_` (a Python number or a 0-dim tensor)."""
    check_inplace_leaf(self)
    vt = value if isinstance(value, Tensor) else None
    if vt is not None:
        if vt._data.ndim != 0:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{vt._data.ndim} dimensions.")
        value = vt.item()
    P.check_number(value, self._dtype)
    write_into(self, np.array(value).astype(self._dtype.np) if self._dtype is not D.bfloat16 else
               np.array(value, dtype=np.float32).astype(self._dtype.np))
    if recording(self, vt):
        from ..autograd.inplace import rebase_history
        if vt is None:
            rebase_history(self, lambda: record(FillBackward2, (self,), self, {}))
        else:
            rebase_history(self, lambda: record(FillBackward3, (self, vt), self, {}))
    return self


@export(method=False)
def fill(input, value):
    """Mirrors `torch.fill`: a new tensor like input, every element value (FillBackward0, or FillBackward1
    with a tensor value, which gets the gradient's sum)."""
    from ..autograd.grad_mode import no_grad
    with no_grad():
        r = input.clone().fill_(value)
    vt = value if isinstance(value, Tensor) else None
    if recording(input, vt):
        if vt is None:
            record(FillBackward0, (input,), r, {})
        else:
            record(FillBackward1, (input, vt), r, {})
    return r


def zero_(self):
    """Mirrors `Tensor.zero_`."""
    check_inplace_leaf(self)
    write_into(self, 0)
    if recording(self):
        from ..autograd.inplace import rebase_history
        rebase_history(self, lambda: record(ZeroBackward0, (self,), self, {}))
    return self


def resize_(self, *sizes, memory_format=None):
    """Mirrors `Tensor.resize_`: keeps the leading elements when the storage is large enough."""
    from ._meta import parse_size
    shape = parse_size(sizes)
    if self._rg:
        raise RuntimeError("cannot resize variables that require grad")
    n = 1
    for s in shape:
        n *= s
    old = self._data
    if self._device is META:
        self._data = meta_empty(shape, old.dtype)
        return self
    if old.flags.c_contiguous and old.size >= n and self._st is None:
        self._data = old.reshape(-1)[:n].reshape(shape)
        self._st = old
    else:
        xp = np if self._device is CPU else __import__("cupy")
        new = xp.empty(n, old.dtype)
        k = min(n, old.size)
        if k:
            new[:k] = old.reshape(-1)[:k]
        self._data = new.reshape(shape)
        self._st = None
    self._bump()
    return self


def is_pinned(self, device=None):
    """Mirrors `Tensor.is_pinned`: numtorch never allocates page-locked memory."""
    return False


def pin_memory(self, device=None):
    """Mirrors `Tensor.pin_memory`: torch's error without an accelerator; with one, a copy (in ordinary
    memory: pinning only speeds up host-to-device copies, and CuPy copies from any host array)."""
    from .. import cuda
    if not cuda.is_available():
        raise RuntimeError("Cannot access accelerator device when none is available.")
    return clone(self)


Tensor.is_pinned = is_pinned
Tensor.pin_memory = pin_memory
Tensor.copy_ = copy_
Tensor.fill_ = fill_
Tensor.zero_ = zero_
Tensor.resize_ = resize_
export(to, name="_to")
