"""Reductions: sum, mean, prod, std/var, max/min, and their dim/keepdim/dtype handling."""
from __future__ import annotations

import warnings

import numpy as np

from .. import _dtype as D
from .._backends import meta_empty, xp_for
from .._device import CPU, META
from .._tensor import wrap
from ..return_types import structseq
from . import _promotion as P
from ._meta import reduced_shape, wrap_dims, wrap_dim
from ._registry import export, node, record, recording, write_out


def _expand_back(grad, self_sizes, dims, keepdim):
    """Broadcast a reduction's gradient back over the reduced dims."""
    if not keepdim and len(self_sizes):
        for d in dims:
            grad = grad.unsqueeze(d)
    return grad.expand(self_sizes)


SumBackward0 = node("SumBackward0", self=lambda grad, self_sizes: grad.expand(self_sizes))
SumBackward1 = node("SumBackward1", self=lambda grad, self_sizes, dims, keepdim:
                    _expand_back(grad, self_sizes, dims, keepdim))
MeanBackward0 = node("MeanBackward0", self=lambda grad, self_sizes, n: grad.expand(self_sizes) / n)
MeanBackward1 = node("MeanBackward1", self=lambda grad, self_sizes, dims, keepdim, n:
                     _expand_back(grad, self_sizes, dims, keepdim) / n)


def _run(input, fn, dims, keepdim, out_dt, cd=None):
    """Apply backend reduction `fn(xp, array, axis, keepdims)` over `dims` in dtype `cd`."""
    a = input._data
    shape = reduced_shape(a.shape, dims, keepdim)
    if input._device is META:
        return meta_empty(shape, out_dt.np)
    xp = np if input._device is CPU else xp_for(input._device)
    if cd is not None and cd is not input._dtype:
        a = a.astype(cd.np)
    r = fn(xp, a, dims, keepdim)
    if type(r) is not np.ndarray and input._device is CPU:
        r = np.asarray(r)
    if r.dtype != out_dt.np:
        r = r.astype(out_dt.np)
    return r


def _sum_dtype(input, dtype):
    if dtype is not None:
        return dtype
    d = input._dtype
    return D.int64 if d._category <= 1 else d


@export(method=True)
def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mirrors `torch.sum`: integers and bools sum to int64; float16/bfloat16 accumulate in float32."""
    odt = _sum_dtype(input, dtype)
    full = dim is None or (isinstance(dim, (list, tuple)) and len(dim) == 0)
    dims = wrap_dims(None if full else dim, input._data.ndim)
    cd = P.computation_dtype(odt)
    r = _run(input, lambda xp, a, ax, kd: xp.sum(a, axis=ax, keepdims=kd, dtype=cd.np), dims, keepdim, odt, cd)
    if out is not None:
        return write_out("sum", out, r, odt, (input,))
    t = wrap(r, odt, input._device)
    if recording(input):
        if dim is None and not keepdim:
            record(SumBackward0, (input,), t, {"self_sizes": input._data.shape})
        else:
            record(SumBackward1, (input,), t, {"self_sizes": input._data.shape, "dims": dims, "keepdim": keepdim})
    return t


@export(method=True)
def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mirrors `torch.mean` (floating and complex inputs only, unless dtype= is given)."""
    odt = dtype or input._dtype
    if odt._category < 2:
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating point or "
                           f"complex dtype. Got: {P.torch_name(odt)}")
    full = dim is None or (isinstance(dim, (list, tuple)) and len(dim) == 0)
    dims = wrap_dims(None if full else dim, input._data.ndim)
    cd = P.computation_dtype(odt)
    a = input._data
    n = 1
    for d in dims:
        n *= a.shape[d] if a.ndim else 1
    r = _run(input, lambda xp, x, ax, kd: xp.mean(x, axis=ax, keepdims=kd, dtype=cd.np), dims, keepdim, odt, cd)
    if out is not None:
        return write_out("mean", out, r, odt, (input,))
    t = wrap(r, odt, input._device)
    if recording(input):
        if dim is None and not keepdim:
            record(MeanBackward0, (input,), t, {"self_sizes": a.shape, "n": n})
        else:
            record(MeanBackward1, (input,), t, {"self_sizes": a.shape, "dims": dims, "keepdim": keepdim, "n": n})
    return t


