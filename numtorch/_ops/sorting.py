"""Sorting, selection and set ops: sort, argsort, msort, topk, kthvalue, unique, unique_consecutive,
searchsorted, bucketize, bincount, histc, histogram."""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, wrap
from ..return_types import structseq
from . import _promotion as P
from ._meta import wrap_dim
from ._registry import export, write_out
from .reduction import _along, _contig, _out_tuple, _values_indices, _values_node, _xp, take_along

SortBackward0 = _values_node("SortBackward0")
TopkBackward0 = _values_node("TopkBackward0")
KthvalueBackward0 = _values_node("KthvalueBackward0")


def _order(xp, x, d, descending):
    """Stable sort order along `d` (NaN sorts as the largest, as in torch)."""
    if not descending:
        return xp.argsort(x, axis=d, kind="stable")
    # descending and stable: sort the reversed array ascending, reverse, and map indices back
    n = x.shape[d]
    rev = xp.flip(x, axis=d)
    return n - 1 - xp.flip(xp.argsort(rev, axis=d, kind="stable"), axis=d)


def _sorted(name, input, dim, descending, k, out, node_cls):
    x, d = _along(input, dim)
    xp = _xp(input)
    idx = _order(xp, x, d, descending)
    if k is not None:
        idx = xp.take(idx, xp.arange(k), axis=d)
    vals = take_along(xp, x, idx, d)
    return _values_indices(name, input, vals, idx, d, True, node_cls, out)


@export(method=True)
def sort(input, dim=-1, descending=False, stable=False, *, out=None):
    """Mirrors `torch.sort` (always stable here; torch's unstable order is unspecified)."""
    if isinstance(dim, bool):  # sort(stable=..., dim=...) keyword form: torch.sort(x, stable=True)
        dim = -1
    return _sorted("sort", input, dim, descending, None, out, SortBackward0)


@export(method=True)
def argsort(input, dim=-1, descending=False, stable=False):
    """Mirrors `torch.argsort`."""
    return sort(input, dim, descending, stable).indices


@export(method=True)
def msort(input, *, out=None):
    """Mirrors `torch.msort`: sorted along dim 0."""
    v = sort(input, 0).values
    return write_out("msort", out, v._data, v._dtype, (input,)) if out is not None else v


@export(method=True)
def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    """Mirrors `torch.topk` (results come sorted)."""
    x, d = _along(input, dim)
    if k < 0 or k > x.shape[d]:
        raise RuntimeError("selected index k out of range")
    if input._dtype is D.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    return _sorted("topk", input, dim, largest, k, out, TopkBackward0)


@export(method=True)
def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    """Mirrors `torch.kthvalue`: the k-th smallest (1-based) along `dim`."""
    x, d = _along(input, dim)
    if not 1 <= k <= x.shape[d]:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    if input._dtype is D.bool_:
        raise NotImplementedError("\"kthvalue_cpu\" not implemented for 'Bool'")
    xp = _xp(input)
    idx = xp.take(_order(xp, x, d, False), xp.arange(k - 1, k), axis=d)
    vals = take_along(xp, x, idx, d)
    return _values_indices("kthvalue", input, vals, idx, d, keepdim, KthvalueBackward0, out)


# ---- sets -----------------------------------------------------------------------------------------

def _pack(input, values, inverse, counts, return_inverse, return_counts):
    dev = input._device
    res = [wrap(_contig(values), input._dtype, dev)]
    if return_inverse:
        res.append(wrap(_contig(inverse.astype(np.int64)), D.int64, dev))
    if return_counts:
        res.append(wrap(_contig(counts.astype(np.int64)), D.int64, dev))
    return res[0] if len(res) == 1 else tuple(res)


@export(method=True)
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """Mirrors `torch.unique` (results are sorted, as torch's CPU kernel returns them)."""
    a = input._host()
    if dim is None:
        u, inv, cnt = np.unique(a.reshape(-1), return_inverse=True, return_counts=True)
        return _pack(input, u, inv.reshape(a.shape), cnt, return_inverse, return_counts)
    d = wrap_dim(dim, a.ndim)
    u, inv, cnt = np.unique(a, return_inverse=True, return_counts=True, axis=d)
    return _pack(input, u, inv.reshape(-1), cnt, return_inverse, return_counts)


