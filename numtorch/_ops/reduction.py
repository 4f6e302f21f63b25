"""Reductions (sum, mean, prod, std/var, max/min, amax, arg*, all/any, norm, logsumexp, median, mode,
quantile, ...) and cumulative ops (cumsum, cumprod, cummax, cummin, logcumsumexp, diff).

Note [index gradients]: ops that select elements (max/min along a dim, median, mode, sort, topk, cummax, ...)
send their values' gradient back through the selected indices with `_scatter_add_along`, a private
differentiable op whose derivative is `_gather_along` (and vice versa), so double backward works without
the public scatter/gather.
"""
from __future__ import annotations

import builtins as _b
import math
import warnings

import numpy as np

from .. import _dtype as D
from .._backends import meta_empty, xp_for
from .._device import CPU, META
from .._tensor import Tensor, wrap
from ..autograd.grad_mode import state as _grad_state
from ..return_types import structseq
from . import _promotion as P
from ._meta import reduced_shape, wrap_dim, wrap_dims
from ._registry import FUNCTIONS, export, node, record, recording, write_out


def _contig(a):
    """A C-contiguous copy-if-needed that keeps 0-dim arrays 0-dim (np.ascontiguousarray makes them 1-d)."""
    return np.ascontiguousarray(a) if a.ndim else np.array(a)


def _xp(t):
    return np if t._device is CPU else xp_for(t._device)


def _is_full(dim):
    return dim is None or (isinstance(dim, (list, tuple)) and len(dim) == 0)


def _numel(shape, dims):
    n = 1
    for d in dims:
        n *= shape[d] if len(shape) else 1
    return n


def _unsq(t, dims):
    for d in dims:
        t = t.unsqueeze(d)
    return t


def _restore(grad, dims, keepdim, ndim):
    """`grad` of a reduction over `dims` with the reduced dims put back as size 1."""
    return grad if keepdim or not ndim else _unsq(grad, dims)


def _expand_back(grad, self_sizes, dims, keepdim):
    return _restore(grad, dims, keepdim, len(self_sizes)).expand(self_sizes)


def _run(input, fn, dims, keepdim, out_dt, cd=None):
    """Apply backend reduction `fn(xp, array, axis, keepdims)` over `dims` in dtype `cd`."""
    a = input._data
    shape = reduced_shape(a.shape, dims, keepdim)
    if input._device is META:
        return meta_empty(shape, out_dt.np)
    xp = _xp(input)
    if cd is not None and cd is not input._dtype:
        a = a.astype(cd.np)
    with np.errstate(all="ignore"):
        r = fn(xp, a, dims if a.ndim else (), keepdim)
    if type(r) is not np.ndarray and input._device is CPU:
        r = np.asarray(r)
    if r.dtype != out_dt.np:
        r = r.astype(out_dt.np)
    return r


def _result(name, input, r, odt, out):
    if out is not None:
        return write_out(name, out, r, odt, (input,))
    return wrap(r, odt, input._device)


