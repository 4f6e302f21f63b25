"""Copying shape ops: cat/stack families, flips and rolls, repeats, triangles, diagonals, grids.

Results are fresh tensors (torch copies for all of these); `broadcast_to`, `broadcast_tensors`,
`atleast_*d` and `meshgrid` are views, built from the view ops.
"""
from __future__ import annotations

import itertools

import numpy as np

from .._backends import meta_empty, meta_probe, xp_for
from .._device import CPU, META
from .._memory_format import channels_last, channels_last_3d, is_contiguous_as
from .._tensor import Tensor, wrap
from . import _promotion as P
from ._meta import broadcast_shapes, parse_size, sizes_or_keyword, wrap_dim
from ._registry import export, node, record, recording, write_out
from .views import expand, flatten, reshape, unsqueeze


def _arrays(tensors, dtype=None):
    """Backend arrays of `tensors` (cast to `dtype`), probes on meta."""
    out = []
    for t in tensors:
        a = meta_probe(t._data) if t._device is META else t._data
        if dtype is not None and a.dtype != dtype.np:
            a = a.astype(dtype.np)
        out.append(a)
    return out


def _result(arr, dtype, device):
    if device is META:
        return wrap(meta_empty(arr.shape, arr.dtype), dtype, META)
    return wrap(arr, dtype, device)


_var_nodes = {}


def _var_node(name, n, make_formula):
    """A node class over `n` tensor inputs whose formula for input i is `make_formula(i)`."""
    cls = _var_nodes.get((name, n))
    if cls is None:
        cls = _var_nodes[(name, n)] = node(name, **{f"t{i}": make_formula(i) for i in range(n)})
    return cls


def _tensor_list(tensors, name):
    if isinstance(tensors, Tensor):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor")
    tensors = list(tensors)
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    return tensors


# ---- cat / stack ---------------------------------------------------------------------------------

def _cat_formula(i):
    def f(grad, dim, bounds):
        s, e = bounds[i]
        if e < 0:  # a skipped legacy empty 1-D input
            return grad.new_zeros((0,))
        return grad.narrow(dim, s, e - s)
    return f


def _joined(arr, tensors):
    """torch.cat/stack write a contiguous result unless every input is channels_last; NumPy instead keeps
    whatever layout its inputs share (the transpose of transposes, say)."""
    if arr.flags.c_contiguous or all(_channels_last(t) for t in tensors):
        return arr
    return xp_for(tensors[0]._device).ascontiguousarray(arr)


def _channels_last(t):
    nd = t._data.ndim
    return (nd == 4 or nd == 5) and not t._data.flags.c_contiguous and is_contiguous_as(
        t, channels_last if nd == 4 else channels_last_3d)


def _plain_arrays(tensors, index=None):
    """The arrays of `tensors` (each indexed by `index`, if given) when it is a non-empty list or tuple of CPU
    tensors of one dtype that need no autograd recording, else None. The lean paths of cat and stack run
    on these: NumPy checks the shapes and dim itself, and only when it refuses does the general path run,
    to raise torch's error."""
    if type(tensors) is not list and type(tensors) is not tuple or not tensors:
        return None
    dt = getattr(tensors[0], "_dtype", None)
    arrays = []
    for t in tensors:
        if type(t) is not Tensor or t._dtype is not dt or t._device is not CPU or t._rg:
            return None
        arrays.append(t._data if index is None else t._data[index])
    return arrays


# `array[_NEW_AXIS[d]]` views an array with a new axis of size one at d
_NEW_AXIS = tuple((slice(None),) * d + (None,) for d in range(8))


