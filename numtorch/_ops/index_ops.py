"""Index ops: index_select, gather, scatter family, index_add/copy/fill/put, masked_scatter/select, take,
put_, nonzero. Kernels copy `self` into a fresh array and write with NumPy's fancy indexing (`ufunc.at`
where duplicates must accumulate); in-place variants write the result back into `self`.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._backends import meta_probe, move, xp_for
from .._device import CPU, META
from .._tensor import Tensor, wrap
from . import _promotion as P
from ._meta import broadcast_shapes, wrap_dim
from ._promotion import torch_name
from ._registry import check_inplace_leaf, export, node, record, recording, write_into, write_out


def _arr(t):
    return meta_probe(t._data) if t._device is META else t._data


def _idx_arr(index, self):
    a = _arr(index)
    return move(a, index._device, self._device) if index._device is not self._device and \
        self._device is not META else a


def _finish(self, arr, inplace, cls, inputs, saved):
    """Wrap (or write back, for in-place) kernel result `arr` and record `cls` when inputs require grad."""
    if inplace:
        check_inplace_leaf(self)
        write_into(self, arr)
        if recording(*inputs):
            from ..autograd.inplace import rebase_history
            rebase_history(self, lambda: record(cls, inputs, self, saved))
        return self
    if self._device is META:
        from .._backends import meta_empty
        arr = meta_empty(arr.shape, arr.dtype)
    r = wrap(arr, self._dtype, self._device)
    if recording(*inputs):
        record(cls, inputs, r, saved)
    return r


def _check_index_dtype(index, name):
    if not isinstance(index, Tensor):
        raise TypeError(f"{name}(): argument 'index' must be Tensor, not {type(index).__name__}")
    if name in ("take", "put_"):
        if index._dtype is not D.int64:
            raise RuntimeError(f"{name}(): Expected a long tensor for index, but got "
                               f"{torch_name(index._dtype)}")
        return
    # the gather/scatter family takes int32 or int64 indices; an empty index of any dtype is accepted
    if index._dtype not in (D.int64, D.int32) and index.numel():
        raise RuntimeError(f"{'gather' if name == 'gather' else 'scatter'}(): "
                           "Expected dtype int32/int64 for index")


def _bounds(idx, n, dim):
    if idx.size and isinstance(idx, np.ndarray):
        hi, lo = idx.max(), idx.min()
        if hi >= n or lo < -n:
            raise RuntimeError(f"index {int(hi if hi >= n else lo)} is out of bounds for dimension {dim} "
                               f"with size "
                               f"{n}")


def _zeros_like_shape(grad, sizes):
    return grad.new_zeros(sizes)


# ---- index_select / gather -----------------------------------------------------------------------

IndexSelectBackward0 = node("IndexSelectBackward0", self=lambda grad, self_sizes, dim, index: grad.new_zeros(
    self_sizes).index_add(dim, index, grad))


@export(method=True)
def index_select(input, dim, index, *, out=None):
    """Mirrors `torch.index_select`."""
    if not isinstance(index, Tensor):
        raise TypeError(f"index_select(): argument 'index' (position 3) must be Tensor, not "
                        f"{type(index).__name__}")
    if index._dtype not in (D.int64, D.int32):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    if index._data.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    a = _arr(input)
    d = wrap_dim(dim, a.ndim)
    idx = _idx_arr(index, input).reshape(-1)
    n = a.shape[d] if a.ndim else 1
    if idx.size and isinstance(idx, np.ndarray) and (idx.max() >= n or idx.min() < 0):
        raise IndexError("index out of range in self")
    arr = xp_for(input._device).take(a, idx, axis=d) if a.ndim else a.reshape(1)[idx].reshape(())
    if a.ndim == 0:
        arr = a.copy()
    if out is not None:
        return write_out("index_select", out, arr, input._dtype, (input,))
    return _finish(input, arr, False, IndexSelectBackward0, (input,),
                   {"self_sizes": a.shape, "dim": d, "index": index})


def _check_gather_shapes(a, idx, d, name, src=None):
    if idx.ndim != a.ndim and not (idx.ndim <= 1 and a.ndim <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as "
                           + ("input" if name == "gather" else "self") + " tensor")
    for k in range(idx.ndim):
        if k != d and idx.shape[k] > (a.shape[k] if a.ndim else 1):
            if src is None:
                raise RuntimeError(f"Size does not match at dimension {k} expected index {list(idx.shape)} "
                                   f"to be "
                                   f"no larger than self {list(a.shape)} apart from dimension {d}")
            raise RuntimeError(f"Expected index {list(idx.shape)} to be no larger than self "
                               f"{list(a.shape)} apart "
                               f"from dimension {d} and to be no larger size than src {list(src.shape)}")
        if src is not None and idx.shape[k] > src.shape[k]:
            raise RuntimeError(f"Expected index {list(idx.shape)} to be no larger than self "
                               f"{list(a.shape)} apart "
                               f"from dimension {d} and to be no larger size than src {list(src.shape)}")


def _full_index(idx, d):
    """NumPy index tuple addressing, for every position of `idx`, the element it names along dim `d`."""
    grids = list(np.indices(idx.shape, sparse=True)) if isinstance(idx, np.ndarray) else \
        list(xp_indices(idx))
    grids[d] = idx
    return tuple(grids)


def xp_indices(idx):
    import cupy
    return cupy.indices(idx.shape, sparse=True)


GatherBackward0 = node("GatherBackward0", self=lambda grad, self_sizes, dim, index: _zeros_like_shape(
    grad, self_sizes).scatter_add(dim, index, grad))


@export(method=True)
def gather(input, dim, index, *, sparse_grad=False, out=None):
    """Mirrors `torch.gather`."""
    _check_index_dtype(index, "gather")
    a = _arr(input)
    d = wrap_dim(dim, a.ndim)
    idx = _idx_arr(index, input)
    _check_gather_shapes(a, idx, d, "gather")
    if a.ndim == 0:
        _bounds(idx, 1, d)
        arr = a.reshape(1)[idx.reshape(-1)].reshape(idx.shape)
    else:
        _bounds(idx, a.shape[d], d)
        arr = a[_full_index(idx, d)] if idx.size else a.reshape(-1)[:0].reshape(idx.shape)
    if out is not None:
        return write_out("gather", out, arr, input._dtype, (input,))
    return _finish(input, arr, False, GatherBackward0, (input,),
                   {"self_sizes": a.shape, "dim": d, "index": index})


@export(method=True)
def take_along_dim(input, indices, dim=None, *, out=None):
    """Mirrors `torch.take_along_dim`: gather after broadcasting all dims but `dim`."""
    if dim is None:
        r = gather(input.reshape(-1), 0, indices.reshape(-1))
        return r if out is None else write_out("take_along_dim", out, r._data, r._dtype, (input,))
    nd = input._data.ndim
    d = wrap_dim(dim, nd)
    if indices._data.ndim != nd:
        raise RuntimeError("torch.take_along_dim(): input and indices should have the same number of "
                           "dimensions, "
                           f"but got {nd} dimensions for input, and {indices._data.ndim} dimensions for "
                           f"indices")
    s_in = list(input._data.shape)
    s_ix = list(indices._data.shape)
    s_in[d] = s_ix[d] = 1
    b = list(broadcast_shapes(s_in, s_ix))
    bi, bx = list(b), list(b)
    bi[d], bx[d] = input._data.shape[d], indices._data.shape[d]
    r = gather(input.expand(bi), d, indices.expand(bx))
    return r if out is None else write_out("take_along_dim", out, r._data, r._dtype, (input,))


# ---- scatter family ------------------------------------------------------------------------------

def _src_grad(g, src_sizes):
    """`g` (index-shaped) padded with zeros to the source's shape (elements no index reads get none)."""
    if tuple(g.shape) == tuple(src_sizes):
        return g
    z = g.new_zeros(src_sizes)
    z[tuple(slice(0, n) for n in g.shape)] = g
    return z


