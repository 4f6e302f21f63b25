"""View ops: results share storage and version counter with their input (see Note [tensor state]).

A view is made with the backend's cheap view operations on `_data` (basic indexing, transpose, reshape
without copy, stride tricks only where geometry demands), and recorded with `make_view`, so `stride()`,
`storage_offset()` and `data_ptr()` follow from the array itself.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._backends import meta_empty
from .._device import META
from .._size import Size
from .._tensor import Tensor, make_view, wrap
from ..autograd.graph import node_class
from ._meta import parse_size, sizes_or_keyword, wrap_dim
from ._promotion import torch_name
from ._registry import export, node, record, recording

_np_reshape = np.reshape


ViewBackward0 = node("ViewBackward0", self=lambda grad, self_sizes: grad.reshape(self_sizes))
ExpandBackward0 = node("ExpandBackward0", self=lambda grad, self_sizes: grad.sum_to_size(self_sizes))
UnsafeViewBackward0 = node("UnsafeViewBackward0", self=lambda grad, self_sizes: grad.reshape(self_sizes))
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
    """A no-copy reshape of array `a` with torch's strides, or None when no view exists (torch's rule)."""
    if type(a) is np.ndarray and a.flags.c_contiguous and a.size:
        return a.reshape(shape)  # a dense C array reshapes without a copy, with torch's strides
    st = _compute_stride(a.shape, _elem_strides(a), shape)
    return None if st is None else _strided(a, shape, st)


def _contiguous_strides(shape):
    st, acc = [0] * len(shape), 1
    for i in range(len(shape) - 1, -1, -1):
        st[i] = acc
        acc *= max(shape[i], 1)
    return st


def _compute_stride(old, old_st, new):
    """Strides viewing geometry (old, old_st) as shape `new` without copying, or None: chunks of dims that
    are contiguous with each other in memory are re-split into the new dims."""
    numel = 1
    for n in old:
        numel *= n
    if numel == 0:
        return list(old_st) if tuple(old) == tuple(new) else _contiguous_strides(new)
    if not old:
        return _contiguous_strides(new)
    out = [0] * len(new)
    vd = len(new) - 1
    base = old_st[-1]
    t_numel = v_numel = 1
    for td in range(len(old) - 1, -1, -1):
        t_numel *= old[td]
        if td == 0 or (old[td - 1] != 1 and old_st[td - 1] != t_numel * base):
            while vd >= 0 and (v_numel < t_numel or new[vd] == 1):
                out[vd] = v_numel * base
                v_numel *= new[vd]
                vd -= 1
            if v_numel != t_numel:
                return None
            if td > 0:
                base = old_st[td - 1]
                t_numel = v_numel = 1
    return out if vd == -1 else None


def view(self, *shape, size=None):
    """Mirrors `Tensor.view(*shape)` and `Tensor.view(dtype)`."""
    if size is not None:
        shape = sizes_or_keyword("view", shape, size)
    a = self._data
    if shape == (-1,) and a.ndim == 1:
        arr = a.view()
    elif shape == (-1,) and a.flags.c_contiguous and a.size and type(a) is np.ndarray:
        arr = a.reshape(-1)
    else:
        if len(shape) == 1 and isinstance(shape[0], D.dtype):
            return _view_dtype(self, shape[0])
        shape = _infer_size(parse_size(shape), a.size)
        arr = _view_array(a, shape)
    if arr is None:
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                           "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    t = make_view(self, arr)
    if self._rg and recording(self):
        record(ViewBackward0, (self,), t, {"self_sizes": a.shape})
    return t


def _view_dtype(self, dt):
    a = self._data
    old = self._dtype
    if dt.itemsize != old.itemsize:
        what = f"to view {torch_name(old)} as {torch_name(dt)} (different element sizes)"
        if a.ndim == 0:
            raise RuntimeError("self.dim() cannot be 0 " + what)
        if dt.itemsize > old.itemsize and a.shape[-1] % (dt.itemsize // old.itemsize):
            raise RuntimeError(f"self.size(-1) must be divisible by {dt.itemsize // old.itemsize} {what}, "
                               f"but got "
                               f"{a.shape[-1]}")
        if a.strides[-1] != a.itemsize:
            raise RuntimeError(f"self.stride(-1) must be 1 {what}, but got {self.stride(-1)}")
    if self._device is META:
        shape = a.shape[:-1] + (a.shape[-1] * old.itemsize // dt.itemsize,) if a.ndim else ()
        arr = meta_empty(shape, dt.np)
    else:
        arr = a.view(dt.np)
    t = make_view(self, arr)
    t._dtype = dt
    t._base = None  # torch: shares storage, but is not an autograd view
    return t


@export(method=True)
def reshape(input, *sizes, shape=None):
    """Mirrors `torch.reshape`: a view when the geometry allows one, else a copy (as torch decides)."""
    if shape is not None:
        sizes = sizes_or_keyword("reshape", sizes, shape, "shape")
    shape = _infer_size(parse_size(sizes), input._data.size)
    arr = _view_array(input._data, shape)
    if arr is not None:
        t = make_view(input, arr)
        if recording(input):
            record(ViewBackward0, (input,), t, {"self_sizes": input._data.shape})
        return t
    c = input.contiguous()
    t = wrap(_np_reshape(c._data, shape) if input._device is not META else meta_empty(shape, c._data.dtype),
             input._dtype, input._device)
    if recording(c):
        record(UnsafeViewBackward0, (c,), t, {"self_sizes": c._data.shape})
    return t


def _contig():
    from .._memory_format import contiguous_format
    return contiguous_format


@export(method=True)
def ravel(input):
    """Mirrors `torch.ravel`: a contiguous 1-d view (of a contiguous copy when input is not contiguous)."""
    return input.contiguous().view(-1)


def view_as(self, other):
    return view(self, other._data.shape)


def reshape_as(self, other):
    return reshape(self, other._data.shape)


def expand(self, *sizes, size=None):
    """Mirrors `Tensor.expand`: a stride-0 view (writable, as in torch)."""
    if size is not None:
        sizes = sizes_or_keyword("expand", sizes, size)
    sizes = parse_size(sizes)
    a = self._data
    if len(sizes) < a.ndim:
        raise RuntimeError(f"expand(torch.{self._dtype.name.capitalize()}Tensor{{{list(a.shape)}}}, "
                           f"size={list(sizes)}): "
                           f"the number of sizes provided ({len(sizes)}) must be greater or equal to the "
                           f"number "
                           f"of dimensions in the tensor ({a.ndim})")
    lead = len(sizes) - a.ndim
    shape, strides = [0] * len(sizes), [0] * len(sizes)
    for i in range(len(sizes) - 1, -1, -1):  # torch reports the last mismatching dim
        s = sizes[i]
        if i < lead:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a leading, "
                                   "non-existing dimension 0")
            shape[i] = s
            continue
        n, st = a.shape[i - lead], a.strides[i - lead]
        if s == -1:
            s = n
        if n == s:
            shape[i], strides[i] = s, st
        elif n == 1:
            shape[i] = s
        else:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({n}) at "
                               f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                               f"{list(a.shape)}")
    if tuple(shape) == a.shape:
        arr = a.view()
    else:
        arr = _stride0_view(a, tuple(shape), tuple(strides))
    t = make_view(self, arr)
    if recording(self):
        record(ExpandBackward0, (self,), t, {"self_sizes": a.shape})
    return t


def _stride0_view(a, shape, byte_strides):
    """A writable broadcast view of `a`. Over a C-contiguous NumPy array the ndarray constructor does it in
    a quarter of as_strided's time (backward expands every reduction's gradient, so this is hot)."""
    if type(a) is np.ndarray:
        if a.flags.c_contiguous:
            try:
                return np.ndarray(shape, a.dtype, buffer=a, strides=byte_strides)
            except (TypeError, ValueError, BufferError):  # dtypes without buffer support (bfloat16)
                pass
        return np.lib.stride_tricks.as_strided(a, shape, byte_strides)
    return _cupy_strided(a, shape, byte_strides)


def _cupy_strided(a, shape, strides):
    import cupy
    return cupy.lib.stride_tricks.as_strided(a, tuple(shape), tuple(strides))


def expand_as(self, other):
    return expand(self, other._data.shape)


@export(method=True)
def unsqueeze(input, dim):
    """Mirrors `torch.unsqueeze`."""
    a = input._data
    d = wrap_dim(dim, a.ndim + 1)
    # torch's stride for the new dim: 1 at the end, else the extent of the dim it lands before
    st = _elem_strides(a)
    st.insert(d, 1 if d == a.ndim else a.shape[d] * st[d])
    t = make_view(input, _strided(a, a.shape[:d] + (1,) + a.shape[d:], st))
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


# torch names the in-place variants' nodes apart (same formulas)
_INPLACE_NODE = {cls: node_class(name, cls._formulas) for cls, name in (
    (SqueezeBackward0, "SqueezeBackward3"), (SqueezeBackward1, "SqueezeBackward4"),
    (SqueezeBackward2, "SqueezeBackward5"), (UnsqueezeBackward0, "UnsqueezeBackward1"),
    (TBackward0, "TBackward1"), (TransposeBackward0, "TransposeBackward1"))}


def _inplace_geometry(self, result):
    """Make `self` take `result`'s geometry (squeeze_, unsqueeze_, t_, transpose_)."""
    from ._registry import check_inplace_leaf
    check_inplace_leaf(self)
    self._data = result._data
    fn = result._grad_fn
    if fn is not None:
        fn.__class__ = _INPLACE_NODE[type(fn)]  # the node the out-of-place call just recorded, renamed
        self._grad_fn = fn
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


