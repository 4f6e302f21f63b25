"""View ops: results share storage and version counter with their input (see Note [tensor state]).

A view is made with the backend's cheap view operations on `_data` (basic indexing, transpose, reshape
without copy, stride tricks only where geometry demands), and recorded with `make_view`, so `stride()`,
`storage_offset()` and `data_ptr()` follow from the array itself.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._device import META
from .._size import Size
from .._tensor import Tensor, make_view, wrap
from ._meta import parse_size, wrap_dim
from ._registry import export, node, record, recording

_np_reshape = np.reshape


def _view_nodes():
    return None


ViewBackward0 = node("ViewBackward0", self=lambda grad, self_sizes: grad.reshape(self_sizes))
ExpandBackward0 = node("ExpandBackward0", self=lambda grad, self_sizes: grad.sum_to_size(self_sizes))
UnsqueezeBackward0 = node("UnsqueezeBackward0", self=lambda grad, dim: grad.squeeze(dim))
SqueezeBackward0 = node("SqueezeBackward0", self=lambda grad, self_sizes: grad.reshape(self_sizes))
SqueezeBackward1 = node("SqueezeBackward1", self=lambda grad, self_sizes: grad.reshape(self_sizes))
SqueezeBackward2 = node("SqueezeBackward2", self=lambda grad, self_sizes: grad.reshape(self_sizes))
TBackward0 = node("TBackward0", self=lambda grad: grad.t())
TransposeBackward0 = node("TransposeBackward0", self=lambda grad, dim0, dim1: grad.transpose(dim0, dim1))
PermuteBackward0 = node("PermuteBackward0", self=lambda grad, dims: grad.permute(_inverse(dims)))


def _inverse(dims):
    inv = [0] * len(dims)
    for i, d in enumerate(dims):
        inv[d] = i
    return inv


def _infer_size(shape, numel):
    """Resolve one -1 in `shape` with torch's errors."""
    neg = -1
    known = 1
    for i, s in enumerate(shape):
        if s == -1:
            if neg >= 0:
                raise RuntimeError("only one dimension can be inferred")
            neg = i
        elif s < 0:
            raise RuntimeError(f"invalid shape dimension {s}")
        else:
            known *= s
    if neg >= 0:
        if known == 0:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        if numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = list(shape)
        shape[neg] = numel // known
        return tuple(shape)
    if known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return tuple(shape)


def _view_array(a, shape):
    """A no-copy reshape of array `a`, or None when the geometry does not allow one."""
    try:
        return _np_reshape(a, shape, copy=False) if isinstance(a, np.ndarray) else _cupy_view(a, shape)
    except ValueError:
        return None


def _cupy_view(a, shape):
    r = a.reshape(shape)
    if r.data.ptr != a.data.ptr and a.size:
        raise ValueError
    if not r.flags.owndata or a.size == 0:
        return r
    raise ValueError


def view(self, *shape):
    """Mirrors `Tensor.view(*shape)` and `Tensor.view(dtype)`."""
    if len(shape) == 1 and isinstance(shape[0], D.dtype):
        return _view_dtype(self, shape[0])
    shape = _infer_size(parse_size(shape), self._data.size)
    arr = _view_array(self._data, shape)
    if arr is None:
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                           "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    t = make_view(self, arr)
    if recording(self):
        record(ViewBackward0, (self,), t, {"self_sizes": self._data.shape})
    return t


def _view_dtype(self, dt):
    a = self._data
    if dt.itemsize != self._dtype.itemsize:
        if a.ndim == 0:
            raise RuntimeError("self.dim() cannot be 0 to view " + repr(self._dtype) + " as " + repr(dt) +
                               " (different element sizes)")
        if a.strides[-1] != a.itemsize and a.shape[-1] != 1:
            raise RuntimeError("self.stride(-1) must be 1 to view " + repr(self._dtype) + " as " + repr(dt) +
                               " (different element sizes), but got " + str(self.stride(-1)))
    arr = a.view(dt.np)
    t = make_view(self, arr)
    t._dtype = dt
    return t


@export(method=True)
def reshape(input, *shape):
    """Mirrors `torch.reshape`: a view when the geometry allows one, else a copy (as torch decides)."""
    shape = _infer_size(parse_size(shape), input._data.size)
    arr = _view_array(input._data, shape)
    if arr is not None:
        t = make_view(input, arr)
        if recording(input):
            record(ViewBackward0, (input,), t, {"self_sizes": input._data.shape})
        return t
    return view(input.clone(memory_format=_contig()), shape)


def _contig():
    from .._memory_format import contiguous_format
    return contiguous_format


def view_as(self, other):
    return view(self, other._data.shape)


def reshape_as(self, other):
    return reshape(self, other._data.shape)