def _correction(unbiased, correction):
    if correction is not None:
        return correction
    if unbiased is None:
        return 1
    return 1 if unbiased else 0


def _var_args(dim, unbiased, correction):
    """torch's std/var overloads: std(dim, unbiased, keepdim) and std(unbiased) and std(dim, correction=)."""
    if isinstance(dim, bool):
        return None, dim, correction
    return dim, unbiased, correction


def _std_grad(grad, self, result, dims, keepdim, correction, n):
    mean_ = self.mean(dims, keepdim=True)
    g = grad if keepdim or not dims else _unsq(grad, dims)
    r = result if keepdim or not dims else _unsq(result, dims)
    return g * (self - mean_) / (r * max(n - correction, 0))


def _var_grad(grad, self, dims, keepdim, correction, n):
    mean_ = self.mean(dims, keepdim=True)
    g = grad if keepdim or not dims else _unsq(grad, dims)
    return g * 2 * (self - mean_) / max(n - correction, 0)


def _unsq(t, dims):
    for d in dims:
        t = t.unsqueeze(d)
    return t


StdBackward0 = node("StdBackward0", self=_std_grad)
VarBackward0 = node("VarBackward0", self=_var_grad)


def _moment(name, input, dim, unbiased, keepdim, correction, out, root):
    dim, unbiased, correction = _var_args(dim, unbiased, correction)
    c = _correction(unbiased, correction)
    if input._dtype._category < 2:
        raise RuntimeError(f"{name}(): input dtype should be either floating point or complex dtypes. Got "
                           f"{P.torch_name(input._dtype)} instead.")
    full = dim is None or (isinstance(dim, (list, tuple)) and len(dim) == 0)
    dims = wrap_dims(None if full else dim, input._data.ndim)
    a = input._data
    n = 1
    for d in dims:
        n *= a.shape[d] if a.ndim else 1
    odt = input._dtype.to_real()
    cd = P.computation_dtype(input._dtype)
    if n - c <= 0:
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
                      "reduction factor (input numel divided by output numel).", UserWarning, stacklevel=3)

    def k(xp, x, ax, kd):
        with np.errstate(divide="ignore", invalid="ignore"):
            v = xp.var(x, axis=ax, keepdims=kd, ddof=0)
            v = v * n / (n - c) if n - c > 0 else v * np.inf if n else v * np.nan
            return xp.sqrt(v) if root else v
    r = _run(input, k, dims, keepdim, odt, cd)
    if out is not None:
        return write_out(name, out, r, odt, (input,))
    t = wrap(r, odt, input._device)
    if recording(input):
        saved = {"self": input, "dims": dims if not full else tuple(range(a.ndim)), "keepdim": keepdim,
                 "correction": c, "n": n}
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


def _prod_grad(grad, self, result, dims, keepdim):
    g = grad if keepdim or dims is None else _unsq(grad, dims)
    r = result if keepdim or dims is None else _unsq(result, dims)
    return g * r / self


ProdBackward0 = node("ProdBackward0", self=lambda grad, self, result: grad * result / self)
ProdBackward1 = node("ProdBackward1", self=_prod_grad)