_CPP = {"float64": "double", "float32": "float", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
        "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
        "uint8": "unsigned char",
        "bool": "bool", "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def _check_out_dtype(out, dt):
    """torch's exact-dtype check for out= of ops without type promotion on the output."""
    if out is not None and isinstance(out, Tensor) and out._dtype is not dt:
        raise RuntimeError(f"Expected out tensor to have dtype {_CPP.get(dt.np.name, dt.np.name)}, but got "
                           f"{_CPP.get(out._dtype.np.name, out._dtype.np.name)} instead")


def _out_tuple(name, out, arrays, dtypes, inputs):
    for o, d in zip(out, dtypes):
        _check_out_dtype(o, d)
    cls = structseq(name, ("values", "indices"))
    return cls(tuple(write_out(name, o, a, d, inputs) for o, a, d in zip(out, arrays, dtypes)))


# ---- private differentiable scatter-add / gather along a dim (Note [index gradients]) --------------

def _full_index(idx, dim):
    ix = list(np.indices(idx.shape, sparse=True))
    ix[dim] = idx
    return tuple(ix)


def _scatter_add_along(src, shape, dim, idx):
    """zeros(shape) with `src` added at positions `idx` (numpy int array, src's shape) along `dim`."""
    if not len(shape):
        return src.reshape(())
    xp = _xp(src)
    out = xp.zeros(shape, dtype=src._dtype.np)
    xp.add.at(out, _full_index(idx, dim), src._data.reshape(idx.shape))
    t = wrap(out, src._dtype, src._device)
    if recording(src):
        record(_ScatterAddBackward, (src,), t, {"dim": dim, "idx": idx})
    return t


def _gather_along(x, dim, idx):
    if not x.ndim:
        return x.reshape(idx.shape)
    t = wrap(_contig(x._data[_full_index(idx, dim)]), x._dtype, x._device)
    if recording(x):
        record(_GatherBackward, (x,), t, {"dim": dim, "idx": idx, "self_sizes": x._data.shape})
    return t


_ScatterAddBackward = node("ScatterAddBackward0", src=lambda grad, dim, idx: _gather_along(grad, dim, idx))
_GatherBackward = node("GatherBackward0", self=lambda grad, self_sizes, dim, idx:
                       _scatter_add_along(grad, self_sizes, dim, idx))


def _values_node(name):
    """Node of an op returning (values, indices): the values' grad goes back through the indices."""
    return node(name, n_outputs=2, self=lambda grad, self_sizes, dim, idx:
                _scatter_add_along(grad.reshape(idx.shape), self_sizes, dim, idx))


def _even_grad(grad, self, result, dims, keepdim):
    """Gradient of a selecting full/multi-dim reduction: split evenly among the tied elements."""
    r = _restore(result, dims, keepdim, self.ndim)
    mask = self == r
    return _restore(grad, dims, keepdim, self.ndim) * mask / mask.sum(dims, keepdim=True)


def _values_indices(name, input, vals, idx, dim, keepdim, node_cls, out):
    """Wrap (values, indices) arrays computed with keepdim=True along `dim`; record; out=."""
    a = input._data
    v, i = vals, idx if idx.dtype == _INT64 else idx.astype(np.int64)
    if not keepdim or not a.ndim:
        shp = vals.shape
        shape = shp[:dim] + shp[dim + 1:] if a.ndim else ()
        v, i = v.reshape(shape), i.reshape(shape)
    if out is not None:
        return _out_tuple(name, out, (v, i), (input._dtype, D.int64), (input,))
    dev = input._device
    vt = wrap(_contig(v), input._dtype, dev)
    it = wrap(_contig(i), D.int64, dev)
    if input._rg and _grad_state.enabled and node_cls is not None:
        record(node_cls, (input,), (vt, None), {"self_sizes": a.shape, "dim": dim, "idx": idx.reshape(
            idx.shape if a.ndim else ())})
    return structseq(name, ("values", "indices"))((vt, it))


_INT64 = np.dtype(np.int64)


def _along(input, dim):
    """(array with >= 1 dim, wrapped dim) for ops along one dim (a 0-dim tensor acts as shape [1])."""
    a = input._data
    d = wrap_dim(dim, a.ndim)
    return (a if a.ndim else a.reshape(1)), d


def _check_nonempty(name, a, d):
    if a.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


# ---- sum / nansum / mean / nanmean ----------------------------------------------------------------

SumBackward0 = node("SumBackward0", self=lambda grad, self_sizes: grad.expand(self_sizes))
SumBackward1 = node("SumBackward1", self=_expand_back)
MeanBackward0 = node("MeanBackward0", self=lambda grad, self_sizes, n: grad.expand(self_sizes) / n)
MeanBackward1 = node("MeanBackward1", self=lambda grad, self_sizes, dims, keepdim, n:
                     _expand_back(grad, self_sizes, dims, keepdim) / n)
NansumBackward0 = node("NansumBackward0", self=lambda grad, self, dims, keepdim:
                       _expand_back(grad, self.shape, dims, keepdim) * (self == self))
NanmeanBackward0 = node("DivBackward0", self=lambda grad, self, dims, keepdim, count:
                        _expand_back(grad, self.shape, dims, keepdim) * (self == self) / count)


def _sum_dtype(input, dtype, out=None):
    """Accumulation/result dtype: dtype=, else out='s dtype (torch casts the input to it), else the input's
    with integers widened to int64."""
    if dtype is not None:
        _check_out_dtype(out, dtype)
        return dtype
    if out is not None:
        return out._dtype
    d = input._dtype
    return D.int64 if d._category <= 1 else d


def _sum_like(name, input, dim, keepdim, dtype, out, nan):
    odt = _sum_dtype(input, dtype, out)
    full = _is_full(dim)
    dims = wrap_dims(None if full else dim, input._data.ndim)
    cd = P.computation_dtype(odt)
    f = np.nansum if nan and odt._category >= 2 else np.sum

    def k(xp, a, ax, kd):
        return (xp.nansum if f is np.nansum else xp.sum)(a, axis=ax, keepdims=kd, dtype=cd.np)
    r = _run(input, k, dims, keepdim, odt, cd)
    if out is not None:
        return write_out(name, out, r, odt, (input,))
    t = wrap(r, odt, input._device)
    if recording(input):
        if nan:
            record(NansumBackward0, (input,), t, {"self": input, "dims": dims, "keepdim": keepdim})
        elif dim is None and not keepdim:
            record(SumBackward0, (input,), t, {"self_sizes": input._data.shape})
        else:
            record(SumBackward1, (input,), t, {"self_sizes": input._data.shape, "dims": dims,
                                               "keepdim": keepdim})
    return t


@export(method=True)
def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mirrors `torch.sum`: integers and bools sum to int64; float16/bfloat16 accumulate in float32."""
    if dim is None and dtype is None and out is None and not keepdim and input._dtype in _FULL_FAST \
            and input._device is CPU:
        # the hot path: a whole float tensor in its own dtype (NumPy's pairwise sum, as np.sum does)
        a = input._data
        t = wrap(_asarray(_add_reduce(a, axis=None) if a.size < _BIG else _big_sum(a)), input._dtype, CPU)
        if input._rg and _grad_state.enabled:
            record(SumBackward0, (input,), t, {"self_sizes": input._data.shape})
        return t
    return _sum_like("sum", input, dim, keepdim, dtype, out, False)


_FULL_FAST = frozenset((D.float32, D.float64, D.complex64, D.complex128))
_add_reduce = np.add.reduce
_asarray = np.asarray


@export(method=True)
def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mirrors `torch.nansum`: NaNs count as zero."""
    if input._dtype.is_complex:
        raise RuntimeError("nansum does not support complex inputs")
    return _sum_like("nansum", input, dim, keepdim, dtype, out, True)


def _mean_setup(name, input, dim, dtype):
    odt = dtype or input._dtype
    if odt._category < 2:
        if name == "nanmean":
            raise RuntimeError("nanmean(): expected input to have floating point or complex dtype but "
                               f"got {P.torch_name(odt)}")
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating "
                           f"point or complex dtype. Got: {P.torch_name(odt)}")
    full = _is_full(dim)
    dims = wrap_dims(None if full else dim, input._data.ndim)
    return odt, full, dims, P.computation_dtype(odt)


@export(method=True)
def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mirrors `torch.mean` (floating and complex inputs only, unless dtype= is given)."""
    if dim is None and dtype is None and out is None and not keepdim and input._dtype in _FULL_FAST \
            and input._device is CPU and input._data.size:
        a = input._data  # np.mean's own steps: a pairwise sum in the input dtype, then one division
        t = wrap(_asarray((_add_reduce(a, axis=None) if a.size < _BIG else _big_sum(a)) / a.size),
                 input._dtype, CPU)
        if input._rg and _grad_state.enabled:
            record(MeanBackward0, (input,), t, {"self_sizes": a.shape, "n": a.size})
        return t
    odt, full, dims, cd = _mean_setup("mean", input, dim, dtype)
    a = input._data
    n = _numel(a.shape, dims)
    r = _run(input, lambda xp, x, ax, kd: xp.mean(x, axis=ax, keepdims=kd, dtype=cd.np), dims, keepdim, odt,
             cd)
    if out is not None:
        return write_out("mean", out, r, odt, (input,))
    t = wrap(r, odt, input._device)
    if recording(input):
        if dim is None and not keepdim:
            record(MeanBackward0, (input,), t, {"self_sizes": a.shape, "n": n})
        else:
            record(MeanBackward1, (input,), t, {"self_sizes": a.shape, "dims": dims, "keepdim": keepdim,
                                                "n": n})
    return t


@export(method=True)
def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mirrors `torch.nanmean`: the mean of the non-NaN elements."""
    odt, full, dims, cd = _mean_setup("nanmean", input, dim, dtype)

    def k(xp, x, ax, kd):
        keep = ~xp.isnan(x)
        total = xp.sum(xp.where(keep, x, 0), axis=ax, keepdims=kd, dtype=cd.np)
        return total / xp.sum(keep, axis=ax, keepdims=kd)
    r = _run(input, k, dims, keepdim, odt, cd)
    if out is not None:
        return write_out("nanmean", out, r, odt, (input,))
    t = wrap(r, odt, input._device)
    if recording(input):
        count = np.asarray(np.sum(~np.isnan(input._host()), axis=dims if input._data.ndim else None,
                                  keepdims=True))
        count = wrap(count, D.int64, input._device)
        record(NanmeanBackward0, (input,), t, {"self": input, "dims": dims, "keepdim": keepdim,
                                               "count": count})
    return t