_RANGES = [list(range(n)) for n in range(65)]


@export(method=True)
def permute(input, *dim_args, dims=None):
    """Mirrors `torch.permute`."""
    dims = dim_args if dims is None else sizes_or_keyword("permute", dim_args, dims, "dims")
    a = input._data
    if len(dims) == 1 and type(dims[0]) in (tuple, list):
        dims = dims[0]
    if len(dims) == a.ndim and (not dims or type(dims[0]) is int) and sorted(dims) == _RANGES[a.ndim]:
        r = make_view(input, a.transpose(dims))  # fast path: already a valid permutation
        if input._rg and recording(input):
            record(PermuteBackward0, (input,), r, {"dims": tuple(dims)})
        return r
    dims = parse_size(dims, "dims")
    if len(dims) != a.ndim:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match "
                           f"the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {a.ndim} is not "
                           f"equal to len(dims) = {len(dims)}")
    wd = tuple(d if type(d) is int and 0 <= d < a.ndim else wrap_dim(d, a.ndim) for d in dims)
    if len(set(wd)) != len(wd):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    r = make_view(input, a.transpose(wd))
    if input._rg and recording(input):
        record(PermuteBackward0, (input,), r, {"dims": wd})
    return r


Tensor.view = view
Tensor.view_as = view_as
Tensor.reshape_as = reshape_as
Tensor.expand = expand
Tensor.expand_as = expand_as