@export(method=True)
def prod(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mirrors `torch.prod`."""
    odt = _sum_dtype(input, dtype)
    dims = wrap_dims(dim if dim is None else [dim], input._data.ndim)
    cd = P.computation_dtype(odt)
    r = _run(input, lambda xp, a, ax, kd: xp.prod(a, axis=ax, keepdims=kd, dtype=cd.np), dims, keepdim, odt, cd)
    if out is not None:
        return write_out("prod", out, r, odt, (input,))
    t = wrap(r, odt, input._device)
    if recording(input):
        if dim is None:
            record(ProdBackward0, (input,), t, {"self": input, "result": t})
        else:
            record(ProdBackward1, (input,), t, {"self": input, "result": t, "dims": dims, "keepdim": keepdim})
    return t


def _even_grad(grad, self, result):
    mask = self == result
    return grad * mask / mask.sum()


def _index_grad(grad, self_sizes, dim, indices, keepdim):
    from .creation import zeros
    g = zeros(self_sizes, dtype=grad._dtype, device=grad._device)
    if not keepdim and len(self_sizes):
        grad = grad.unsqueeze(dim)
        indices = indices.unsqueeze(dim)
    return g.scatter(dim, indices, grad)


MaxBackward1 = node("MaxBackward1", self=_even_grad)
MinBackward1 = node("MinBackward1", self=_even_grad)
MaxBackward0 = node("MaxBackward0", n_outputs=2, self=_index_grad)
MinBackward0 = node("MinBackward0", n_outputs=2, self=_index_grad)


def _extreme(name, input, dim, keepdim, other, out):
    if other is not None:
        from . import pointwise_ext  # noqa: F401  (maximum/minimum live with the pointwise family)
        from ._registry import FUNCTIONS
        return FUNCTIONS["maximum" if name == "max" else "minimum"](input, other, out=out)
    a = input._data
    if dim is None:
        if a.size == 0:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                               "Specify the reduction dim with the 'dim' argument.")
        fn = np.max if name == "max" else np.min
        if input._dtype.is_complex:
            raise RuntimeError(f"{name}(): does not support complex input")
        r = _run(input, lambda xp, x, ax, kd: (xp.max if name == "max" else xp.min)(x), (), False, input._dtype)
        del fn
        t = wrap(r, input._dtype, input._device)
        if recording(input):
            record(MaxBackward1 if name == "max" else MinBackward1, (input,), t, {"self": input, "result": t})
        return t
    d = wrap_dim(dim, a.ndim)
    if a.ndim and a.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    xp = np if input._device is not META else None
    if input._device is META:
        shape = reduced_shape(a.shape, (d,), keepdim)
        vals, idx = meta_empty(shape, a.dtype), meta_empty(shape, np.int64)
    else:
        xp = np if input._device is CPU else xp_for(input._device)
        x = a if a.ndim else a.reshape(1)
        idx = (xp.argmax if name == "max" else xp.argmin)(_nan_first(xp, x, name), axis=d if a.ndim else 0,
                                                            keepdims=True)
        vals = xp.take_along_axis(x, idx, axis=d if a.ndim else 0)
        if not keepdim or not a.ndim:
            vals = vals.reshape(reduced_shape(a.shape, (d,), keepdim))
            idx = idx.reshape(vals.shape)
    v = wrap(np.ascontiguousarray(vals) if xp is np else vals, input._dtype, input._device)
    i = wrap(idx.astype(np.int64) if hasattr(idx, "astype") else idx, D.int64, input._device)
    if recording(input):
        record(MaxBackward0 if name == "max" else MinBackward0, (input,), (v, None),
               {"self_sizes": a.shape, "dim": d, "indices": i, "keepdim": keepdim})
    res = structseq(name, ("values", "indices"))((v, i))
    if out is not None:
        out[0].resize_(v.shape).copy_(v)
        out[1].resize_(i.shape).copy_(i)
        return structseq(name, ("values", "indices"))(out)
    return res


def _nan_first(xp, x, name):
    """argmax/argmin that pick the first NaN, as torch does (NaN propagates)."""
    if x.dtype.kind != "f" and x.dtype.name != "bfloat16":
        return x
    if xp.isnan(x).any():
        big = xp.inf if name == "max" else -xp.inf
        return xp.where(xp.isnan(x), big, x).astype(x.dtype)
    return x


@export(method=True)
def max(input, dim=None, keepdim=False, *, out=None):
    """Mirrors `torch.max`: full reduction, `(values, indices)` along a dim, or elementwise with a tensor."""
    from .._tensor import Tensor
    if isinstance(dim, Tensor):
        return _extreme("max", input, None, False, dim, out)
    return _extreme("max", input, dim, keepdim, None, out)


@export(method=True)
def min(input, dim=None, keepdim=False, *, out=None):
    """Mirrors `torch.min`."""
    from .._tensor import Tensor
    if isinstance(dim, Tensor):
        return _extreme("min", input, None, False, dim, out)
    return _extreme("min", input, dim, keepdim, None, out)