ScatterBackward0 = node("ScatterBackward0",
                        self=lambda grad, dim, index: grad.scatter(dim, index, 0),
                        src=lambda grad, dim, index, src_sizes: _src_grad(grad.gather(dim, index), src_sizes))
ScatterBackward1 = node("ScatterBackward1", self=lambda grad, dim, index: grad.scatter(dim, index, 0),
                        value=None)
ScatterAddBackward0 = node("ScatterAddBackward0", self=lambda grad: grad,
                           src=lambda grad, dim, index, src_sizes: _src_grad(grad.gather(dim, index),
                                                                             src_sizes))
_REDUCE_OLD = {"add": np.add, "multiply": np.multiply}


def _scatter(self, dim, index, src=None, value=None, reduce=None, inplace=False, name="scatter"):
    _check_index_dtype(index, name)
    a = _arr(self)
    d = wrap_dim(dim, a.ndim)
    idx = _idx_arr(index, self)
    s = None
    if isinstance(src, Tensor):
        if src._dtype is not self._dtype:
            raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype")
        s = _idx_arr(src, self)
    _check_gather_shapes(a, idx, d, name, s)
    _bounds(idx, a.shape[d] if a.ndim else 1, d)
    if reduce is not None and reduce not in _REDUCE_OLD:
        raise RuntimeError("reduce argument must be either add or multiply.")
    out = a.copy()
    if idx.size:
        tgt = out.reshape(1) if a.ndim == 0 else out
        fi = _full_index(idx.reshape(-1) if a.ndim == 0 else idx, 0 if a.ndim == 0 else d)
        if s is not None:
            vals = s[tuple(slice(0, n) for n in idx.shape)] if s.ndim else s
        else:
            vals = np.asarray(value, dtype=a.dtype) if isinstance(a, np.ndarray) else value
        if reduce is None:
            tgt[fi] = vals
        else:
            _REDUCE_OLD[reduce].at(tgt, fi, vals)
    return out, d