@export(aliases=("concat", "concatenate"))
def cat(tensors, dim=0, *, out=None, axis=None):
    """Mirrors `torch.cat`: promotes across inputs; 1-D empty inputs are skipped (torch's legacy rule)."""
    if out is None and axis is None and type(dim) is int:
        arrays = _plain_arrays(tensors)
        if arrays is not None:
            try:
                # the general path's result too: NumPy joins a legacy 1-D empty input to other 1-D ones (it
                # adds nothing) and refuses it beside higher ranks, where the general path skips it
                return wrap(_joined(np.concatenate(arrays, dim), tensors), tensors[0]._dtype, CPU)
            except ValueError:  # mismatched shapes, a 0-dim input, dim out of range: torch's message below
                pass
    if axis is not None:
        dim = axis
    tensors = _tensor_list(tensors, "cat")
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    dt = P.result_type(*tensors)
    live = [t for t in tensors if not (t._data.ndim == 1 and t._data.shape[0] == 0)]
    ref = live[0] if live else tensors[0]
    keep = {id(t) for t in live} | {id(ref)}
    for i, t in enumerate(tensors):
        if t._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    nd = ref._data.ndim
    d = wrap_dim(dim, nd)
    for i, t in enumerate(tensors):
        if id(t) not in keep:
            continue
        if t._data.ndim != nd:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {nd} and {t._data.ndim}")
        for k in range(nd):
            if k != d and t._data.shape[k] != ref._data.shape[k]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size "
                                   f"{ref._data.shape[k]} but got size {t._data.shape[k]} for tensor "
                                   f"number {i} "
                                   "in the list.")
    dev = ref._device
    for t in tensors:
        if t._device is not dev:
            raise RuntimeError(f"Expected all tensors to be on the same device, but found at least two "
                               f"devices, "
                               f"{dev} and {t._device}!")
    parts = live if live else [ref]
    xp = xp_for(dev)
    arr = _joined(xp.concatenate(_arrays(parts, dt), axis=d), parts)
    if out is not None:
        return write_out("cat", out, arr, dt, tensors)
    r = _result(arr, dt, dev)
    if recording(*tensors):
        bounds, p = [], 0
        for t in tensors:
            if id(t) in keep:
                n = t._data.shape[d]
                bounds.append((p, p + n))
                p += n
            else:
                bounds.append((0, -1))
        record(_var_node("CatBackward0", len(tensors), _cat_formula), tuple(tensors), r,
               {"dim": d, "bounds": tuple(bounds)})
    return r


def _stack_formula(i):
    return lambda grad, dim: grad.select(dim, i)


@export()
def stack(tensors, dim=0, *, out=None):
    """Mirrors `torch.stack`."""
    first = tensors[0] if out is None and type(dim) is int and type(tensors) in (list, tuple) and tensors else None
    if type(first) is Tensor:
        # each array with a new axis at d, concatenated along it: what numpy.stack does, less its Python checks
        d = dim + first._data.ndim + 1 if dim < 0 else dim
        if 0 <= d < len(_NEW_AXIS) and d <= first._data.ndim:
            try:
                arrays = _plain_arrays(tensors, _NEW_AXIS[d])
                if arrays is not None:
                    return wrap(_joined(np.concatenate(arrays, d), tensors), first._dtype, CPU)
            except (ValueError, IndexError):  # unequal shapes or ranks: torch's message below
                pass
    tensors = _tensor_list(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    s0 = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        if t._data.shape != s0:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(s0)} at entry 0 "
                               f"and "
                               f"{list(t._data.shape)} at entry {i}")
    d = wrap_dim(dim, len(s0) + 1)
    dt = P.result_type(*tensors)
    dev = tensors[0]._device
    arr = _joined(xp_for(dev).stack(_arrays(tensors, dt), axis=d), tensors)
    if out is not None:
        return write_out("stack", out, arr, dt, tensors)
    r = _result(arr, dt, dev)
    if recording(*tensors):
        record(_var_node("StackBackward0", len(tensors), _stack_formula), tuple(tensors), r, {"dim": d})
    return r


@export()
def hstack(tensors, *, out=None):
    ts = atleast_1d(*_tensor_list(tensors, "hstack")) if tensors else []
    ts = [ts] if isinstance(ts, Tensor) else ts
    return cat(ts, 0 if ts and ts[0]._data.ndim == 1 else 1, out=out)


@export(aliases=("row_stack",))
def vstack(tensors, *, out=None):
    ts = atleast_2d(*_tensor_list(tensors, "vstack")) if tensors else []
    return cat([ts] if isinstance(ts, Tensor) else ts, 0, out=out)


@export()
def dstack(tensors, *, out=None):
    ts = atleast_3d(*_tensor_list(tensors, "dstack")) if tensors else []
    return cat([ts] if isinstance(ts, Tensor) else ts, 2, out=out)


@export()
def column_stack(tensors, *, out=None):
    ts = [reshape(t, (t._data.size, 1)) if t._data.ndim <= 1 else t
          for t in _tensor_list(tensors, "column_stack")]
    return hstack(ts, out=out)