# ---- std / var ------------------------------------------------------------------------------------

def _correction(unbiased, correction):
    if correction is not None:
        return correction
    if unbiased is None:
        return 1
    return 1 if unbiased else 0


def _std_grad(grad, self, result, dims, keepdim, correction, n):
    g = _restore(grad, dims, keepdim, self.ndim)
    r = _restore(result, dims, keepdim, self.ndim)
    return g * (self - self.mean(dims, keepdim=True)) / (r * _b.max(n - correction, 0))


def _var_grad(grad, self, dims, keepdim, correction, n):
    g = _restore(grad, dims, keepdim, self.ndim)
    return g * 2 * (self - self.mean(dims, keepdim=True)) / _b.max(n - correction, 0)


StdBackward0 = node("StdBackward0", self=_std_grad)
VarBackward0 = node("VarBackward0", self=_var_grad)


_BIG = 1 << 20      # elements; below this the plain NumPy call is already as lean as it gets
_CHUNK = 1 << 16    # elements per cache-resident block
_VAR_FAST = (np.dtype(np.float32), np.dtype(np.float64))


def _var_full(x):
    """Population variance of a large C-contiguous float array: np.var's two passes, but over cache-sized
    blocks (np.var writes two array-sized temporaries)."""
    x = x.reshape(-1)
    return _sum_squares(x, x.dtype.type(float(_big_sum(x)) / x.size)) / x.size


def _sum_squares(x, shift=None):
    """sum((x - shift)**2) of a 1-d float array, block by block in cache (BLAS dot: SIMD and multithreaded, no
    squares array); block sums accumulate in a Python float, which keeps the total accurate."""
    buf = np.empty(_CHUNK, x.dtype) if shift is not None else None
    ss = 0.0
    for i in range(0, x.size, _CHUNK):
        blk = x[i:i + _CHUNK]
        if shift is not None:
            blk = _subtract(blk, shift, out=buf[:blk.size])
        ss += float(_dot(blk, blk))
    return ss


_subtract, _dot = np.subtract, np.dot
_ROW = 4096
_ONES = {d: np.ones(_ROW, d) for d in _VAR_FAST}


def _big_sum(a):
    """Sum of a large float array as BLAS matrix-vector products with a ones vector (multithreaded OpenBLAS,
    2-3x faster than NumPy's single-threaded pairwise sum), then a pairwise sum of the row totals."""
    if a.dtype not in _VAR_FAST or not a.flags.c_contiguous:
        return _add_reduce(a, axis=None)
    x = a.reshape(-1)
    m = x.size - x.size % _ROW
    return _add_reduce(x[:m].reshape(-1, _ROW) @ _ONES[x.dtype]) + _add_reduce(x[m:])


def _moment(name, input, dim, unbiased, keepdim, correction, out, root):
    if isinstance(dim, bool):  # std(unbiased) overload
        dim, unbiased = None, dim
    c = _correction(unbiased, correction)
    _moment_dtype("std and var", input)
    full = _is_full(dim)
    dims = wrap_dims(None if full else dim, input._data.ndim)
    a = input._data
    n = _numel(a.shape, dims)
    odt = input._dtype.to_real()
    cd = P.computation_dtype(input._dtype)
    if n - c <= 0:
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
                      "reduction factor (input numel divided by output numel).", UserWarning, stacklevel=3)

    def k(xp, x, ax, kd):
        if xp is np and x.size >= _BIG and len(ax) == x.ndim and x.dtype in _VAR_FAST \
                and x.flags.c_contiguous:
            v = np.full((1,) * x.ndim if kd else (), _var_full(x))
        else:
            v = xp.var(x, axis=ax, keepdims=kd, ddof=0)
        v = v * n / (n - c) if n - c > 0 else v * np.inf if n else v * np.nan
        return xp.sqrt(v) if root else v
    r = _run(input, k, dims, keepdim, odt, cd)
    if out is not None:
        return write_out(name, out, r, odt, (input,))
    t = wrap(r, odt, input._device)
    if recording(input):
        saved = {"self": input, "dims": dims, "keepdim": keepdim, "correction": c, "n": n}
        if root:
            saved["result"] = t
        record(StdBackward0 if root else VarBackward0, (input,), t, saved)
    return t


@export(method=True)
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Mirrors `torch.std`."""
    return _moment("std", input, dim, unbiased, keepdim, correction, out, True)


@export(method=True)
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Mirrors `torch.var`."""
    return _moment("var", input, dim, unbiased, keepdim, correction, out, False)


def _moment_dtype(name, input):
    if input._dtype._category < 2:
        raise RuntimeError(f"{name} only support floating point and complex dtypes")


@export
def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Mirrors `torch.std_mean`: a plain tuple (std, mean)."""
    _moment_dtype("std_mean", input)
    d = None if isinstance(dim, bool) else dim
    return (std(input, dim, unbiased, keepdim, correction=correction), mean(input, d, keepdim))


@export
def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Mirrors `torch.var_mean`: a plain tuple (var, mean)."""
    _moment_dtype("var_mean", input)
    d = None if isinstance(dim, bool) else dim
    return (var(input, dim, unbiased, keepdim, correction=correction), mean(input, d, keepdim))


# ---- prod -----------------------------------------------------------------------------------------

def _prod_others(a, axis):
    """Product of all other elements along `axis` (None: all), without dividing (zero-safe)."""
    if axis is None:
        shape, a = a.shape, a.reshape(-1)
        return _prod_others(a, 0).reshape(shape)
    a = np.moveaxis(a, axis, -1)
    ones = np.ones(a.shape[:-1] + (1,), a.dtype)
    left = np.cumprod(np.concatenate([ones, a[..., :-1]], -1), -1)
    right = np.cumprod(np.concatenate([ones, a[..., :0:-1]], -1), -1)[..., ::-1]
    return np.moveaxis(left * right, -1, axis)


def _prod_grad(grad, self, result, dim, keepdim):
    dims = () if dim is None else (dim,)
    g = _restore(grad, dims, keepdim, self.ndim)
    if not (self._host() == 0).any():
        return g * _restore(result, dims, keepdim, self.ndim) / self
    others = wrap(_prod_others(self._host(), dim), self._dtype, self._device)
    return g * others