def scatter(input, dim, index, src=None, value=None, *, reduce=None, out=None, _inplace=False):
    """Mirrors `torch.scatter` (src tensor or scalar value; legacy `reduce='add'|'multiply'`)."""
    if src is None and value is None:
        raise TypeError("scatter() missing required argument 'src' or 'value'")
    if not isinstance(src, Tensor) and src is not None:
        value, src = src, None
    if isinstance(value, Tensor):
        value = value.item()
    if reduce is not None and src is not None:
        import warnings
        warnings.warn("The reduce argument of torch.scatter with Tensor src is deprecated and will be "
                      "removed in "
                      "a future PyTorch release. Use torch.scatter_reduce instead for more reduction "
                      "options.",
                      UserWarning, stacklevel=2)
    arr, d = _scatter(input, dim, index, src, value, reduce, _inplace)
    if out is not None:
        return write_out("scatter", out, arr, input._dtype, (input,))
    if src is not None:
        return _finish(input, arr, _inplace, ScatterBackward0, (input, src),
                       {"dim": d, "index": index, "src_sizes": src._data.shape})
    return _finish(input, arr, _inplace, ScatterBackward1, (input, value), {"dim": d, "index": index})


export(scatter, method=True)
Tensor.scatter_ = lambda self, dim, index, src=None, value=None, *, reduce=None: scatter(
    self, dim, index, src, value, reduce=reduce, _inplace=True)


def scatter_add(input, dim, index, src, *, out=None, _inplace=False):
    """Mirrors `torch.scatter_add`."""
    arr, d = _scatter(input, dim, index, src, None, "add", _inplace, "scatter_add")
    if out is not None:
        return write_out("scatter_add", out, arr, input._dtype, (input,))
    return _finish(input, arr, _inplace, ScatterAddBackward0, (input, src),
                   {"dim": d, "index": index, "src_sizes": src._data.shape})


export(scatter_add, method=True)
Tensor.scatter_add_ = lambda self, dim, index, src: scatter_add(self, dim, index, src, _inplace=True)

_REDUCE_NEW = ("sum", "prod", "mean", "amax", "amin")