_T_MSG = ("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and it "
          "will throw an error in a future release. Consider `x.mT` to transpose batches of matrices or "
          "`x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor.")


@property
def _T(self):
    n = self._data.ndim
    if n == 2:
        return permute(self, (1, 0))
    import warnings
    warnings.warn("Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases."
                  if n == 0 else _T_MSG, UserWarning, stacklevel=2)
    return permute(self, tuple(range(n - 1, -1, -1)))


@property
def _mT(self):
    n = self._data.ndim
    if n == 0:
        import warnings
        warnings.warn("Tensor.mT is deprecated on 0-D tensors. This function is the identity in these cases.",
                      UserWarning, stacklevel=2)
        return permute(self, ())
    if n < 2:
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got {n}-D "
                           f"tensor.")
    return transpose(self, -2, -1)


Tensor.T = _T
Tensor.mT = _mT


def sum_to_size(self, *size):
    from ..autograd.graph import sum_to
    size = Size(parse_size(size))
    return sum_to(self, tuple(size))


Tensor.sum_to_size = sum_to_size



# ---- strided geometry ----------------------------------------------------------------------------

def _strided(a, shape, strides, offset=0):
    """A view of array `a`'s memory with element `shape`/`strides` starting `offset` elements after `a`'s
    first element (offset may be negative within the storage). Writability follows `a`."""
    isz = a.itemsize
    if isinstance(a, np.ndarray):
        iface = dict(a.__array_interface__)
        iface["data"] = (iface["data"][0] + offset * isz, not a.flags.writeable)
        iface["shape"] = tuple(shape)
        iface["strides"] = tuple(s * isz for s in strides)
        iface.pop("descr", None) if a.dtype.fields is None else None
        return np.asarray(_Holder(iface, a)).view(a.dtype)
    import cupy
    return cupy.ndarray(tuple(shape), a.dtype, a.data + offset * isz, tuple(s * isz for s in strides))