@export(method=True)
def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Mirrors `torch.unique_consecutive`: collapses runs of equal elements (or slices along `dim`)."""
    a = input._host()
    if dim is None:
        flat = a.reshape(-1)
        change = np.concatenate([[True], flat[1:] != flat[:-1]]) if flat.size else np.zeros(0, bool)
        starts = np.flatnonzero(change)
        return _pack(input, flat[starts], (np.cumsum(change) - 1).reshape(a.shape),
                     np.diff(np.append(starts, flat.size)), return_inverse, return_counts)
    d = wrap_dim(dim, a.ndim)
    m = np.moveaxis(a, d, 0).reshape(a.shape[d], -1)
    change = np.concatenate([[True], (m[1:] != m[:-1]).any(1)]) if len(m) else np.zeros(0, bool)
    starts = np.flatnonzero(change)
    vals = np.take(a, starts, axis=d)
    return _pack(input, vals, np.cumsum(change) - 1, np.diff(np.append(starts, len(m))), return_inverse,
                 return_counts)


# ---- searching and counting -----------------------------------------------------------------------

def _as_array(v, like):
    if isinstance(v, Tensor):
        return v._host(), v._data.ndim == 0
    return np.asarray(v), True


@export
def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None, out=None):
    """Mirrors `torch.searchsorted` (1-D boundaries, or matching leading dims)."""
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of "
                               "left while right was True")
        right = side == "right"
    seq = sorted_sequence._host()
    vals, _ = _as_array(input, sorted_sequence)
    if sorter is not None:
        seq = np.take_along_axis(seq, sorter._host(), axis=-1)
    s = "right" if right else "left"
    if seq.ndim == 1:
        r = np.searchsorted(seq, vals, side=s)
    else:
        if vals.ndim == 0 or seq.shape[:-1] != vals.shape[:-1]:
            raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the first "
                               "N-1 dimensions of boundaries tensor and input value tensor must match, but "
                               f"we got boundaries tensor {list(seq.shape)} and input value tensor "
                               f"{list(vals.shape)}")
        s2, v2 = seq.reshape(-1, seq.shape[-1]), vals.reshape(-1, vals.shape[-1])
        r = np.stack([np.searchsorted(b, v, side=s) for b, v in zip(s2, v2)]).reshape(vals.shape)
    odt = D.int32 if out_int32 else D.int64
    r = _contig(np.asarray(r).astype(odt.np))
    if out is not None:
        return write_out("searchsorted", out, r, odt, (sorted_sequence,))
    return wrap(r, odt, sorted_sequence._device)


@export
def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """Mirrors `torch.bucketize`: right=False puts x in bucket i with boundaries[i-1] < x <= boundaries[i]."""
    if boundaries._data.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries._data.ndim})")
    vals, _ = _as_array(input, boundaries)
    odt = D.int32 if out_int32 else D.int64
    r = np.searchsorted(boundaries._host(), vals, side="right" if right else "left")
    r = _contig(np.asarray(r).astype(odt.np))
    if out is not None:
        return write_out("bucketize", out, r, odt, (boundaries,))
    return wrap(r, odt, boundaries._device)


@export(method=True)
def bincount(input, weights=None, minlength=0):
    """Mirrors `torch.bincount`: int64 counts, or sums of weights (float stays float, others double)."""
    if input._dtype._category != 1:
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{P.torch_name(input._dtype)}'")
    a = input._host()
    if a.ndim != 1 or (a.size and a.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None:
        return wrap(np.bincount(a, minlength=minlength).astype(np.int64), D.int64, input._device)
    w = weights._host()
    if w.shape != a.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    odt = weights._dtype if weights._dtype in (D.float32, D.float64) else D.float64
    r = np.bincount(a, weights=w.astype(np.float64), minlength=minlength).astype(odt.np)
    return wrap(r, odt, input._device)


def _float_only(name, input):
    if input._dtype._category != 2:
        raise NotImplementedError(f"\"{name}\" not implemented for '{P.torch_name(input._dtype)}'")


@export(method=True)
def histc(input, bins=100, min=0, max=0, *, out=None):
    """Mirrors `torch.histc`: equal-width bins over [min, max] (the data's range when min == max)."""
    _float_only("histogram_cpu", input)
    a = input._host().reshape(-1)
    lo, hi = float(min), float(max)
    if lo == hi and a.size:
        lo, hi = float(a.min()), float(a.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    edges = np.linspace(lo, hi, bins + 1).astype(a.dtype)
    r, _ = np.histogram(a, bins=edges)
    r = r.astype(input._dtype.np)
    if out is not None:
        return write_out("histc", out, r, input._dtype, (input,))
    return wrap(r, input._dtype, input._device)


@export(method=True)
def histogram(input, bins, *, range=None, weight=None, density=False, out=None):
    """Mirrors `torch.histogram`: `return_types.histogram(hist, bin_edges)`."""
    _float_only("histogram_cpu", input)
    a = input._host().reshape(-1)
    if isinstance(bins, Tensor):
        edges = bins._host()
    else:
        if range is not None:
            lo, hi = float(range[0]), float(range[1])
        else:
            lo, hi = (float(a.min()), float(a.max())) if a.size else (0.0, 0.0)
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        edges = np.linspace(lo, hi, bins + 1).astype(a.dtype)
    w = weight._host().reshape(-1) if weight is not None else None
    h, e = np.histogram(a, bins=edges, weights=w, density=density)
    h, e = h.astype(input._dtype.np), e.astype(input._dtype.np)
    cls = structseq("histogram", ("hist", "bin_edges"))
    if out is not None:
        return cls((write_out("histogram", out[0], h, input._dtype, (input,)),
                    write_out("histogram", out[1], e, input._dtype, (input,))))
    dev = input._device
    return cls((wrap(h, input._dtype, dev), wrap(_contig(e), input._dtype, dev)))


__all__ = ["_out_tuple"]