def _scatter_reduce_self(grad, dim, index, reduce, include_self, self, src, result):
    if not include_self:  # scattered-to positions dropped self's value: no gradient flows back there
        kept = grad.new_ones(self.shape).scatter(dim, index, 0.0)
        return kept * _scatter_reduce_self(grad, dim, index, reduce, True, self, src, result)
    if reduce == "sum":
        return grad
    if reduce == "mean":
        cnt = _counts(self, dim, index, include_self)
        return grad / cnt
    if reduce in ("amax", "amin"):
        hit = (self == result).to(grad.dtype)
        n = hit.scatter_add(dim, index, (src == result.gather(dim, index)).to(grad.dtype))
        return grad * hit / n
    # prod: grad * result / self where self is nonzero
    return grad * result / self


def _scatter_reduce_src(grad, dim, index, reduce, include_self, self, src, result):
    if reduce == "sum":
        return grad.gather(dim, index)
    if reduce == "mean":
        cnt = _counts(self, dim, index, include_self)
        return (grad / cnt).gather(dim, index)
    if reduce in ("amax", "amin"):
        hit = (self == result).to(grad.dtype) if include_self else self.new_zeros(self.shape)
        n = hit.scatter_add(dim, index, (src == result.gather(dim, index)).to(grad.dtype))
        return (grad / n).gather(dim, index) * (src == result.gather(dim, index)).to(grad.dtype)
    return (grad * result).gather(dim, index) / src


def _counts(self, dim, index, include_self):
    ones = self.new_ones(index.shape)
    base = self.new_ones(self.shape) if include_self else self.new_zeros(self.shape)
    return base.scatter_add(dim, index, ones).clamp(min=1) if hasattr(Tensor, "clamp") else \
        base.scatter_add(dim, index, ones)


ScatterReduceBackward0 = node("ScatterReduceBackward0", self=_scatter_reduce_self, src=_scatter_reduce_src)


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None, _inplace=False):
    """Mirrors `torch.scatter_reduce` (sum, prod, mean, amax, amin; include_self)."""
    if reduce not in _REDUCE_NEW:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    _check_index_dtype(index, "scatter_reduce")
    a = _arr(input)
    d = wrap_dim(dim, a.ndim)
    idx = _idx_arr(index, input)
    if src._dtype is not input._dtype:
        raise RuntimeError("scatter_reduce(): Expected self.dtype to be equal to src.dtype")
    s = _idx_arr(src, input)
    _check_gather_shapes(a, idx, d, "scatter_reduce", s)
    _bounds(idx, a.shape[d] if a.ndim else 1, d)
    res = a.copy()
    if idx.size:
        tgt = res.reshape(1) if a.ndim == 0 else res
        fi = _full_index(idx.reshape(-1) if a.ndim == 0 else idx, 0 if a.ndim == 0 else d)
        vals = s[tuple(slice(0, n) for n in idx.shape)] if s.ndim else s
        if not include_self:
            ident = {"sum": 0, "mean": 0, "prod": 1}
            if reduce in ident:
                tgt[fi] = ident[reduce]
            elif a.dtype.kind == "f" or a.dtype.kind == "c":
                tgt[fi] = -np.inf if reduce == "amax" else np.inf
            else:
                info = np.iinfo(a.dtype) if a.dtype.kind in "iu" else None
                tgt[fi] = (info.min if reduce == "amax" else info.max) if info else (reduce != "amax")
        ufunc = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum,
                 "amin": np.minimum}[reduce]
        ufunc.at(tgt, fi, vals)
        if reduce == "mean":
            cnt = np.zeros(res.shape, np.int64) + (1 if include_self else 0)
            np.add.at(cnt.reshape(tgt.shape), fi, 1)
            cnt = np.maximum(cnt, 1)
            if a.dtype.kind in "iub":
                res[...] = np.floor_divide(res, cnt).astype(a.dtype)
            else:
                res[...] = (res / cnt).astype(a.dtype)
    if out is not None:
        return write_out("scatter_reduce", out, res, input._dtype, (input,))
    saved = {"dim": d, "index": index, "reduce": reduce, "include_self": include_self, "self": input,
             "src": src}
    if _inplace:
        saved["self"] = input.detach().clone() if recording(input, src) else input
    r = _finish(input, res, _inplace, ScatterReduceBackward0, (input, src), saved)
    if recording(input, src):
        r._grad_fn._saved["result"] = _saved_result(r)
    return r