def expand(self, *sizes):
    """Mirrors `Tensor.expand`: a stride-0 view (writable, as in torch)."""
    sizes = parse_size(sizes)
    a = self._data
    if len(sizes) < a.ndim:
        raise RuntimeError(f"expand(torch.{self._dtype.name.capitalize()}Tensor{{{list(a.shape)}}}, size={list(sizes)}): "
                           f"the number of sizes provided ({len(sizes)}) must be greater or equal to the number "
                           f"of dimensions in the tensor ({a.ndim})")
    lead = len(sizes) - a.ndim
    shape, strides = [], []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a leading, "
                                   "non-existing dimension 0")
            shape.append(s)
            strides.append(0)
            continue
        n, st = a.shape[i - lead], a.strides[i - lead]
        if s == -1:
            s = n
        if n == s:
            shape.append(s)
            strides.append(st)
        elif n == 1:
            shape.append(s)
            strides.append(0)
        else:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({n}) at "
                               f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                               f"{list(a.shape)}")
    if tuple(shape) == a.shape:
        arr = a.view()
    else:
        arr = np.lib.stride_tricks.as_strided(a, tuple(shape), tuple(strides)) if isinstance(a, np.ndarray) \
            else _cupy_strided(a, shape, strides)
    t = make_view(self, arr)
    if recording(self):
        record(ExpandBackward0, (self,), t, {"self_sizes": a.shape})
    return t


def _cupy_strided(a, shape, strides):
    import cupy
    return cupy.lib.stride_tricks.as_strided(a, tuple(shape), tuple(strides))


def expand_as(self, other):
    return expand(self, other._data.shape)


@export(method=True)
def unsqueeze(input, dim):
    """Mirrors `torch.unsqueeze`."""
    d = wrap_dim(dim, input._data.ndim + 1)
    t = make_view(input, np.expand_dims(input._data, d) if isinstance(input._data, np.ndarray)
                  else input._data[(slice(None),) * d + (None,)])
    if recording(input):
        record(UnsqueezeBackward0, (input,), t, {"dim": d})
    return t


@export(method=True)
def squeeze(input, dim=None):
    """Mirrors `torch.squeeze` (all size-1 dims, one dim, or a tuple of dims)."""
    a = input._data
    if dim is None:
        dims = tuple(i for i, n in enumerate(a.shape) if n == 1)
        cls = SqueezeBackward0
    elif isinstance(dim, (tuple, list)):
        dims = tuple(sorted({wrap_dim(d, a.ndim) for d in dim}))
        dims = tuple(d for d in dims if a.ndim and a.shape[d] == 1)
        cls = SqueezeBackward2
    else:
        d = wrap_dim(dim, a.ndim)
        dims = (d,) if a.ndim and a.shape[d] == 1 else ()
        cls = SqueezeBackward1
    arr = a.reshape(tuple(n for i, n in enumerate(a.shape) if i not in dims)) if dims else a.view()
    if dims and isinstance(a, np.ndarray):
        arr = np.squeeze(a, axis=dims)
    t = make_view(input, arr)
    if recording(input):
        record(cls, (input,), t, {"self_sizes": a.shape})
    return t


def _inplace_geometry(self, result):
    """Make `self` take `result`'s geometry (squeeze_, unsqueeze_, t_, transpose_)."""
    from ._registry import check_inplace_leaf
    check_inplace_leaf(self)
    self._data = result._data
    if result._grad_fn is not None:
        self._grad_fn = result._grad_fn
        self._output_nr = 0
    self._bump()
    return self


Tensor.squeeze_ = lambda self, dim=None: _inplace_geometry(self, squeeze(self, dim))
Tensor.unsqueeze_ = lambda self, dim: _inplace_geometry(self, unsqueeze(self, dim))


@export(method=True)
def t(input):
    """Mirrors `torch.t` (0-, 1- and 2-dim tensors)."""
    a = input._data
    if a.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {a.ndim}D")
    r = make_view(input, a.T if a.ndim == 2 else a.view())
    if recording(input):
        record(TBackward0, (input,), r, {})
    return r


Tensor.t_ = lambda self: _inplace_geometry(self, t(self))


@export(method=True, aliases=("swapaxes", "swapdims"))
def transpose(input, dim0, dim1):
    """Mirrors `torch.transpose`."""
    a = input._data
    d0, d1 = wrap_dim(dim0, a.ndim), wrap_dim(dim1, a.ndim)
    arr = a.swapaxes(d0, d1) if a.ndim else a.view()
    r = make_view(input, arr)
    if recording(input):
        record(TransposeBackward0, (input,), r, {"dim0": d0, "dim1": d1})
    return r


Tensor.transpose_ = lambda self, d0, d1: _inplace_geometry(self, transpose(self, d0, d1))


@export(method=True)
def permute(input, *dims):
    """Mirrors `torch.permute`."""
    a = input._data
    dims = parse_size(dims, "dims")
    if len(dims) != a.ndim:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {a.ndim} is not "
                           f"equal to len(dims) = {len(dims)}")
    wd = tuple(wrap_dim(d, a.ndim) for d in dims)
    if len(set(wd)) != len(wd):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    r = make_view(input, a.transpose(wd))
    if recording(input):
        record(PermuteBackward0, (input,), r, {"dims": wd})
    return r


Tensor.view = view
Tensor.view_as = view_as
Tensor.reshape_as = reshape_as
Tensor.expand = expand
Tensor.expand_as = expand_as


@property
def _T(self):
    n = self._data.ndim
    if n == 2:
        return t(self)
    return permute(self, tuple(range(n - 1, -1, -1)))


@property
def _mT(self):
    if self._data.ndim < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.")
    return transpose(self, -2, -1)


Tensor.T = _T
Tensor.mT = _mT


def sum_to_size(self, *size):
    from ..autograd.graph import sum_to
    size = Size(parse_size(size))
    return sum_to(self, tuple(size))


Tensor.sum_to_size = sum_to_size
del wrap, META