def _atleast(n, tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(_atleast(n, (t,)) for t in tensors[0])
    if len(tensors) != 1:
        return tuple(_atleast(n, (t,)) for t in tensors)
    t = tensors[0]
    nd = t._data.ndim
    if nd >= n:
        return t
    if n == 1:
        return reshape(t, (1,))
    if n == 2:
        return unsqueeze(t, 0) if nd == 1 else reshape(t, (1, 1))
    if nd == 0:
        return reshape(t, (1, 1, 1))
    if nd == 1:
        return unsqueeze(unsqueeze(t, 0), -1)
    return unsqueeze(t, -1)


@export()
def atleast_1d(*tensors):
    return _atleast(1, tensors)


@export()
def atleast_2d(*tensors):
    return _atleast(2, tensors)


@export()
def atleast_3d(*tensors):
    return _atleast(3, tensors)


# ---- flips, rolls, rotations ---------------------------------------------------------------------

FlipBackward0 = node("FlipBackward0", self=lambda grad, dims: flip(grad, dims))
RollBackward0 = node("RollBackward0", self=lambda grad, shifts, dims: roll(grad, [-s for s in shifts], dims))
Rot90Backward0 = node("Rot90Backward0", self=lambda grad, k, dims: rot90(grad, -k, dims))


def _unary(input, fn, cls, saved):
    a = meta_probe(input._data) if input._device is META else input._data
    r = _result(fn(xp_for(input._device), a), input._dtype, input._device)
    if cls is not None and recording(input):
        record(cls, (input,), r, saved)
    return r


@export(method=True)
def flip(input, *dims_args, dims=None):
    """Mirrors `torch.flip` (a copy, as torch); dims positionally, as varargs, or by keyword."""
    dims = parse_size(dims_args if dims is None else (dims,), "dims")
    nd = input._data.ndim
    wd = tuple(wrap_dim(d, nd) for d in dims)
    if len(set(wd)) != len(wd):
        d = next(x for i, x in enumerate(wd) if x in wd[:i])
        raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return _unary(input, lambda xp, a: xp.flip(a, wd).copy() if nd else a.copy(), FlipBackward0, {"dims": wd})


@export(method=True)
def fliplr(input):
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, 1)


@export(method=True)
def flipud(input):
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, 0)


@export(method=True)
def roll(input, shifts, dims=None):
    """Mirrors `torch.roll` (no dims: over the flattened tensor)."""
    shifts = list(parse_size((shifts,), "shifts")) if not isinstance(shifts, int) else [shifts]
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return _unary(input, lambda xp, a: xp.roll(a, shifts[0]), RollBackward0, {"shifts": tuple(shifts),
                                                                                  "dims": None})
    dims = list(parse_size((dims,), "dims")) if not isinstance(dims, int) else [dims]
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    nd = input._data.ndim
    wd = tuple(wrap_dim(d, nd) for d in dims)
    return _unary(input, lambda xp, a: xp.roll(a, tuple(shifts), wd) if nd else a.copy(), RollBackward0,
                  {"shifts": tuple(shifts), "dims": wd})


@export(method=True)
def rot90(input, k=1, dims=(0, 1)):
    """Mirrors `torch.rot90`."""
    dims = list(dims)
    nd = input._data.ndim
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if nd < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {nd}")
    d0, d1 = wrap_dim(dims[0], nd), wrap_dim(dims[1], nd)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    return _unary(input, lambda xp, a: xp.ascontiguousarray(xp.rot90(a, k, (d0, d1))), Rot90Backward0,
                  {"k": k, "dims": (d0, d1)})


# ---- repeats -------------------------------------------------------------------------------------

def _repeat_back(grad, self_sizes, repeats):
    lead = len(repeats) - len(self_sizes)
    sizes = (1,) * lead + tuple(self_sizes)
    inter = []
    for r, s in zip(repeats, sizes):
        inter += [r, s]
    g = grad.reshape(inter).sum(tuple(range(0, 2 * len(sizes), 2)))
    return g.reshape(self_sizes)


RepeatBackward0 = node("RepeatBackward0", self=_repeat_back)


def repeat(self, *sizes, repeats=None):
    """Mirrors `Tensor.repeat`."""
    if repeats is not None:
        sizes = sizes_or_keyword("repeat", sizes, repeats, "repeats")
    reps = parse_size(sizes, "repeats")
    nd = self._data.ndim
    if len(reps) < nd:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of "
                           "dimensions of "
                           "tensor")
    for r in reps:
        if r < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {r}: {list(reps)}")
    return _unary(self, lambda xp, a: xp.tile(a.reshape((1,) * (len(reps) - nd) + a.shape), reps),
                  RepeatBackward0, {"self_sizes": self._data.shape, "repeats": reps})


Tensor.repeat = repeat


@export(method=True)
def tile(input, dims):
    reps = parse_size((dims,), "dims")
    nd = input._data.ndim
    if len(reps) < nd:
        reps = (1,) * (nd - len(reps)) + reps
    return repeat(input, reps)