class _Holder:
    """Exposes an array interface while keeping the base array (and so the memory) alive."""

    def __init__(self, iface, base):
        self.__array_interface__ = iface
        self.base = base


def _elem_strides(a):
    isz = a.itemsize
    return [s // isz for s in a.strides]


def _from_geom(input, arr, cls, saved):
    t = make_view(input, arr)
    if recording(input):
        record(cls, (input,), t, saved)
    return t


def _scatter_back(grad, self_sizes, fn):
    """Gradient of a non-overlapping view op `fn`: zeros of the input's shape with `grad` written through."""
    g = grad.new_zeros(self_sizes)
    fn(g).copy_(grad)
    return g


def _accumulate_back(grad, self_sizes, fn):
    """Gradient of a possibly overlapping view op `fn`: per output element, add into the input element it
    aliases (found through a tensor of flat positions pushed through the same op)."""
    from .creation import arange
    n = 1
    for s in self_sizes:
        n *= s
    pos = fn(arange(n, device=grad._device).reshape(self_sizes)).contiguous()
    g = grad.new_zeros((n,))
    g.index_add_(0, pos.reshape(-1), grad.reshape(-1))
    return g.reshape(self_sizes)


SliceBackward0 = node("SliceBackward0", self=lambda grad, self_sizes, dim, start, end: _scatter_back(
    grad, self_sizes, lambda g: g.narrow(dim, start, end - start)))
SelectBackward0 = node("SelectBackward0", self=lambda grad, self_sizes, dim, index: _scatter_back(
    grad, self_sizes, lambda g: g.select(dim, index)))
DiagonalBackward0 = node("DiagonalBackward0", self=lambda grad, self_sizes, offset, dim1, dim2: _scatter_back(
    grad, self_sizes, lambda g: g.diagonal(offset, dim1, dim2)))
UnfoldBackward0 = node("UnfoldBackward0", self=lambda grad, self_sizes, dimension, size, step:
                       _accumulate_back(grad, self_sizes, lambda g: g.unfold(dimension, size, step)))


def _as_strided_back(grad, self_sizes, self_strides, self_offset, size, stride, storage_offset):
    """Map each output element to the input element at the same storage position (torch assumes the input
    does not overlap itself)."""
    xp = np if grad._device is not META else np
    pin = np.full(self_sizes, self_offset, dtype=np.int64)
    for d, (n, s) in enumerate(zip(self_sizes, self_strides)):
        pin = pin + (np.arange(n) * s).reshape((n,) + (1,) * (len(self_sizes) - d - 1))
    pout = np.full(size, storage_offset, dtype=np.int64)
    for d, (n, s) in enumerate(zip(size, stride)):
        pout = pout + (np.arange(n) * s).reshape((n,) + (1,) * (len(size) - d - 1))
    flat_in = pin.reshape(-1)
    order = np.argsort(flat_in, kind="stable")
    flat_out = pout.reshape(-1)
    pos = np.minimum(np.searchsorted(flat_in[order], flat_out), max(flat_in.size - 1, 0))
    # output elements at storage positions the input does not cover get no gradient
    inside = flat_in[order][pos] == flat_out if flat_in.size else np.zeros(flat_out.shape, bool)
    from .. import _dtype
    from .._tensor import wrap as _w
    idx = _w(xp.asarray(order[pos[inside]]), _dtype.int64).to(grad._device)
    sel = _w(xp.asarray(np.nonzero(inside)[0]), _dtype.int64).to(grad._device)
    g = grad.new_zeros((flat_in.size,))
    g.index_add_(0, idx, grad.reshape(-1).index_select(0, sel))
    return g.reshape(self_sizes)


AsStridedBackward0 = node("AsStridedBackward0", self=_as_strided_back)


@export(method=True)
def flatten(input, start_dim=0, end_dim=-1):
    """Mirrors `torch.flatten`: self when nothing merges, a view when the geometry allows one, else a copy."""
    a = input._data
    if a.ndim == 0:
        return reshape(input, (1,))
    s, e = wrap_dim(start_dim, a.ndim), wrap_dim(end_dim, a.ndim)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    n = 1
    for x in a.shape[s:e + 1]:
        n *= x
    return reshape(input, a.shape[:s] + (n,) + a.shape[e + 1:])


@export(method=True)
def unflatten(input, dim, sizes):
    """Mirrors `torch.unflatten` (one -1 allowed in `sizes`)."""
    a = input._data
    d = wrap_dim(dim, a.ndim)
    sizes = parse_size((sizes,))
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    n = a.shape[d] if a.ndim else 1
    known = 1
    for x in sizes:
        known *= x if x != -1 else 1
    if sizes.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if -1 in sizes:
        if known == 0 or n % known:
            raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of "
                               f"dim "
                               f"{dim} ({n}) in the input tensor")
        sizes = tuple(n // known if x == -1 else x for x in sizes)
    elif known != n:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim "
                           f"{dim} "
                           f"({n}) in the input tensor")
    return view(input, a.shape[:d] + sizes + a.shape[d + 1:])