def _saved_result(r):
    from ..autograd.graph import SavedTensor
    return SavedTensor(r.detach(), is_output=False)


export(scatter_reduce, method=True)
Tensor.scatter_reduce_ = lambda self, dim, index, src, reduce, *, include_self=True: scatter_reduce(
    self, dim, index, src, reduce, include_self=include_self, _inplace=True)


# ---- index_add / index_copy / index_fill ---------------------------------------------------------

IndexAddBackward0 = node("IndexAddBackward0", self=lambda grad: grad,
                         source=lambda grad, dim, index, alpha, source_sizes: _maybe_mul(
                             grad.index_select(dim, index), alpha).reshape(source_sizes))
IndexCopyBackward0 = node("IndexCopyBackward0", self=lambda grad, dim, index: grad.index_fill(dim, index, 0),
                          source=lambda grad, dim, index, source_sizes: grad.index_select(dim, index).reshape(
                              source_sizes))
IndexFillBackward0 = node("IndexFillBackward0", self=lambda grad, dim, index: grad.index_fill(dim, index, 0),
                          value=None)
IndexFillBackward1 = node("IndexFillBackward1", self=lambda grad, dim, index: grad.index_fill(dim, index, 0),
                          value=lambda grad, dim, index: grad.index_select(dim, index).sum())


def _maybe_mul(g, alpha):
    return g if alpha == 1 else g * alpha


def _index_dim(self, dim, index, name):
    if not isinstance(index, Tensor):
        raise TypeError(f"{name}(): argument 'index' must be Tensor, not {type(index).__name__}")
    if index._dtype not in (D.int64, D.int32):
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    if index._data.ndim > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector")
    a = _arr(self)
    d = wrap_dim(dim, a.ndim)
    idx = _idx_arr(index, self).reshape(-1)
    return a, d, idx


def _src_slab(a, d, idx, s, name, tname):
    n_src = s.shape[d] if s.ndim else 1
    if idx.size != n_src:
        if name == "index_copy_":
            raise IndexError(f"index_copy_(): Number of indices ({idx.size}) should be equal to "
                             f"source.size(dim) "
                             f"({n_src})")
        raise RuntimeError(f"index_add_(): Number of indices ({idx.size}) should be equal to "
                           f"source.size(dim): "
                           f"({n_src}), for dim: {d}")
    n = a.shape[d] if a.ndim else 1
    if idx.size and isinstance(idx, np.ndarray) and (idx.max() >= n or idx.min() < -n):
        bad = int(idx.max() if idx.max() >= n else idx.min())
        if name == "index_copy_":
            raise IndexError(f"index_copy_(): index {bad} is out of bounds for dimension {d} with size {n}")
        raise RuntimeError(f"index {bad} is out of bounds for dimension {d} with size {n}")


def index_add(input, dim, index, source, *, alpha=1, out=None, _inplace=False):
    """Mirrors `torch.index_add` (`alpha` scales `source`)."""
    a, d, idx = _index_dim(input, dim, index, "index_add_")
    if source._dtype is not input._dtype:
        raise RuntimeError(f"index_add_(): self ({torch_name(input._dtype)}) and source "
                           f"({torch_name(source._dtype)}) must have the same scalar type")
    s = _idx_arr(source, input)
    _src_slab(a, d, idx, s, "index_add_", input._dtype)
    res = a.copy()
    if idx.size:
        vals = s if alpha == 1 else s * alpha
        if a.ndim == 0:
            res[...] = res + vals.reshape(())  # stays a 0-d array (a bare `+` gives a NumPy scalar)
        else:
            np.add.at(res, (slice(None),) * d + (idx,), vals.astype(a.dtype, copy=False))
    if out is not None:
        return write_out("index_add", out, res, input._dtype, (input,))
    return _finish(input, res, _inplace, IndexAddBackward0, (input, source),
                   {"dim": d, "index": index, "alpha": alpha, "source_sizes": source._data.shape})