@export(method=True)
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Mirrors `torch.repeat_interleave` (int or tensor repeats; one-argument form on a repeats tensor)."""
    from .index_ops import index_select
    if repeats is None:  # torch.repeat_interleave(repeats): indices repeated by their counts
        rep = input
        if rep._data.ndim != 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        if rep._dtype._category != 1:
            raise RuntimeError("repeats has to be Long or Int tensor")
        host = rep._host()
        if host.size and host.min() < 0:
            raise RuntimeError("repeats can not be negative")
        return wrap(np.repeat(np.arange(host.size), host).astype(rep._dtype.np), rep._dtype) \
            .to(rep._device)
    if dim is None:
        input = flatten(input)
        dim = 0
    d = wrap_dim(dim, input._data.ndim)
    n = input._data.shape[d] if input._data.ndim else 1
    if isinstance(repeats, Tensor):
        if repeats._data.ndim > 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        if repeats._data.ndim == 0 or repeats._data.size == 1:
            repeats = int(repeats.item())
        else:
            if repeats._data.size != n:
                raise RuntimeError("repeats must have the same size as input along dim, but got "
                                   "repeats.size(0) "
                                   f"= {repeats._data.size} and input.size({d}) = {n}")
            return index_select(input, d, repeat_interleave(repeats))
    if repeats < 0:
        raise RuntimeError("repeats can not be negative")
    shape = list(input._data.shape) or [1]
    wide = shape[:d + 1] + [repeats] + shape[d + 1:]
    x = expand(unsqueeze(input.reshape(shape), d + 1), wide).contiguous()
    return x.view(shape[:d] + [n * repeats] + shape[d + 1:])


@export()
def broadcast_to(input, size):
    return expand(input, size)


Tensor.broadcast_to = broadcast_to


@export()
def broadcast_tensors(*tensors):
    """Mirrors `torch.broadcast_tensors`: expanded views."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    shape = broadcast_shapes(*[t._data.shape for t in tensors])
    return tuple(t if t._data.shape == tuple(shape) else expand(t, shape) for t in tensors)


# ---- triangles and diagonals ---------------------------------------------------------------------

TrilBackward0 = node("TrilBackward0", self=lambda grad, diagonal: tril(grad, diagonal))
TriuBackward0 = node("TriuBackward0", self=lambda grad, diagonal: triu(grad, diagonal))


def _tri(input, diagonal, lower):
    name = "tril" if lower else "triu"
    if input._data.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    fn = (lambda xp, a: xp.tril(a, diagonal)) if lower else (lambda xp, a: xp.triu(a, diagonal))
    return _unary(input, fn,
                  TrilBackward0 if lower else TriuBackward0, {"diagonal": diagonal})


@export(method=True)
def tril(input, diagonal=0, *, out=None):
    """Mirrors `torch.tril`."""
    r = _tri(input, diagonal, True)
    return r if out is None else write_out("tril", out, r._data, r._dtype, (input,))


@export(method=True)
def triu(input, diagonal=0, *, out=None):
    """Mirrors `torch.triu`."""
    r = _tri(input, diagonal, False)
    return r if out is None else write_out("triu", out, r._data, r._dtype, (input,))


def _tri_(lower):
    def f(self, diagonal=0):
        from ._registry import check_inplace_leaf, write_into
        check_inplace_leaf(self)
        r = _tri(self.detach(), diagonal, lower)
        write_into(self, r._data)
        return self
    return f


Tensor.tril_ = _tri_(True)
Tensor.triu_ = _tri_(False)

DiagEmbedBackward0 = node("DiagEmbedBackward0",
                          self=lambda grad, offset, dim1, dim2: grad.diagonal(offset, dim1, dim2))