@export(method=True, aliases=("moveaxis",))
def movedim(input, source, destination):
    """Mirrors `torch.movedim`."""
    nd = input._data.ndim
    src = [source] if not isinstance(source, (tuple, list)) else list(source)
    dst = [destination] if not isinstance(destination, (tuple, list)) else list(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({src} dims) should contain "
                           f"the same number of dims as destination ({dst} dims)")
    src = [wrap_dim(d, nd) for d in src]
    dst = [wrap_dim(d, nd) for d in dst]
    if len(set(src)) != len(src):
        raise RuntimeError(f"movedim: repeated dim in `source` ({list(source)})")
    if len(set(dst)) != len(dst):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({list(destination)})")
    order = [-1] * nd
    for s, d in zip(src, dst):
        order[d] = s
    rest = iter(i for i in range(nd) if i not in src)
    order = [o if o >= 0 else next(rest) for o in order]
    return permute(input, order) if nd else _from_geom(input, input._data.view(), PermuteBackward0,
                                                       {"dims": ()})


@export(method=True)
def narrow(input, dim, start, length):
    """Mirrors `torch.narrow` (start may be a 0-dim integer tensor)."""
    a = input._data
    if a.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, a.ndim)
    start = start.__index__() if type(start) is not int else start
    n = a.shape[d]
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got {start})")
    if start < 0:
        start += n
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return _slice(input, d, start, start + length)


def _slice(input, d, start, end, step=1):
    a = input._data
    arr = a[(slice(None),) * d + (slice(start, end, step),)]
    return _from_geom(input, arr, SliceBackward0,
                      {"self_sizes": a.shape, "dim": d, "start": start, "end": end})


@export(method=True)
def select(input, dim, index):
    """Mirrors `torch.select`."""
    a = input._data
    if a.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, a.ndim)
    index = index.__index__() if type(index) is not int else index
    n = a.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(a.shape)} at "
                         f"dimension "
                         f"{dim}")
    if index < 0:
        index += n
    arr = a[(slice(None),) * d + (index, Ellipsis)]
    return _from_geom(input, arr, SelectBackward0, {"self_sizes": a.shape, "dim": d, "index": index})