export(index_add, method=True)
Tensor.index_add_ = lambda self, dim, index, source, *, alpha=1: index_add(
    self, dim, index, source, alpha=alpha, _inplace=True)


def index_copy(input, dim, index, source, *, out=None, _inplace=False):
    """Mirrors `torch.index_copy`."""
    a, d, idx = _index_dim(input, dim, index, "index_copy_")
    if source._dtype is not input._dtype:
        raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, but got (self) "
                           f"{torch_name(input._dtype)} and (source) {torch_name(source._dtype)}")
    s = _idx_arr(source, input)
    _src_slab(a, d, idx, s, "index_copy_", input._dtype)
    res = a.copy()
    if idx.size:
        if a.ndim == 0:
            res[...] = s.reshape(())
        else:
            res[(slice(None),) * d + (idx,)] = s
    if out is not None:
        return write_out("index_copy", out, res, input._dtype, (input,))
    return _finish(input, res, _inplace, IndexCopyBackward0, (input, source),
                   {"dim": d, "index": index, "source_sizes": source._data.shape})


export(index_copy, method=True)
Tensor.index_copy_ = lambda self, dim, index, source: index_copy(self, dim, index, source, _inplace=True)


def index_fill(input, dim, index, value, *, _inplace=False):
    """Mirrors `torch.index_fill` (a number or a 0-dim tensor value)."""
    a, d, idx = _index_dim(input, dim, index, "index_fill_")
    vt = value if isinstance(value, Tensor) else None
    if vt is not None:
        if vt._data.ndim:
            raise RuntimeError("index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{vt._data.ndim} dimension(s).")
        value = vt.item()
    value = P.number_as(value, input._dtype)
    n = a.shape[d] if a.ndim else 1
    if idx.size and isinstance(idx, np.ndarray) and (idx.max() >= n or idx.min() < -n):
        bad = int(idx.max() if idx.max() >= n else idx.min())
        raise IndexError(f"index {bad} is out of bounds for dimension {d} with size {n}")
    res = a.copy()
    if idx.size:
        if a.ndim == 0:
            res[...] = value
        else:
            res[(slice(None),) * d + (idx,)] = value
    if vt is not None:
        return _finish(input, res, _inplace, IndexFillBackward1, (input, vt), {"dim": d, "index": index})
    return _finish(input, res, _inplace, IndexFillBackward0, (input, value), {"dim": d, "index": index})


export(index_fill, method=True)
Tensor.index_fill_ = lambda self, dim, index, value: index_fill(self, dim, index, value, _inplace=True)


# ---- index_put / put / take ----------------------------------------------------------------------

def _index_put_self(grad, indices, accumulate):
    if accumulate:
        return grad
    return grad.index_put(indices, grad.new_zeros(()))


def _index_put_values(grad, indices, values_sizes):
    return grad[indices]


IndexPutBackward0 = node("IndexPutBackward0", self=_index_put_self, values=_index_put_values)


def _np_indices(self, indices):
    out = []
    a = self._data
    dim = 0
    for k in indices:
        if k is None:
            out.append(slice(None))
            dim += 1
            continue
        arr = _idx_arr(k, self)
        if k._dtype in (D.bool_, D.uint8):
            mask = arr.astype(bool)
            for j, m in enumerate(mask.shape):
                if dim + j >= a.ndim or a.shape[dim + j] != m:
                    raise IndexError(f"The shape of the mask {list(mask.shape)} at index {j} does not "
                                     f"match the "
                                     f"shape of the indexed tensor {list(a.shape)} at index {dim + j}")
            out.extend(np.nonzero(mask) if isinstance(mask, np.ndarray) else mask.nonzero())
            dim += mask.ndim
        elif k._dtype._category == 1:
            n = a.shape[dim] if dim < a.ndim else 0
            if arr.size and isinstance(arr, np.ndarray) and (arr.max() >= n or arr.min() < -n):
                bad = int(arr.max() if arr.max() >= n else arr.min())
                raise IndexError(f"index {bad} is out of bounds for dimension {dim} with size {n}")
            out.append(arr)
            dim += 1
        else:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    if dim > a.ndim:
        raise IndexError(f"too many indices for tensor of dimension {a.ndim}")
    return tuple(out)