@export(method=True)
def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Mirrors `torch.diag_embed`: the last dim becomes the diagonal of the (dim1, dim2) planes."""
    a = input._data
    nd = a.ndim + 1
    d1, d2 = wrap_dim(dim1, nd), wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    n = (a.shape[-1] if a.ndim else 1) + abs(offset)
    rest = list(a.shape[:-1])
    shape = []
    it = iter(rest)
    for i in range(nd):
        shape.append(n if i in (d1, d2) else next(it))
    r = wrap(xp_for(input._device).zeros(shape, a.dtype) if input._device is not META
             else meta_empty(shape, a.dtype), input._dtype, input._device)
    if input._device is not META:
        r.diagonal(offset, d1, d2)._data[...] = a
    if recording(input):
        record(DiagEmbedBackward0, (input,), r, {"offset": offset, "dim1": d1, "dim2": d2})
    return r


DiagonalCopyBackward = node("DiagonalBackward0_copy", self=lambda grad, self_sizes, offset: _diag_back(
    grad, self_sizes, offset))


def _diag_back(grad, self_sizes, offset):
    g = grad.new_zeros(self_sizes)
    g.diagonal(offset).copy_(grad)
    return g


@export(method=True)
def diag(input, diagonal=0, *, out=None):
    """Mirrors `torch.diag`: a 1-D input gives a matrix, a 2-D input its diagonal (a copy)."""
    nd = input._data.ndim
    if nd == 1:
        r = diag_embed(input, diagonal, 0, 1)
    elif nd == 2:
        v = input.detach().diagonal(diagonal)
        r = wrap(v._data.copy(), input._dtype, input._device) if input._device is not META else v.clone()
        if recording(input):
            record(DiagonalCopyBackward, (input,), r, {"self_sizes": input._data.shape, "offset": diagonal})
    else:
        raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " + str(nd) + "D")
    return r if out is None else write_out("diag", out, r._data, r._dtype, (input,))


@export(method=True)
def diagflat(input, offset=0):
    return diag_embed(flatten(input), offset, 0, 1)


def _block_formula(i):
    def f(grad, boxes):
        r0, r1, c0, c1, shape = boxes[i]
        return grad[r0:r1, c0:c1].reshape(shape)
    return f


@export()
def block_diag(*tensors):
    """Mirrors `torch.block_diag`."""
    for i, t in enumerate(tensors):
        if t._data.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input "
                               f"{i} has "
                               f"{t._data.ndim} dimensions")
    mats = [t._data.reshape((1, -1) if t._data.ndim == 1 else (1, 1) if t._data.ndim == 0 else t._data.shape)
            if t._device is not META else meta_probe(t._data) for t in tensors]
    mats = [m.reshape((1, -1)) if m.ndim == 1 else m.reshape(1, 1) if m.ndim == 0 else m for m in mats]
    dt = P.result_type(*tensors) if tensors else None
    if dt is None:
        from .creation import empty
        return empty((1, 0))
    dev = tensors[0]._device
    R = sum(m.shape[0] for m in mats)
    C = sum(m.shape[1] for m in mats)
    xp = xp_for(dev)
    arr = xp.zeros((R, C), dt.np) if dev is not META else meta_empty((R, C), dt.np)
    boxes, r, c = [], 0, 0
    for t, m in zip(tensors, mats):
        if dev is not META:
            arr[r:r + m.shape[0], c:c + m.shape[1]] = m
        boxes.append((r, r + m.shape[0], c, c + m.shape[1], t._data.shape))
        r += m.shape[0]
        c += m.shape[1]
    out = wrap(arr, dt, dev)
    if recording(*tensors):
        record(_var_node("BlockDiagBackward0", len(tensors), _block_formula), tuple(tensors), out,
               {"boxes": tuple(boxes)})
    return out


# ---- grids and combinatorics ---------------------------------------------------------------------

_MESHGRID_WARN = ("torch.meshgrid: in an upcoming release, it will be required to pass the indexing "
                  "argument.")


@export()
def meshgrid(*tensors, indexing=None):
    """Mirrors `torch.meshgrid`: expanded views (warns, as torch, when `indexing` is omitted)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        import warnings
        warnings.warn(_MESHGRID_WARN, UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: "
                           f"{indexing}")
    if not tensors:
        raise RuntimeError("torch.meshgrid expects a non-empty TensorList")
    for t in tensors:
        if t._data.ndim > 1:
            raise RuntimeError("torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: "
                               "" + repr(t))
    ts = list(tensors)
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    shape = tuple(t._data.size for t in ts)
    n = len(ts)
    outs = [expand(t.reshape(tuple(-1 if j == i else 1 for j in range(n))), shape) for i, t in enumerate(ts)]
    if swap:
        outs[0], outs[1] = outs[1], outs[0]
    return tuple(outs)


@export()
def cartesian_prod(*tensors):
    """Mirrors `torch.cartesian_prod`."""
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([flatten(g) for g in grids], 1)


@export()
def combinations(input, r=2, with_replacement=False):
    """Mirrors `torch.combinations`."""
    if input._data.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input._data.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        from .creation import empty
        return empty((0,), dtype=input._dtype, device=input._device)
    from .creation import tensor as _tensor
    n = input._data.shape[0]
    combo = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    idx = np.array(list(combo(range(n), r)), dtype=np.int64).reshape(-1, r)
    # no combinations still goes through indexing + stack: torch's (0, r) result has a grad_fn
    cols = [input[_tensor(idx[:, j], device=input._device)] for j in range(r)]
    return stack(cols, 1)