def unfold(self, dimension, size, step):
    """Mirrors `Tensor.unfold`: windows of `size` every `step` along `dimension`, as a new last dim."""
    a = self._data
    d = wrap_dim(dimension, a.ndim)
    n = a.shape[d] if a.ndim else 1
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    st = _elem_strides(a)
    shape = list(a.shape)
    if a.ndim:
        shape[d] = (n - size) // step + 1
        st[d] *= step
        shape.append(size)
        st.append(_elem_strides(a)[d])
    else:
        shape, st = [size], [1]
    return _from_geom(self, _strided(a, shape, st), UnfoldBackward0,
                      {"self_sizes": a.shape, "dimension": d, "size": size, "step": step})


@export(method=True)
def diagonal(input, offset=0, dim1=0, dim2=1):
    """Mirrors `torch.diagonal`: a writable strided view (NumPy's own diagonal is read-only)."""
    a = input._data
    d1, d2 = wrap_dim(dim1, a.ndim), wrap_dim(dim2, a.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    st = _elem_strides(a)
    n1, n2 = a.shape[d1], a.shape[d2]
    if offset >= 0:
        length = max(min(n1, n2 - offset), 0)
        off = offset * st[d2] if length else 0
    else:
        length = max(min(n1 + offset, n2), 0)
        off = -offset * st[d1] if length else 0
    shape = [n for i, n in enumerate(a.shape) if i not in (d1, d2)] + [length]
    strides = [s for i, s in enumerate(st) if i not in (d1, d2)] + [st[d1] + st[d2]]
    return _from_geom(input, _strided(a, shape, strides, off), DiagonalBackward0,
                      {"self_sizes": a.shape, "offset": offset, "dim1": d1, "dim2": d2})


def _root(t):
    return t._st if t._st is not None else t._data


@export(method=True)
def as_strided(input, size, stride, storage_offset=None):
    """Mirrors `torch.as_strided`: geometry relative to the start of the input's storage."""
    size, stride = parse_size((size,)), parse_size((stride,), "stride")
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    off = input.storage_offset() if storage_offset is None else storage_offset
    if off < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {off}")
    for s in stride:
        if s < 0:
            raise RuntimeError("as_strided: Negative strides are not supported at the moment, got strides: "
                               f"{list(stride)}")
    root = _root(input)
    isz = input._data.itemsize
    need = off + 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
    have = root.nbytes // isz if input._device is not META else 1 << 62
    if need > have:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {off}, "
                           f"and "
                           f"itemsize {isz} requiring a storage size of {need * isz} are out of bounds for "
                           f"storage of size {have * isz}")
    a = input._data
    base_off = input.storage_offset()
    arr = _strided(a, size, stride, off - base_off)
    return _from_geom(input, arr, AsStridedBackward0,
                      {"self_sizes": a.shape, "self_strides": tuple(_elem_strides(a)),
                       "self_offset": base_off,
                       "size": size, "stride": stride, "storage_offset": off})


def as_strided_(self, size, stride, storage_offset=None):
    r = as_strided(self, size, stride, storage_offset)
    self._st = _root(self)
    self._data = r._data
    return self


Tensor.as_strided_ = as_strided_
Tensor.unfold = unfold


# ---- multi-output views --------------------------------------------------------------------------

_multi_nodes = {}


def _multi_node(name, n, formula):
    cls = _multi_nodes.get((name, n))
    if cls is None:
        cls = _multi_nodes[(name, n)] = node(name, n_outputs=n, self=formula)
    return cls


def _cat_grads(grads, dim):
    from .shape import cat
    return cat(grads, dim)


def _record_multi(input, outs, name, formula, saved):
    if recording(input):
        meta = tuple((o._data.shape, o._dtype, o._device) for o in outs)
        record(_multi_node(name, len(outs), formula), (input,), outs, saved, out_meta=meta)
        from ..autograd.views import mark_multi_output_views
        mark_multi_output_views(outs)
    return outs