def index_put(input, indices, values, accumulate=False, *, _inplace=False):
    """Mirrors `torch.index_put` (a tuple of index tensors; `accumulate` adds duplicates)."""
    indices = tuple(indices)
    if values._dtype is not input._dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{torch_name(input._dtype)} for the destination and "
                           f"{torch_name(values._dtype)} for "
                           "the source.")
    idx = _np_indices(input, indices)
    v = _idx_arr(values, input)
    res = _arr(input).copy()
    try:
        if accumulate:
            np.add.at(res, idx, np.broadcast_to(v, res[idx].shape))
        else:
            res[idx] = v
    except ValueError:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(v.shape)} cannot be broadcast to "
                           f"indexing "
                           f"result of shape {list(res[idx].shape)}") from None
    return _finish(input, res, _inplace, IndexPutBackward0, (input, values),
                   {"indices": indices, "accumulate": accumulate, "values_sizes": values._data.shape})


export(index_put, method=True)
Tensor.index_put_ = lambda self, indices, values, accumulate=False: index_put(
    self, indices, values, accumulate, _inplace=True)


def _take_check(a, idx):
    n = a.size
    if idx.size and isinstance(idx, np.ndarray) and (idx.max() >= n or idx.min() < -n):
        bad = int(idx.max() if idx.max() >= n else idx.min())
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")


TakeBackward0 = node("TakeBackward0", self=lambda grad, self_sizes, index: grad.new_zeros(self_sizes).put_(
    index, grad, accumulate=True))


@export(method=True)
def take(input, index, *, out=None):
    """Mirrors `torch.take`: elements of the flattened input."""
    _check_index_dtype(index, "take")
    a = _arr(input)
    idx = _idx_arr(index, input)
    _take_check(a, idx)
    arr = a.reshape(-1)[idx.reshape(-1)].reshape(idx.shape)  # a 0-d index gives a 0-d array, not a scalar
    if out is not None:
        return write_out("take", out, arr, input._dtype, (input,))
    return _finish(input, arr, False, TakeBackward0, (input,), {"self_sizes": a.shape, "index": index})


PutBackward0 = node("PutBackward0",
                    self=lambda grad, index, accumulate: grad if accumulate else grad.put(
                        index, grad.new_zeros(index.shape)),
                    source=lambda grad, index, source_sizes: grad.take(index).reshape(source_sizes))


def put(input, index, source, accumulate=False, *, _inplace=False):
    """Mirrors `torch.put` / `Tensor.put_`: writes `source` at flat positions `index`."""
    _check_index_dtype(index, "put_")
    if source._dtype is not input._dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got self.dtype = "
                           f"{torch_name(input._dtype)} and source.dtype = {torch_name(source._dtype)}")
    a = _arr(input)
    idx = _idx_arr(index, input).reshape(-1)
    s = _idx_arr(source, input).reshape(-1)
    if idx.size != s.size:
        raise RuntimeError(f"put_(): Expected source and index to have the same number of elements, but got "
                           f"source.numel() = {s.size}, index.numel() = {idx.size}")
    _take_check(a, idx)
    res = a.copy()
    flat = res.reshape(-1)
    if accumulate:
        np.add.at(flat, idx, s)
    else:
        flat[idx] = s
    return _finish(input, flat.reshape(a.shape), _inplace, PutBackward0, (input, source),
                   {"index": index, "accumulate": accumulate, "source_sizes": source._data.shape})


export(put, method=True)
Tensor.put_ = lambda self, index, source, accumulate=False: put(self, index, source, accumulate,
                                                                 _inplace=True)


# ---- masks ---------------------------------------------------------------------------------------

def _bool_mask(mask, name):
    if not isinstance(mask, Tensor) or mask._dtype is not D.bool_:
        raise RuntimeError(f"{name}: expected BoolTensor for mask")