ProdBackward0 = node("ProdBackward0", self=lambda grad, self, result:
                     _prod_grad(grad, self, result, None, False))
ProdBackward1 = node("ProdBackward1", self=_prod_grad)


@export(method=True)
def prod(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mirrors `torch.prod` (one dim at most)."""
    if isinstance(dim, (list, tuple)):
        raise TypeError("prod(): argument 'dim' must be int, not " + type(dim).__name__)
    odt = _sum_dtype(input, dtype, out)
    dims = wrap_dims(dim if dim is None else [dim], input._data.ndim)
    cd = P.computation_dtype(odt)
    r = _run(input, lambda xp, a, ax, kd: xp.prod(a, axis=ax, keepdims=kd, dtype=cd.np), dims, keepdim, odt,
             cd)
    if out is not None:
        return write_out("prod", out, r, odt, (input,))
    t = wrap(r, odt, input._device)
    if recording(input):
        if dim is None:
            record(ProdBackward0, (input,), t, {"self": input, "result": t})
        else:
            record(ProdBackward1, (input,), t, {"self": input, "result": t, "dim": dims[0] if dims else 0,
                                                 "keepdim": keepdim})
    return t


# ---- max / min / amax / amin / aminmax / argmax / argmin ------------------------------------------

def _is_float(a):
    """Whether backend array `a` holds floats, bfloat16 included."""
    return a.dtype.kind == "f" or _is_bf16(a)


def _is_bf16(a):
    """Whether backend array `a` holds bfloat16 (NumPy kind "V": asking `dtype.name` would cost ~2 us)."""
    return a.dtype.kind == "V" and a.dtype == D.bfloat16.np


def take_along(xp, x, idx, d):
    """`x`'s elements at indices `idx` along dim `d` (NumPy's take_along_axis). That function builds an index
    grid in Python (~3.5 us on a small array); for the common 1-D and 2-D cases one arange does it."""
    if x.ndim == 1:
        return x[idx]
    if x.ndim == 2:
        rows = xp.arange(x.shape[1 - d])
        return x[rows[:, None], idx] if d == 1 else x[idx, rows]
    return xp.take_along_axis(x, idx, axis=d)


def _nan_arg(xp, x, axis, kind):
    """argmax/argmin (keepdims) that pick the first NaN, as torch does (NaN propagates)."""
    r = x.argmax(axis, keepdims=True) if kind == "max" else x.argmin(axis, keepdims=True)
    # NumPy's own argmax/argmin already pick the first NaN for its native float dtypes: skip the extra pass
    if (xp is not np and x.dtype.kind == "f") or _is_bf16(x):
        nan = xp.isnan(x)
        if nan.any():
            r = xp.where(nan.any(axis=axis, keepdims=True), xp.argmax(nan, axis=axis, keepdims=True), r)
    return r


def _nan_reduce(xp, x, axis, keepdims, kind):
    return (xp.max if kind == "max" else xp.min)(x, axis=axis, keepdims=keepdims)


def _no_complex(name, input):
    if input._dtype.is_complex:
        raise RuntimeError(f"{name}(): does not support complex input" if name in ("max", "min") else
                           f"{name} does not support complex input")


MaxBackward1 = node("MaxBackward1", self=lambda grad, self, result: _even_grad(grad, self, result,
                                                                              tuple(range(self.ndim)), False))
MinBackward1 = node("MinBackward1", self=lambda grad, self, result: _even_grad(grad, self, result,
                                                                              tuple(range(self.ndim)), False))
MaxBackward0 = _values_node("MaxBackward0")
MinBackward0 = _values_node("MinBackward0")
AmaxBackward0 = node("AmaxBackward0", self=_even_grad)
AminBackward0 = node("AminBackward0", self=_even_grad)


def _extreme(name, input, dim, keepdim, out):
    if input._dtype._category == 3:
        _no_complex(name, input)
    a = input._data
    if dim is None:
        if a.size == 0:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                               "Specify the reduction dim with the 'dim' argument.")
        r = _run(input, lambda xp, x, ax, kd: _nan_reduce(xp, x, None, False, name), (), False, input._dtype)
        if out is not None:
            return write_out(name, out, r, input._dtype, (input,))
        t = wrap(r, input._dtype, input._device)
        if recording(input):
            record(MaxBackward1 if name == "max" else MinBackward1, (input,), t, {"self": input, "result": t})
        return t
    x, d = _along(input, dim)
    if not x.shape[d]:
        _check_nonempty(name, x, d)
    xp = np if input._device is CPU else _xp(input)
    idx = _nan_arg(xp, x, d, name)
    vals = take_along(xp, x, idx, d)  # the values at the indices: ties and signed zeros as torch picks them
    node_cls = MaxBackward0 if name == "max" else MinBackward0
    return _values_indices(name, input, vals, idx, d, keepdim, node_cls, out)


def _elementwise(name, input, dim, other, out):
    """max(input, other) / min(input, other): torch's elementwise overload."""
    return FUNCTIONS["maximum" if name == "max" else "minimum"](input, dim if other is None else other, out=out)


@export(method=True)
def max(input, dim=None, keepdim=False, *, other=None, out=None):
    """Mirrors `torch.max`: full reduction, `(values, indices)` along a dim, or elementwise with a tensor."""
    if other is not None or isinstance(dim, Tensor):
        return _elementwise("max", input, dim, other, out)
    return _extreme("max", input, dim, keepdim, out)


@export(method=True)
def min(input, dim=None, keepdim=False, *, other=None, out=None):
    """Mirrors `torch.min`."""
    if other is not None or isinstance(dim, Tensor):
        return _elementwise("min", input, dim, other, out)
    return _extreme("min", input, dim, keepdim, out)


def _amaxmin(name, input, dim, keepdim, out):
    _no_complex(name, input)
    a = input._data
    dims = wrap_dims(None if _is_full(dim) else dim, a.ndim)
    if a.size == 0:
        if _is_full(dim):
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                               "Specify the reduction dim with the 'dim' argument.")
        for d in dims if a.ndim else ():
            if a.shape[d] == 0:
                raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    if out is not None and out._dtype is not input._dtype:
        raise RuntimeError("Expected the dtype for input and out to match, but got "
                           f"{P.torch_name(input._dtype)} for input's dtype and "
                           f"{P.torch_name(out._dtype)} for out's dtype.")
    kind = "max" if name == "amax" else "min"
    r = _run(input, lambda xp, x, ax, kd: _nan_reduce(xp, x, ax, kd, kind), dims, keepdim, input._dtype)
    if out is not None:
        return write_out(name, out, r, input._dtype, (input,))
    t = wrap(r, input._dtype, input._device)
    if recording(input):
        record(AmaxBackward0 if name == "amax" else AminBackward0, (input,), t,
               {"self": input, "result": t, "dims": dims, "keepdim": keepdim})
    return t