@export(method=True)
def unbind(input, dim=0):
    """Mirrors `torch.unbind`."""
    a = input._data
    if a.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = wrap_dim(dim, a.ndim)
    pre = (slice(None),) * d
    outs = tuple(make_view(input, a[pre + (i, Ellipsis)]) for i in range(a.shape[d]))
    return _record_multi(input, outs, "UnbindBackward0", lambda grads, dim: _stack_grads(grads, dim),
                         {"dim": d})


def _stack_grads(grads, dim):
    from .shape import stack
    return stack(grads, dim)


def _pieces(input, d, bounds):
    a = input._data
    pre = (slice(None),) * d
    return tuple(make_view(input, a[pre + (slice(s, e),)]) for s, e in bounds)


@export(method=True)
def split(tensor, split_size_or_sections=None, dim=0, *, split_size=None):
    """Mirrors `torch.split`: an int size gives SplitBackward0 views, a list split_with_sizes (the method
    names its size `split_size`)."""
    if split_size is not None or split_size_or_sections is None:
        given = sizes_or_keyword("split", () if split_size_or_sections is None else (split_size_or_sections,),
                                 split_size, "split_size")
        if not given:
            raise TypeError("split() missing 1 required positional argument: 'split_size_or_sections'")
        split_size_or_sections = given[0]
    if not isinstance(split_size_or_sections, int) and not hasattr(split_size_or_sections, "__index__"):
        return split_with_sizes(tensor, split_size_or_sections, dim)
    size = split_size_or_sections.__index__()
    a = tensor._data
    if a.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = wrap_dim(dim, a.ndim)
    n = a.shape[d]
    if size < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={size}")
    if size == 0 and n:
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
    k = max((n + size - 1) // size, 1) if size else 1
    bounds = [(i * size, min((i + 1) * size, n)) for i in range(k)]
    outs = _pieces(tensor, d, bounds)
    return _record_multi(tensor, outs, "SplitBackward0", lambda grads, dim: _cat_grads(grads, dim),
                         {"dim": d})


def split_with_sizes(input, split_sizes, dim=0):
    a = input._data
    d = wrap_dim(dim, a.ndim)
    sizes = list(parse_size((split_sizes,), "split_sizes"))
    n = a.shape[d] if a.ndim else 1
    if sum(sizes) != n:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's "
                           f"size at "
                           f"dimension {d}), but got split_sizes={sizes}")
    for s in sizes:
        if s < 0:
            raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, but "
                               f"got "
                               f"split_sizes={sizes}")
    bounds, p = [], 0
    for s in sizes:
        bounds.append((p, p + s))
        p += s
    outs = _pieces(input, d, bounds)
    return _record_multi(input, outs, "SplitWithSizesBackward0", lambda grads, dim: _cat_grads(grads, dim),
                         {"dim": d})


export(split_with_sizes, method=True)