MaskedSelectBackward0 = node("MaskedSelectBackward0", self=lambda grad, self_sizes, mask: grad.new_zeros(
    broadcast_shapes(self_sizes, mask.shape)).masked_scatter(mask, grad))


@export(method=True)
def masked_select(input, mask, *, out=None):
    """Mirrors `torch.masked_select`: the elements where the (broadcast) mask is true, as 1-D."""
    _bool_mask(mask, "masked_select")
    a = _arr(input)
    m = _idx_arr(mask, input)
    shape = broadcast_shapes(a.shape, m.shape)
    xp = xp_for(input._device)
    arr = xp.broadcast_to(a, shape)[xp.broadcast_to(m, shape)]
    if out is not None:
        return write_out("masked_select", out, arr, input._dtype, (input,))
    return _finish(input, arr, False, MaskedSelectBackward0, (input,), {"self_sizes": a.shape, "mask": mask})


def _masked_scatter_src(grad, mask, source_sizes):
    n = 1
    for s in source_sizes:
        n *= s
    sel = grad.masked_select(mask)
    pad = grad.new_zeros((n - sel.shape[0],))
    from .shape import cat
    return cat([sel, pad]).reshape(source_sizes)


MaskedScatterBackward0 = node("MaskedScatterBackward0",
                              self=lambda grad, mask: grad.masked_scatter(mask, grad.new_zeros(grad.shape)),
                              source=_masked_scatter_src)


def masked_scatter(input, mask, source, *, _inplace=False):
    """Mirrors `torch.masked_scatter`: fills true positions of the mask, in order, from `source`."""
    if not isinstance(mask, Tensor) or mask._dtype is not D.bool_:
        raise RuntimeError(f"masked_scatter_only supports boolean masks, but got mask with dtype "
                           f"{torch_name(mask._dtype) if isinstance(mask, Tensor) else type(mask).__name__}")
    if source._dtype is not input._dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got "
                           f"{torch_name(input._dtype)} and {torch_name(source._dtype)}")
    a = _arr(input)
    m = _idx_arr(mask, input)
    shape = tuple(broadcast_shapes(a.shape, m.shape))
    if _inplace and shape != a.shape:
        raise RuntimeError(f"masked_scatter_: expected mask to be broadcastable to self of shape "
                           f"{list(a.shape)}")
    xp = xp_for(input._device)
    res = xp.broadcast_to(a, shape).copy()
    mb = xp.broadcast_to(m, shape)
    k = int(mb.sum()) if input._device is not META else 0
    s = _idx_arr(source, input).reshape(-1)
    if k > s.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    if k:
        res[mb] = s[:k]
    return _finish(input, res, _inplace, MaskedScatterBackward0, (input, source),
                   {"mask": mask, "source_sizes": source._data.shape})


export(masked_scatter, method=True)
Tensor.masked_scatter_ = lambda self, mask, source: masked_scatter(self, mask, source, _inplace=True)


# ---- nonzero -------------------------------------------------------------------------------------

@export(method=True)
def nonzero(input, *, out=None, as_tuple=False):
    """Mirrors `torch.nonzero` (as_tuple: one index tensor per dim; a 0-dim input counts as 1-D)."""
    if input._device is META:
        raise NotImplementedError("aten::nonzero: attempted to run this operator with Meta tensors, but "
                                  "there "
                                  "was no fake impl or Meta kernel registered.")
    if out is not None and not isinstance(out, Tensor):
        raise TypeError(f"nonzero(): argument 'out' must be Tensor, not {type(out).__name__}")
    a = input._data
    xp = xp_for(input._device)
    if as_tuple:
        parts = xp.nonzero(a.reshape(1) if a.ndim == 0 else a)
        return tuple(wrap(p.astype(np.int64), D.int64, input._device) for p in parts)
    arr = xp.argwhere(a).astype(np.int64) if a.ndim else xp.zeros((1 if a else 0, 0), np.int64)
    if out is not None:
        return write_out("nonzero", out, arr, D.int64, (input,))
    return wrap(arr, D.int64, input._device)


@export(method=True)
def argwhere(input):
    """Mirrors `torch.argwhere`."""
    return nonzero(input)


del CPU