@export(method=True)
def amax(input, dim=(), keepdim=False, *, out=None):
    """Mirrors `torch.amax` (gradient split evenly among ties)."""
    return _amaxmin("amax", input, dim, keepdim, out)


@export(method=True)
def amin(input, dim=(), keepdim=False, *, out=None):
    """Mirrors `torch.amin`."""
    return _amaxmin("amin", input, dim, keepdim, out)


@export(method=True)
def aminmax(input, *, dim=None, keepdim=False, out=None):
    """Mirrors `torch.aminmax`: `return_types.aminmax(min, max)`."""
    a = input._data
    if a.size == 0 and dim is not None and a.ndim and a.shape[wrap_dim(dim, a.ndim)] == 0:
        raise IndexError(f"aminmax: Expected reduction dim {wrap_dim(dim, a.ndim)} to have non-zero size.")
    if a.size == 0 and dim is None:
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has "
                           "no identity.")
    dims = wrap_dims(dim, a.ndim) if dim is not None else tuple(range(a.ndim))
    res = [_run(input, lambda xp, x, ax, kd, k=k: _nan_reduce(xp, x, ax, kd, k), dims, keepdim, input._dtype)
           for k in ("min", "max")]
    cls = structseq("aminmax", ("min", "max"))
    if out is not None:
        return cls(tuple(write_out("aminmax", o, r, input._dtype, (input,)) for o, r in zip(out, res)))
    ts = tuple(wrap(r, input._dtype, input._device) for r in res)
    if recording(input):
        record(AminmaxBackward0, (input,), ts, {"self": input, "min": ts[0], "max": ts[1], "dims": dims,
                                                "keepdim": keepdim})
    return cls(ts)


AminmaxBackward0 = node("AminmaxBackward0", n_outputs=2, self=lambda grads, self, min, max, dims, keepdim:
                        _even_grad(grads[0], self, min, dims, keepdim)
                        + _even_grad(grads[1], self, max, dims, keepdim))


def _arg(name, input, dim, keepdim, out):
    if input._dtype._category != 1 and input._dtype._category != 2:
        _no_complex(name, input)
        if input._dtype is D.bool_:
            raise RuntimeError(f"{name}(): does not support bool input")
    a = input._data
    kind = "max" if name == "argmax" else "min"
    xp = _xp(input)
    if dim is None:
        if a.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        # over the flattened array, shaped (1,) * ndim (a 0-dim array acts as shape [1]: NumPy gives scalars)
        r = _nan_arg(xp, a if a.ndim else a.reshape(1), None, kind)
        if not keepdim or not a.ndim:
            r = r.reshape(())
    else:
        x, d = _along(input, dim)
        _check_nonempty(name, x, d)
        r = _nan_arg(xp, x, d, kind)
        r = r.reshape(reduced_shape(a.shape, (d,), keepdim) if a.ndim else ())
    r = r.astype(np.int64, copy=False)
    if out is not None:
        _check_out_dtype(out, D.int64)
        return write_out(name, out, r, D.int64, (input,))
    return wrap(r, D.int64, input._device)


@export(method=True)
def argmax(input, dim=None, keepdim=False, *, out=None):
    """Mirrors `torch.argmax`: the first occurrence; NaN counts as the maximum."""
    return _arg("argmax", input, dim, keepdim, out)


@export(method=True)
def argmin(input, dim=None, keepdim=False, *, out=None):
    """Mirrors `torch.argmin`."""
    return _arg("argmin", input, dim, keepdim, out)


# ---- all / any / count_nonzero --------------------------------------------------------------------

def _logical(name, input, dim, keepdim, out):
    odt = D.uint8 if input._dtype is D.uint8 else D.bool_
    dims = wrap_dims(None if _is_full(dim) else dim, input._data.ndim)
    r = _run(input, lambda xp, x, ax, kd: (xp.all if name == "all" else xp.any)(x != 0, axis=ax, keepdims=kd),
             dims, keepdim, odt)
    return _result(name, input, r, odt, out)


@export(method=True)
def all(input, dim=None, keepdim=False, *, out=None):
    """Mirrors `torch.all`: bool result (uint8 stays uint8)."""
    return _logical("all", input, dim, keepdim, out)


@export(method=True)
def any(input, dim=None, keepdim=False, *, out=None):
    """Mirrors `torch.any`."""
    return _logical("any", input, dim, keepdim, out)


@export(method=True)
def count_nonzero(input, dim=None):
    """Mirrors `torch.count_nonzero`: int64 counts."""
    dims = wrap_dims(None if _is_full(dim) else dim, input._data.ndim)
    r = _run(input, lambda xp, x, ax, kd: xp.sum(x != 0, axis=ax, keepdims=kd, dtype=np.int64), dims, False,
             D.int64)
    return wrap(r, D.int64, input._device)


# ---- norm / logsumexp -----------------------------------------------------------------------------

def _norm_grad(grad, self, result, p, dims, keepdim):
    g = _restore(grad, dims, keepdim, self.ndim)
    r = _restore(result, dims, keepdim, self.ndim)
    if p == 0:
        return self * 0
    if p == 1:
        return g * self.sgn()
    if math.isinf(p):
        mask = self.abs() == r
        return g * self.sgn() * mask / mask.sum(dims, keepdim=True)
    if p == 2:
        return g * self / (r + (r == 0))
    scaled = self.sgn() * self.abs() ** (p - 1)
    if p < 1:  # |x|^(p-1) is infinite at x == 0: take the subgradient 0 there
        scaled = scaled.masked_fill(self == 0, 0)
    return g * scaled / (r ** (p - 1) + (r == 0))


LinalgVectorNormBackward0 = node("LinalgVectorNormBackward0", self=_norm_grad)