@export(method=True)
def chunk(input, chunks, dim=0):
    """Mirrors `torch.chunk`."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    a = input._data
    if a.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    d = wrap_dim(dim, a.ndim)
    n = a.shape[d]
    size = (n + chunks - 1) // chunks
    if n == 0:  # torch keeps `chunks` empty pieces for an empty dim
        return split_with_sizes(input, [0] * chunks, d)
    return split(input, size, d)


@export(method=True)
def tensor_split(input, indices_or_sections, dim=0):
    """Mirrors `torch.tensor_split`: each piece a SliceBackward0 view."""
    a = input._data
    if a.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 "
                           "dims")
    d = wrap_dim(dim, a.ndim)
    n = a.shape[d]
    ios = indices_or_sections
    if isinstance(ios, Tensor):
        if ios._dtype._category != 1:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to have integer dtype, "
                               "but got "
                               f"{torch_name(ios._dtype)}")
        if ios._data.ndim > 1:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                               f"one-dimensional tensor, but got a tensor with {ios._data.ndim} dims")
        ios = ios.item() if ios._data.ndim == 0 else ios.tolist()
    if isinstance(ios, (list, tuple)):
        idx = [i.__index__() for i in ios]
        edges = [0] + idx + [n]
        bounds = []
        for s, e in zip(edges, edges[1:]):
            s = min(max(s + n if s < 0 else s, 0), n)
            e = min(max(e + n if e < 0 else e, 0), n)
            bounds.append((s, max(s, e)))
    else:
        k = ios.__index__()
        if k <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {k}")
        q, r = divmod(n, k)
        bounds, p = [], 0
        for i in range(k):
            sz = q + (1 if i < r else 0)
            bounds.append((p, p + sz))
            p += sz
    return tuple(_slice(input, d, s, e) for s, e in bounds)


def _dir_split(input, ios, d, name, min_dim):
    nd = input._data.ndim
    if nd < min_dim:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dim} dimension, but got a "
                           f"tensor "
                           f"with {nd} dimensions!")
    if not isinstance(ios, (list, tuple)):
        n = input._data.shape[d]
        if ios == 0 or n % ios:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {d}, but the size of the "
                               f"dimension {n} is not divisible by the split_size {ios}!")
    return tensor_split(input, ios, d)


@export(method=True)
def hsplit(input, indices_or_sections):
    return _dir_split(input, indices_or_sections, 1 if input._data.ndim > 1 else 0, "hsplit", 1)


@export(method=True)
def vsplit(input, indices_or_sections):
    return _dir_split(input, indices_or_sections, 0, "vsplit", 2)


@export(method=True)
def dsplit(input, indices_or_sections):
    return _dir_split(input, indices_or_sections, 2, "dsplit", 3)


# ---- complex parts and conjugate transposes ------------------------------------------------------

RealBackward0 = node("RealBackward0", self=lambda grad: grad)
ImagBackward0 = node("ImagBackward0", self=lambda grad: grad * 1j)


@export()
def real(input):
    """Mirrors `torch.real`: a view of the real parts (self for real tensors)."""
    if not input._dtype.is_complex:
        return input
    return _part(input, 0, RealBackward0)


@export()
def imag(input):
    """Mirrors `torch.imag`: a view of the imaginary parts."""
    if not input._dtype.is_complex:
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return _part(input, 1, ImagBackward0)


def _part(input, which, cls):
    a = input._data
    rd = {D.complex64: D.float32, D.complex128: D.float64}.get(input._dtype, D.float16)
    arr = (a.real if which == 0 else a.imag) if input._device is not META else a.real
    t = make_view(input, arr)
    t._dtype = rd
    if cls is not None and recording(input):
        record(cls, (input,), t, {})
    return t


def _set_part(which):
    def setter(self, value):
        from .creation import tensor
        _part(self, which, None).copy_(value if isinstance(value, Tensor) else tensor(value))
    return setter


Tensor.real = property(real, _set_part(0))
Tensor.imag = property(imag, _set_part(1))


def _conj_t(self, dims):
    r = transpose(self, *dims)
    if self._dtype.is_complex:
        # numtorch has no lazy conjugate bit: a conjugate transpose of a complex tensor is a copy
        return r.conj()
    return r


def adjoint(self):
    if self._data.ndim < 2:
        raise RuntimeError("tensor.adjoint() is only supported on matrices or batches of matrices. Got "
                           f"{self._data.ndim}-D tensor.")
    return _conj_t(self, (-2, -1))


def _H(self):
    if self._data.ndim != 2:
        extra = " For batches of matrices, consider using tensor.mH" if self._data.ndim > 2 else ""
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {self._data.ndim}-D "
                           f"tensor.{extra}")
    return _conj_t(self, (0, 1))


def _mH(self):
    if self._data.ndim < 2:
        raise RuntimeError("tensor.mH is only supported on matrices or batches of matrices. Got "
                           f"{self._data.ndim}-D tensor.")
    return _conj_t(self, (-2, -1))


export(adjoint, method=True)
Tensor.H = property(_H)
Tensor.mH = property(_mH)