@export(method=True)
def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """Mirrors `torch.norm` / `Tensor.norm`: a vector norm for a number p (or 'fro' over at most two dims);
    linalg.matrix_norm for 'nuc' (and any other string, which it rejects), over all dims by default."""
    if isinstance(p, str) and not (p == "fro" and (dim is None or isinstance(dim, int) or len(dim) <= 2)):
        from .linalg import matrix_norm
        dims = list(range(input.ndim)) if dim is None else [dim] if isinstance(dim, int) else dim
        return matrix_norm(input, p, dims, keepdim, dtype=dtype, out=out)
    if input._dtype._category < 2:
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{P.torch_name(input._dtype)}")
    p = 2.0 if p == "fro" or p is None else float(p)
    dims = wrap_dims(None if _is_full(dim) else dim, input._data.ndim)
    if math.isinf(p) and _b.any(input._data.shape[d] == 0 for d in dims) if input._data.ndim else False:
        sign = "" if p > 0 else "-"
        raise RuntimeError(f"linalg.vector_norm cannot compute the {sign}inf norm on an empty "
                           "tensor because the operation does not have an identity")
    src = input.to(dtype) if dtype is not None else input
    odt = src._dtype.to_real()
    cd = P.computation_dtype(odt)

    def k(xp, x, ax, kd):
        if p == 2 and xp is np and x.size >= _BIG and len(ax) == x.ndim and x.dtype in _VAR_FAST \
                and x.flags.c_contiguous:  # blocked: no array-sized |x| and |x|**2 temporaries
            return np.full((1,) * x.ndim if kd else (), math.sqrt(_sum_squares(x.reshape(-1))), cd.np)
        a = xp.abs(x).astype(cd.np, copy=False)
        if p == 0:
            return xp.sum(a != 0, axis=ax, keepdims=kd).astype(cd.np)
        if math.isinf(p):
            return (xp.max if p > 0 else xp.min)(a, axis=ax, keepdims=kd)
        if p == 1:
            return xp.sum(a, axis=ax, keepdims=kd)
        if p == 2:
            return xp.sqrt(xp.sum(a * a, axis=ax, keepdims=kd))
        return xp.sum(a ** p, axis=ax, keepdims=kd) ** (1 / p)
    r = _run(src, k, dims, keepdim, odt)
    if out is not None:
        return write_out("norm", out, r, odt, (input,))
    t = wrap(r, odt, input._device)
    if recording(src):
        record(LinalgVectorNormBackward0, (src,), t, {"self": src, "result": t, "p": p, "dims": dims,
                                                       "keepdim": keepdim})
    return t


def _dist_grad(grad, self, other, p, result):
    diff = self - other
    return _norm_grad(grad, diff, result, p, tuple(range(diff.ndim)), False)


DistBackward0 = node("DistBackward0", self=_dist_grad,
                     other=lambda grad, self, other, p, result: -_dist_grad(grad, self, other, p, result))


@export(method=True)
def dist(input, other, p=2):
    """Mirrors `torch.dist`: the p-norm of input - other (broadcast), recorded as one DistBackward0."""
    p = float(p)
    t = norm(input.detach() - other.detach(), p)
    if recording(input, other):
        record(DistBackward0, (input, other), t, {"self": input, "other": other, "p": p, "result": t})
    return t


LogsumexpBackward0 = node("LogsumexpBackward0", self=lambda grad, self, result, dims, keepdim:
                          _restore(grad, dims, keepdim, self.ndim)
                          * (self - _restore(result, dims, keepdim, self.ndim)).exp())


@export(method=True)
def logsumexp(input, dim, keepdim=False, *, out=None):
    """Mirrors `torch.logsumexp` (stable: shifts by the max; integers compute in the default float)."""
    odt = input._dtype if input._dtype._category >= 2 else P.int_to_float(input._dtype)
    dims = wrap_dims(None if _is_full(dim) else dim, input._data.ndim)
    cd = P.computation_dtype(odt)

    def k(xp, x, ax, kd):
        if x.size == 0:
            return xp.log(xp.sum(xp.exp(x), axis=ax, keepdims=kd))
        m = xp.max(x, axis=ax, keepdims=True)
        m = xp.where(xp.isfinite(m), m, 0)
        s = xp.log(xp.sum(xp.exp(x - m), axis=ax, keepdims=True)) + m
        return s if kd else xp.squeeze(s, axis=ax)
    r = _run(input, k, dims, keepdim, odt, cd)
    if out is not None:
        return write_out("logsumexp", out, r, odt, (input,))
    t = wrap(r, odt, input._device)
    if recording(input):
        record(LogsumexpBackward0, (input,), t, {"self": input, "result": t, "dims": dims,
                                                 "keepdim": keepdim})
    return t


# ---- median / nanmedian / mode / quantile ---------------------------------------------------------

def _median_idx(xp, x, d, ignore_nan):
    """Indices (keepdim) of the lower median along `d`; NaN wins unless ignored (then the lower median of
    the rest; all-NaN picks a NaN)."""
    order = xp.argsort(x, axis=d, kind="stable")
    n = x.shape[d]
    if _is_float(x):
        nan = xp.isnan(x)
        cnt = n - xp.sum(nan, axis=d, keepdims=True)
        if ignore_nan:
            pos = xp.maximum(cnt - 1, 0) // 2
            return take_along(xp, order, pos, d)
        pos = xp.full(cnt.shape, (n - 1) // 2)
        idx = take_along(xp, order, pos, d)
        return xp.where(cnt < n, xp.argmax(nan, axis=d, keepdims=True), idx)
    return take_along(xp, order, xp.full(x.shape[:d] + (1,) + x.shape[d + 1:], (n - 1) // 2), d)


MedianBackward0 = node("MedianBackward0", self=lambda grad, self, result: _even_grad(
    grad, self, result, tuple(range(self.ndim)), False))
NanmedianBackward0 = node("NanmedianBackward0", self=lambda grad, self, result: _even_grad(
    grad, self, result, tuple(range(self.ndim)), False))
MedianBackward1 = _values_node("MedianBackward1")
NanmedianBackward1 = _values_node("NanmedianBackward1")


def _median(name, input, dim, keepdim, out):
    _no_complex(name, input)
    if input._dtype is D.bool_:
        kernel = "median_cpu" if dim is None else "median_out"
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")
    xp = _xp(input)
    nan = name == "nanmedian"
    if dim is None:
        a = input._data.reshape(-1)
        if a.size == 0:
            r = xp.full((), np.nan, input._dtype.np)
        else:
            r = a[_median_idx(xp, a, 0, nan)].reshape(())
        t = wrap(_contig(r), input._dtype, input._device)
        if recording(input):
            record(NanmedianBackward0 if nan else MedianBackward0, (input,), t, {"self": input, "result": t})
        return t
    x, d = _along(input, dim)
    _check_nonempty(name, x, d)
    idx = _median_idx(xp, x, d, nan)
    vals = take_along(xp, x, idx, d)
    node_cls = NanmedianBackward1 if nan else MedianBackward1
    return _values_indices(name, input, vals, idx, d, keepdim, node_cls, out)


@export(method=True)
def median(input, dim=None, keepdim=False, *, out=None):
    """Mirrors `torch.median`: the LOWER median (no averaging); NaN propagates."""
    return _median("median", input, dim, keepdim, out)


@export(method=True)
def nanmedian(input, dim=None, keepdim=False, *, out=None):
    """Mirrors `torch.nanmedian`: the lower median of the non-NaN elements."""
    return _median("nanmedian", input, dim, keepdim, out)


ModeBackward0 = _values_node("ModeBackward0")


@export(method=True)
def mode(input, dim=-1, keepdim=False, *, out=None):
    """Mirrors `torch.mode`: the smallest most frequent value and the index of its last occurrence."""
    x, d = _along(input, dim)
    _check_nonempty("mode", x, d)
    h = np.moveaxis(input._host().reshape(x.shape), d, -1)
    rows = h.reshape(-1, h.shape[-1])
    vals = np.empty(len(rows), h.dtype)
    idx = np.empty(len(rows), np.int64)
    for i, row in enumerate(rows):
        u, c = np.unique(row, return_counts=True)
        vals[i] = u[np.argmax(c)]
        idx[i] = len(row) - 1 - np.argmax(row[::-1] == vals[i])
    shape = h.shape[:-1] + (1,)
    vals = np.moveaxis(vals.reshape(shape), -1, d)
    idx = np.moveaxis(idx.reshape(shape), -1, d)
    return _values_indices("mode", input, vals, idx, d, keepdim, ModeBackward0, out)


def _quantile(name, input, q, dim, keepdim, interpolation, out):
    nan = name == "nanquantile"
    name = "quantile"  # torch's messages name quantile for nanquantile too
    if input._dtype not in (D.float32, D.float64):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if isinstance(q, Tensor):
        if q._data.ndim > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        if q._dtype is not input._dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        qa = q._host()
    else:
        qa = np.asarray(q, np.float64)
    if ((qa < 0) | (qa > 1)).any():
        raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {q}" if not isinstance(q, Tensor)
                           else f"{name}() q values must be in the range [0, 1]")
    if interpolation not in ("linear", "lower", "higher", "midpoint", "nearest"):
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, midpoint or "
                           f"nearest. Got {interpolation}")
    if input.numel() == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    if out is not None and isinstance(out, Tensor) and out._dtype is not input._dtype:
        raise RuntimeError(f"{name}() out tensor must be same dtype as the input tensor")
    r = _quantile_compute(input, q, dim, keepdim, interpolation, nan)
    if out is not None:
        return write_out(name, out, r._data, r._dtype, (input,))
    return r


def _quantile_compute(input, q, dim, keepdim, interpolation, ignore_nan):
    """torch's quantile as the composite it is (so values, float32 rounding and autograd are torch's): sort
    the reduced dim last; ranks q * (n - 1) in the input's dtype (n: the non-NaN count for nanquantile; any
    NaN in a row makes quantile take its last, NaN, entry); values at floor(rank), lerped toward ceil(rank)."""
    nd = input.ndim
    d = wrap_dim(0 if dim is None else dim, nd)
    if dim is not None and nd:
        shape = list(input.shape)
        if keepdim:
            shape[d] = 1
        else:
            del shape[d]
    else:
        shape = [1] * nd if keepdim else []
    reduced = input.flatten() if dim is None else input if d == nd - 1 else input.unsqueeze(-1).transpose(d, -1)
    ordered = reduced.sort().values
    n = ordered.shape[-1]
    ordered = ordered.view(shape + [n])
    if n > 1 << 24:  # ranks are computed in float
        raise RuntimeError("quantile() input tensor is too large")
    from .creation import scalar_tensor
    qs = q if isinstance(q, Tensor) else scalar_tensor(q, dtype=input.dtype, device=input.device)
    qs = qs.reshape(-1)
    if ignore_nan:
        ranks = qs * (ordered.isnan().logical_not().sum(-1, keepdim=True) - 1)
        ranks = ranks.masked_fill(ranks < 0, 0)
    else:
        from .shape import broadcast_tensors
        ranks, has_nan = broadcast_tensors(qs * (n - 1), ordered.isnan().any(-1, keepdim=True))
        ranks = ranks.masked_fill(has_nan, n - 1)
    if interpolation in _ROUND_RANKS:
        ranks = getattr(ranks, _ROUND_RANKS[interpolation])()
    below = ranks.long()
    values = ordered.gather(-1, below)
    if interpolation in ("linear", "midpoint"):
        weights = ranks - below if interpolation == "linear" else ranks.new_full(ranks.shape, 0.5)
        values = values.lerp(ordered.gather(-1, ranks.ceil().long()), weights)
    if not isinstance(q, Tensor) or q.ndim == 0:
        return values.squeeze_(-1)  # in place, as torch (its nodes: SqueezeBackward4, TransposeBackward1)
    return values.unsqueeze_(0).transpose_(0, -1).squeeze_(-1)


_ROUND_RANKS = {"lower": "floor", "higher": "ceil", "nearest": "round"}


@export(method=True)
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """Mirrors `torch.quantile`."""
    return _quantile("quantile", input, q, dim, keepdim, interpolation, out)


@export(method=True)
def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """Mirrors `torch.nanquantile`."""
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, out)


# ---- cumulative ops -------------------------------------------------------------------------------

def _rev_cumsum(g, dim):
    return g.sum(dim, keepdim=True) - g.cumsum(dim) + g


def _cumprod_grad(grad, self, result, dim):
    if not self.ndim:
        return grad
    x = self._host()
    if not (x == 0).any():
        return _rev_cumsum(grad * result, dim) / self
    # zero-safe: dL/dx_i = sum_{k>=i} g_k prod_{j<=k, j!=i} x_j
    xm, g = np.moveaxis(x, dim, -1), np.moveaxis(grad._host(), dim, -1)
    out = np.zeros_like(xm)
    for i in range(xm.shape[-1]):
        y = xm.copy()
        y[..., i] = 1
        out[..., i] = np.sum((g * np.cumprod(y, -1))[..., i:], -1)
    return wrap(_contig(np.moveaxis(out, -1, dim)), self._dtype, self._device)


CumsumBackward0 = node("CumsumBackward0", self=lambda grad, dim:
                       _rev_cumsum(grad, dim) if grad.ndim else grad)
CumprodBackward0 = node("CumprodBackward0", self=_cumprod_grad)


# torch's CPU cumulative kernels accumulate float32 and complex64 in double precision (acc_type), rounding
# each output; half types accumulate in float32 (their computation dtype)
_CUM_ACC = {D.float32: D.float64, D.complex64: D.complex128}


def _cum(name, input, dim, dtype, out):
    odt = _sum_dtype(input, dtype, out)
    x, d = _along(input, dim)
    cd = _CUM_ACC.get(odt) or P.computation_dtype(odt)
    xp = _xp(input)
    with np.errstate(all="ignore"):
        r = (xp.cumsum if name == "cumsum" else xp.cumprod)(x.astype(cd.np), axis=d)
    r = r.astype(odt.np).reshape(input._data.shape)
    if out is not None:
        return write_out(name, out, r, odt, (input,))
    t = wrap(r, odt, input._device)
    if recording(input):
        if name == "cumsum":
            record(CumsumBackward0, (input,), t, {"dim": d})
        else:
            record(CumprodBackward0, (input,), t, {"self": input, "result": t, "dim": d})
    return t


@export(method=True)
def cumsum(input, dim, *, dtype=None, out=None):
    """Mirrors `torch.cumsum` (integers accumulate to int64)."""
    return _cum("cumsum", input, dim, dtype, out)


@export(method=True)
def cumprod(input, dim, *, dtype=None, out=None):
    """Mirrors `torch.cumprod`."""
    return _cum("cumprod", input, dim, dtype, out)


# in-place forms: the result is computed out of place, then copied back (copy_ records autograd)
Tensor.cumsum_ = lambda self, dim, *, dtype=None: self.copy_(cumsum(self, dim, dtype=dtype))
Tensor.cumprod_ = lambda self, dim, *, dtype=None: self.copy_(cumprod(self, dim, dtype=dtype))


CummaxBackward0 = _values_node("CummaxBackward0")
CumminBackward0 = _values_node("CumminBackward0")


def _cumext(name, input, dim, out):
    x, d = _along(input, dim)
    h = np.moveaxis(input._host().reshape(x.shape), d, -1)
    vals, idx = h.copy(), np.zeros(h.shape, np.int64)
    floating = _is_float(h)
    for i in range(1, h.shape[-1]):
        cur, new = vals[..., i - 1], h[..., i]
        take = (new >= cur) if name == "cummax" else (new <= cur)
        if floating:
            take = take | np.isnan(new)
        vals[..., i] = np.where(take, new, cur)
        idx[..., i] = np.where(take, i, idx[..., i - 1])
    vals = _contig(np.moveaxis(vals, -1, d).reshape(input._data.shape))
    idx = np.moveaxis(idx, -1, d)
    if out is not None:
        return _out_tuple(name, out, (vals, idx.reshape(vals.shape)), (input._dtype, D.int64), (input,))
    vt = wrap(vals, input._dtype, input._device)
    it = wrap(_contig(idx.reshape(vals.shape)), D.int64, input._device)
    if recording(input):
        record(CummaxBackward0 if name == "cummax" else CumminBackward0, (input,), (vt, None),
               {"self_sizes": input._data.shape, "dim": d, "idx": idx.reshape(vals.shape)})
    return structseq(name, ("values", "indices"))((vt, it))


@export(method=True)
def cummax(input, dim, *, out=None):
    """Mirrors `torch.cummax`: running max and the index of its last occurrence; NaN propagates."""
    return _cumext("cummax", input, dim, out)


@export(method=True)
def cummin(input, dim, *, out=None):
    """Mirrors `torch.cummin`."""
    return _cumext("cummin", input, dim, out)


def _logcumsumexp_grad(grad, self, result, dim):
    """sum_{j>=i} grad_j exp(self_i - result_j), in log space (positive and negative grads apart) so
    that large inputs neither overflow exp(self) nor underflow exp(-result)."""
    if not self.ndim:
        return grad

    def part(g):
        return (self + (g.log() - result).flip(dim).logcumsumexp(dim).flip(dim)).exp()
    return part(grad.clamp(min=0)) - part((-grad).clamp(min=0))


LogcumsumexpBackward0 = node("LogcumsumexpBackward0", self=_logcumsumexp_grad)


@export(method=True)
def logcumsumexp(input, dim, *, out=None):
    """Mirrors `torch.logcumsumexp`."""
    if input._dtype._category < 2:
        raise NotImplementedError("\"logcumsumexp_out_cpu\" not implemented for "
                                  f"'{P.torch_name(input._dtype)}'")
    x, d = _along(input, dim)
    cd = _CUM_ACC.get(input._dtype) or P.computation_dtype(input._dtype)
    with np.errstate(all="ignore"):
        r = np.logaddexp.accumulate(x.astype(cd.np), axis=d)
    r = r.astype(input._dtype.np).reshape(input._data.shape)
    if out is not None:
        return write_out("logcumsumexp", out, r, input._dtype, (input,))
    t = wrap(r, input._dtype, input._device)
    if recording(input):
        record(LogcumsumexpBackward0, (input,), t, {"self": input, "result": t, "dim": d})
    return t


@export(method=True)
def diff(input, n=1, dim=-1, prepend=None, append=None, *, out=None):
    """Mirrors `torch.diff`: built from slicing and subtraction, so autograd comes from those ops."""
    if input._data.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    d = wrap_dim(dim, input._data.ndim)
    x = input
    if prepend is not None or append is not None:
        parts = [t if isinstance(t, Tensor) else wrap(np.broadcast_to(np.asarray(t, input._dtype.np),
                                                                      _with(input._data.shape, d, 1)).copy(),
                                                      input._dtype, input._device)
                 for t in (prepend, input, append) if t is not None]
        x = FUNCTIONS["cat"](parts, d) if "cat" in FUNCTIONS else wrap(
            np.concatenate([p._host() for p in parts], d), input._dtype, input._device)
    lead = (slice(None),) * d
    for _ in range(n):
        if x._data.shape[d] == 0:
            break
        a, b = x[lead + (slice(1, None),)], x[lead + (slice(None, -1),)]
        x = a != b if x._dtype is D.bool_ else a - b
    if out is not None:
        return write_out("diff", out, x._data, x._dtype, (input,))
    return x


def _with(shape, d, n):
    return shape[:d] + (n,) + shape[d + 1:]


TraceBackward0 = node("TraceBackward0", self=lambda grad, self_sizes: grad * FUNCTIONS["eye"](
    *self_sizes, dtype=grad.dtype, device=grad.device))


@export(method=True)
def trace(input):
    """Mirrors `torch.trace` (matrices only; integers sum to int64)."""
    a = input._data
    if a.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {a.ndim}")
    if input._dtype is D.bool_:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    odt = _sum_dtype(input, None)
    cd = P.computation_dtype(odt)
    r = _run(input, lambda xp, x, ax, kd: xp.trace(x, dtype=cd.np), (0, 1), False, odt)
    t = wrap(r, odt, input._device)
    if recording(input):
        record(TraceBackward0, (input,), t, {"self_sizes": a.shape})
    return t
