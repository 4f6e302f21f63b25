"""Linear algebra: the matmul family (mm, bmm, mv, dot, addmm, einsum, ...) and torch.linalg's functions.

Products run on the backend's matmul (BLAS for floats; NumPy's exact loops for integers). Decompositions run
on `numpy.linalg` (LAPACK, the same routines torch calls, so sign conventions agree), with torch's argument
checks, result layouts (LAPACK results are column-major, as torch returns them) and derivative formulas.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from .. import _dtype as D
from .._backends import meta_empty, xp_for
from .._device import CPU, META
from .._fma import fma
from .._tensor import Tensor, wrap
from ..autograd.grad_mode import state as _grad_state
from ..return_types import structseq
from . import _promotion as P
from ._meta import broadcast_shapes, wrap_dim
from ._registry import export, node, record, recording, write_out


class LinAlgError(RuntimeError):
    """Mirrors `torch.linalg.LinAlgError` (a RuntimeError)."""


LinAlgError.__module__ = "torch._C"
LinAlgError.__name__ = LinAlgError.__qualname__ = "_LinAlgError"

# dtype names as ATen's C++ messages print them ("... the same dtype, but got: float != double")
_CNAME = {"float32": "float", "float64": "double", "int32": "int", "int64": "long int", "int16": "short int",
          "int8": "signed char", "uint8": "unsigned char", "bool": "bool", "float16": "c10::Half",
          "bfloat16": "c10::BFloat16", "complex64": "c10::complex<float>",
          "complex128": "c10::complex<double>"}


def _cname(dt):
    return _CNAME.get(str(dt).replace("torch.", ""), str(dt))


def _xp(t):
    return np if t._device is CPU else xp_for(t._device)


def _mH(t):
    return t.mT.conj() if t._dtype.is_complex else t.mT


def _conj(t):
    return t.conj() if t._dtype.is_complex else t


def _named(name, fields, res, out, inputs):
    """A named tuple of results; with out= each result is written into out[i] and out's tensors returned."""
    if out is not None:
        res = tuple(write_out(name, o, r._data, r._dtype, inputs) for o, r in zip(out, res))
    return structseq(name, fields)(res)


def _finish(name, arr, dt, inputs, out, node_cls=None, saved=None, dev=None):
    """Wrap (or write into out=) a computed array and record its grad node."""
    if out is not None:
        return write_out(name, out, arr, dt, inputs)
    t = wrap(arr, dt, dev or inputs[0]._device)
    if node_cls is not None and recording(*inputs):
        record(node_cls, inputs, t, saved)
    return t


def _product(dt, dev, shape, fn, *arrays):
    """Run a product kernel `fn(xp, *arrays)` in torch's computation dtype (half types in float32)."""
    if dev is META:
        return meta_empty(shape, dt.np)
    xp = np if dev is CPU else xp_for(dev)
    cd = P.computation_dtype(dt)
    if cd is not dt:
        arrays = [a.astype(cd.np) for a in arrays]
    r = xp.asarray(fn(xp, *arrays))
    return r.astype(dt.np) if r.dtype != dt.np else r


def _reject_bool(kernel, dt):
    if dt is D.bool_:
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')


# ---------------------------------------------------------------------------------------------- products

MmBackward0 = node("MmBackward0", self=lambda grad, mat2: mm(grad, _mH(mat2)),
                   mat2=lambda grad, self: mm(_mH(self), grad))
BmmBackward0 = node("BmmBackward0", self=lambda grad, mat2: bmm(grad, _mH(mat2)),
                    mat2=lambda grad, self: bmm(_mH(self), grad))
MvBackward0 = node("MvBackward0", self=lambda grad, vec: grad.unsqueeze(-1) * _conj(vec),
                   vec=lambda grad, self: mv(_mH(self), grad))
DotBackward0 = node("DotBackward0", self=lambda grad, tensor: grad * _conj(tensor),
                    tensor=lambda grad, self: grad * _conj(self))
VdotBackward0 = node("VdotBackward0", self=lambda grad, other: _conj(grad) * other,
                     other=lambda grad, self: grad * self)
UnsafeViewBackward0 = node("UnsafeViewBackward0", self=lambda grad, self_sizes: grad.reshape(self_sizes))
SqueezeBackward4 = node("SqueezeBackward4", self=lambda grad, self_sizes: grad.reshape(self_sizes))


def _same_dtype_mm(a, b):
    if a._dtype is not b._dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_cname(a._dtype)} != "
                           f"{_cname(b._dtype)}")


@export(method=True)
def mm(input, mat2, *, out=None):
    """Mirrors `torch.mm`."""
    sa, sb = input._data.shape, mat2._data.shape  # plain tuples: this is the hot path
    if len(sa) != 2:
        raise RuntimeError("self must be a matrix")
    if len(sb) != 2:
        raise RuntimeError("mat2 must be a matrix")
    (n, k), (k2, m) = sa, sb
    if k != k2:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({n}x{k} and {k2}x{m})")
    _same_dtype_mm(input, mat2)
    dt = input._dtype
    if dt in _DOT_FAST and input._device is CPU and mat2._device is CPU and out is None:
        # the hot path: ndarray.dot is the same BLAS gemm as matmul (bit for bit, same layout) at a third
        # of matmul's call overhead on small matrices
        t = wrap(input._data.dot(mat2._data), dt, CPU)
        if (input._rg or mat2._rg) and _grad_state.enabled:
            record(MmBackward0, (input, mat2), t, {"self": input, "mat2": mat2})
        return t
    _reject_bool("addmm_impl_cpu_", dt)
    r = _product(dt, input._device, (n, m), lambda xp, a, b: xp.matmul(a, b), input._data, mat2._data)
    return _finish("mm", r, dt, (input, mat2), out, MmBackward0, {"self": input, "mat2": mat2})


# dtypes whose products compute in their own dtype (half types go through float32; bool has no kernel)
_DOT_FAST = frozenset((D.float32, D.float64, D.complex64, D.complex128, D.int64, D.int32, D.int16, D.int8, D.uint8))


@export(method=True)
def bmm(input, mat2, *, out=None):
    """Mirrors `torch.bmm`."""
    if input.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    (b, n, k), (b2, k2, m) = input.shape, mat2.shape
    if (b2, k2) != (b, k):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{b}, {k}] but "
                           f"got: [{b2}, {k2}].")
    if input._dtype is not mat2._dtype:
        raise RuntimeError(f"expected scalar type {P.torch_name(input._dtype)} but found "
                           f"{P.torch_name(mat2._dtype)}")
    dt = input._dtype
    _reject_bool("bmm", dt)
    r = _product(dt, input._device, (b, n, m), lambda xp, x, y: xp.matmul(x, y), input._data, mat2._data)
    return _finish("bmm", r, dt, (input, mat2), out, BmmBackward0, {"self": input, "mat2": mat2})


@export(method=True)
def mv(input, vec, *, out=None):
    """Mirrors `torch.mv`."""
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}")
    n, k = input.shape
    if vec.shape[0] != k:
        raise RuntimeError(f"size mismatch, got input ({n}), mat ({n}x{k}), vec ({vec.shape[0]})")
    if input._dtype is not vec._dtype:
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got "
                           f"{P.torch_name(vec._dtype)}, {P.torch_name(input._dtype)}, and "
                           f"{P.torch_name(vec._dtype)}")
    dt = input._dtype
    _reject_bool("addmv_impl_cpu", dt)
    r = _product(dt, input._device, (n,), lambda xp, a, v: xp.matmul(a, v), input._data, vec._data)
    return _finish("mv", r, dt, (input, vec), out, MvBackward0, {"self": input, "vec": vec})


def _check_dot(name, a, b):
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a._dtype is not b._dtype:
        raise RuntimeError(f"{name} : expected both vectors to have same dtype, but found "
                           f"{P.torch_name(a._dtype)} and {P.torch_name(b._dtype)}")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] "
                           f"to have the same number of elements, but got {a.shape[0]} and {b.shape[0]} "
                           "elements respectively")
    _reject_bool(name, a._dtype)


@export(method=True)
def dot(input, tensor, *, out=None):
    """Mirrors `torch.dot`."""
    _check_dot("dot", input, tensor)
    r = _product(input._dtype, input._device, (), lambda xp, a, b: xp.dot(a, b), input._data, tensor._data)
    return _finish("dot", r, input._dtype, (input, tensor), out, DotBackward0,
                   {"self": input, "tensor": tensor})


@export(method=True)
def vdot(input, other, *, out=None):
    """Mirrors `torch.vdot` (conjugates the first argument)."""
    _check_dot("vdot", input, other)
    r = _product(input._dtype, input._device, (), lambda xp, a, b: xp.vdot(a, b), input._data, other._data)
    return _finish("vdot", r, input._dtype, (input, other), out, VdotBackward0,
                   {"self": input, "other": other})


def _unsafe_view(t, shape):
    """torch's `_unsafe_view`: a reshape of a fresh result that autograd records as UnsafeViewBackward0."""
    r = wrap(t._data.reshape(shape), t._dtype, t._device)
    if recording(t):
        record(UnsafeViewBackward0, (t,), r, {"self_sizes": t.shape})
    return r


def _should_fold(a, b):
    """torch's choice of one mm/mv over the folded larger operand instead of a bmm."""
    larger = a.ndim >= b.ndim
    t1 = a if larger else b.mT
    if not (t1.ndim >= 3 and (b.ndim if larger else a.ndim) <= 2):
        return False
    if (b if larger else a)._rg:
        return True  # folding keeps the smaller operand's gradient a plain mm
    if a.ndim == 2:
        return False
    if t1.numel() == 0:
        return True
    st, sh = t1.stride(), t1.shape
    return all(st[i] == st[i + 1] * sh[i + 1] for i in range(t1.ndim - 2))


def _matmul(a, b):
    """torch's matmul decomposition (so grad_fn matches): dot / mv / mm / folded mm / batched bmm."""
    da, db = a._data.ndim, b._data.ndim
    if da == 2 and db == 2:  # the common case first
        return mm(a, b)
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D")
    if da == 1 and db == 1:
        return dot(a, b)
    if da == 2 and db == 1:
        return mv(a, b)
    if da == 1 and db == 2:
        r = mm(a.unsqueeze(0), b)
        s = wrap(r._data.reshape(r.shape[1:]), r._dtype, r._device)
        if recording(r):
            record(SqueezeBackward4, (r,), s, {"self_sizes": r.shape})
        return s
    if da == 2 and db == 2:
        return mm(a, b)
    # a 3-D operand with a batch of one against a batched one is squeezed to a matrix first
    if da == 3 and a.shape[0] == 1 and db >= 3:
        return _matmul(a.squeeze(0), b)
    if db == 3 and b.shape[0] == 1 and da >= 3:
        return _matmul(a, b.squeeze(0))
    if _should_fold(a, b):
        if da >= db:
            rows = a.reshape(int(np.prod(a.shape[:-1])), a.shape[-1])
            r = mv(rows, b) if db == 1 else mm(rows, b)
            return _unsafe_view(r, a.shape[:-1] + (() if db == 1 else b.shape[-1:]))
        # fold the transposed problem: (b^T @ a^T)^T, made contiguous as torch does
        t1 = b.mT
        rows = t1.reshape(int(np.prod(t1.shape[:-1])), t1.shape[-1])
        if da == 1:
            return _unsafe_view(mv(rows, a), t1.shape[:-1])
        r = _unsafe_view(mm(rows, a.t()), t1.shape[:-1] + (a.shape[0],))
        return r.mT.contiguous()
    n = a.shape[-2] if da >= 2 else 1
    m = b.shape[-1] if db >= 2 else 1
    k, k2 = a.shape[-1], (b.shape[-2] if db >= 2 else b.shape[-1])
    batch = tuple(broadcast_shapes(a.shape[:-2], b.shape[:-2]))
    if da == 1:
        if db >= 3 and k != k2:
            raise RuntimeError(f"size mismatch, got input ({b.shape[-1] * int(np.prod(batch))}), mat "
                               f"({b.shape[-1] * int(np.prod(batch))}x{k2}), vec ({k})")
        a2 = a.unsqueeze(0)
    else:
        a2 = a
    b2 = b.unsqueeze(-1) if db == 1 else b
    nb = int(np.prod(batch)) if batch else 1
    x = a2.expand(batch + (n, k)).reshape(nb, n, k)
    y = b2.expand(batch + (k2, m)).reshape(nb, k2, m)
    r = bmm(x, y)
    shape = batch + ((n,) if da > 1 else ()) + ((m,) if db > 1 else ())
    return _unsafe_view(r, shape)


@export(method=True)
def matmul(input, other, *, out=None):
    """Mirrors `torch.matmul` (the `@` operator)."""
    if not isinstance(input, Tensor) or not isinstance(other, Tensor):
        for i, (n, t) in enumerate((("input", input), ("other", other))):
            if not isinstance(t, Tensor):
                raise TypeError(f"matmul(): argument '{n}' (position {i + 1}) must be Tensor, not "
                                f"{type(t).__name__}")
    if out is not None:
        from ..autograd.grad_mode import no_grad
        with no_grad():
            r = _matmul(input, other)
        return write_out("matmul", out, r._data, r._dtype, (input, other))
    return _matmul(input, other)


def _dunder_matmul(self, other):
    return _matmul(self, other) if isinstance(other, Tensor) else NotImplemented


def _rmatmul(self, other):
    return _matmul(other, self) if isinstance(other, Tensor) else NotImplemented


# NOTE(torch parity): torch.Tensor has no __imatmul__, so `a @= b` rebinds `a` to a new tensor
Tensor.__matmul__ = _dunder_matmul
Tensor.__rmatmul__ = _rmatmul


# addmm & co: beta * self + alpha * (product); torch skips `self` entirely when beta == 0 (nan-safe)
def _scaled(grad, s):
    return grad if s == 1 else grad * s


AddmmBackward0 = node("AddmmBackward0", self=lambda grad, beta: _scaled(grad, beta),
                      mat1=lambda grad, mat2, alpha: _scaled(mm(grad, _mH(mat2)), alpha),
                      mat2=lambda grad, mat1, alpha: _scaled(mm(_mH(mat1), grad), alpha))
BaddbmmBackward0 = node("BaddbmmBackward0", self=lambda grad, beta: _scaled(grad, beta),
                        batch1=lambda grad, batch2, alpha: _scaled(bmm(grad, _mH(batch2)), alpha),
                        batch2=lambda grad, batch1, alpha: _scaled(bmm(_mH(batch1), grad), alpha))
AddbmmBackward0 = node("AddbmmBackward0", self=lambda grad, beta: _scaled(grad, beta),
                       batch1=lambda grad, batch2, alpha: _scaled(
                           bmm(grad.unsqueeze(0).expand(batch2.shape[0], *grad.shape), _mH(batch2)), alpha),
                       batch2=lambda grad, batch1, alpha: _scaled(
                           bmm(_mH(batch1), grad.unsqueeze(0).expand(batch1.shape[0], *grad.shape)), alpha))
AddmvBackward0 = node("AddmvBackward0", self=lambda grad, beta: _scaled(grad, beta),
                      mat=lambda grad, vec, alpha: _scaled(grad.unsqueeze(-1) * _conj(vec), alpha),
                      vec=lambda grad, mat, alpha: _scaled(mv(_mH(mat), grad), alpha))
AddrBackward0 = node("AddrBackward0", self=lambda grad, beta: _scaled(grad, beta),
                     vec1=lambda grad, vec2, alpha: _scaled(mv(grad, _conj(vec2)), alpha),
                     vec2=lambda grad, vec1, alpha: _scaled(mv(_mH(grad), _conj(vec1)), alpha))


def _check_add_dtypes(name, self, a, b):
    """torch's per-op dtype checks for the add*-products (addr promotes instead)."""
    ds, da, db = self._dtype, a._dtype, b._dtype
    if ds is da is db:
        return
    n = P.torch_name
    if name == "baddbmm":
        raise RuntimeError(f"Input dtypes must be the same, got: input {_cname(ds)}, batch1: {_cname(da)}, "
                           f"batch2: {_cname(db)}")
    if name == "addmv":
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {n(ds)}, {n(da)}, and "
                           f"{n(db)}")
    if da is not db:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {n(da)} and {n(db)}")
    raise RuntimeError(f"self and mat2 must have the same dtype, but got {n(ds)} and {n(db)}")


def _add_scaled(name, self, prod, beta, alpha, out, node_cls, saved, inputs):
    """beta * self + alpha * prod, with self broadcast to prod's shape (torch: "expand_size")."""
    from ..autograd.grad_mode import no_grad
    if name != "addr":
        _check_add_dtypes(name, *inputs)
    with no_grad():
        p = prod(*inputs[1:])
    dt = P.result_type(self, p) if name == "addr" else p._dtype
    try:
        s = np.broadcast_to(self._data, p.shape) if self._device is not META else None
    except ValueError:
        # the first mismatch from the right, numbered in the target shape
        i = next((i for i in range(1, self.ndim + 1) if self.shape[-i] not in (1, p.shape[-i])), 1)
        raise RuntimeError(f"The expanded size of the tensor ({p.shape[-i]}) must match the existing size "
                           f"({self.shape[-i]}) at non-singleton dimension {p.ndim - i}.  Target sizes: "
                           f"{list(p.shape)}.  Tensor sizes: {list(self.shape)}") from None
    if dt._category <= 1:  # torch converts the scalars to the integral result dtype first (0.6 -> 0)
        alpha, beta = (bool(alpha), bool(beta)) if dt._category == 0 else (int(alpha), int(beta))
    if self._device is META:
        r = p._data
    else:
        xp = _xp(self)
        r = p._data if alpha == 1 else p._data * alpha
        if beta != 0:
            r = r + (s if beta == 1 else s * beta)
        elif self._device is CPU:
            r = r + xp.zeros((), r.dtype)
        r = xp.asarray(r).astype(dt.np, copy=False)
    saved = dict(saved, beta=beta, alpha=alpha)
    return _finish(name, r, dt, inputs, out, node_cls, saved)


@export(method=True)
def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """Mirrors `torch.addmm`."""
    return _add_scaled("addmm", input, mm, beta, alpha, out, AddmmBackward0, {"mat1": mat1, "mat2": mat2},
                       (input, mat1, mat2))


@export(method=True)
def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """Mirrors `torch.baddbmm`."""
    return _add_scaled("baddbmm", input, bmm, beta, alpha, out, BaddbmmBackward0,
                       {"batch1": batch1, "batch2": batch2}, (input, batch1, batch2))


@export(method=True)
def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """Mirrors `torch.addbmm` (sums the batch of products)."""
    def prod(b1, b2):
        p = bmm(b1, b2)
        return wrap(p._data.sum(0), p._dtype, p._device)
    return _add_scaled("addbmm", input, prod, beta, alpha, out, AddbmmBackward0,
                       {"batch1": batch1, "batch2": batch2}, (input, batch1, batch2))


@export(method=True)
def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """Mirrors `torch.addmv`."""
    return _add_scaled("addmv", input, mv, beta, alpha, out, AddmvBackward0, {"mat": mat, "vec": vec},
                       (input, mat, vec))


@export(method=True)
def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """Mirrors `torch.addr`."""
    def prod(a, b):
        if a.ndim != 1 or b.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument vec{1 if a.ndim != 1 else 2}, but got "
                               f"{a.ndim if a.ndim != 1 else b.ndim}-D")
        return wrap(_xp(a).multiply.outer(a._data, b._data), P.result_type(a, b), a._device)
    return _add_scaled("addr", input, prod, beta, alpha, out, AddrBackward0, {"vec1": vec1, "vec2": vec2},
                       (input, vec1, vec2))


def _inplace_variant(fn, resizes=False):
    def method(self, *args, **kw):
        r = fn(self, *args, **kw)
        if resizes and r.shape != self.shape:  # torch's addbmm_ writes through its out= path, resizing self
            self.resize_(r.shape)
        return self.copy_(r)
    method.__name__ = fn.__name__ + "_"
    method.__doc__ = f"Mirrors `Tensor.{fn.__name__}_` (computes out of place, then copies into self)."
    return method


for _f in (addmm, baddbmm, addbmm, addmv, addr):
    setattr(Tensor, _f.__name__ + "_", _inplace_variant(_f, resizes=_f is addbmm))


@export(method=True, aliases=("ger",))
def outer(input, vec2, *, out=None):
    """Mirrors `torch.outer` / `torch.ger` (a broadcast multiply, as in torch)."""
    if input.ndim != 1 or vec2.ndim != 1:
        bad, t = ("self", input) if input.ndim != 1 else ("vec2", vec2)
        raise RuntimeError(f"outer: Expected 1-D argument {bad}, but got {t.ndim}-D")
    r = input.reshape(-1, 1) * vec2
    if out is not None:
        return write_out("outer", out, r._data, r._dtype, (input, vec2))
    return r


@export(method=True)
def inner(input, other, *, out=None):
    """Mirrors `torch.inner`: sums over the last dims."""
    if input.ndim == 0 or other.ndim == 0:
        r = input * other
    else:
        if input.shape[-1] != other.shape[-1]:
            raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                               f"{list(input.shape)} and {list(other.shape)}")
        r = tensordot(input, other, ([-1], [-1]))
    if out is not None:
        return write_out("inner", out, r._data, r._dtype, (input, other))
    return r


@export
def tensordot(a, b, dims=2, out=None):
    """Mirrors `torch.tensordot`: permute + reshape to one mm."""
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        da, db = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        da, db = dims
        da = [da] if isinstance(da, int) else list(da)
        db = [db] if isinstance(db, int) else list(db)
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    da = [wrap_dim(d, a.ndim) for d in da]
    db = [wrap_dim(d, b.ndim) for d in db]
    for x, y in zip(da, db):
        if a.shape[x] != b.shape[y] and a.shape[x] != 1 and b.shape[y] != 1:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[x]} in dim "
                               f"{x} and second has size {b.shape[y]} in dim {y}")
    if a._dtype is not b._dtype:
        raise RuntimeError(f"expected scalar type {P.torch_name(a._dtype)} but found "
                           f"{P.torch_name(b._dtype)}")
    # a contracted dim of size 1 against size n broadcasts: sum the other side over it
    for x, y in zip(da, db):
        if a.shape[x] == 1 and b.shape[y] != 1:
            b = b.sum(y, keepdim=True)
        elif b.shape[y] == 1 and a.shape[x] != 1:
            a = a.sum(x, keepdim=True)
    fa = [d for d in range(a.ndim) if d not in da]
    fb = [d for d in range(b.ndim) if d not in db]
    ka = int(np.prod([a.shape[d] for d in da]))
    x = a.permute(fa + da).reshape(-1, ka) if fa else a.permute(da).reshape(1, ka)
    y = b.permute(db + fb).reshape(ka, -1)
    r = mm(x, y).reshape([a.shape[d] for d in fa] + [b.shape[d] for d in fb])
    if out is not None:
        return write_out("tensordot", out, r._data, r._dtype, (a, b))
    return r


@export(method=True)
def kron(input, other, *, out=None):
    """Mirrors `torch.kron`."""
    nd = max(input.ndim, other.ndim)
    a = input.reshape((1,) * (nd - input.ndim) + tuple(input.shape))
    b = other.reshape((1,) * (nd - other.ndim) + tuple(other.shape))
    x = a.reshape(sum(((s, 1) for s in a.shape), ()))
    y = b.reshape(sum(((1, s) for s in b.shape), ()))
    p = x * y
    r = _unsafe_view(p, tuple(s * t for s, t in zip(a.shape, b.shape)))
    if out is not None:
        return write_out("kron", out, r._data, r._dtype, (input, other))
    return r


# einsum: NumPy computes; the derivative for each operand is another einsum (so double backward works)
def _einsum_parse(eq, shapes):
    eq = eq.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation"
                           if len(shapes) > len(terms) else
                           "einsum(): fewer operands were provided than specified in the equation")
    used = set(c for c in eq if c.isalpha())
    free = iter(c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" if c not in used)
    nell = max((len(s) - len(t.replace("...", "")) for t, s in zip(terms, shapes) if "..." in t), default=0)
    ell = "".join(next(free) for _ in range(nell))
    out_terms = []
    for t, s in zip(terms, shapes):
        if "..." in t:
            k = len(s) - len(t.replace("...", ""))
            t = t.replace("...", ell[nell - k:])
        out_terms.append(t)
    sizes = {}
    for i, (t, shp) in enumerate(zip(out_terms, shapes)):
        if len(t) != len(shp):
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(t)}) does not "
                               f"match the number of dimensions ({len(shp)}) for operand {i} and no ellipsis "
                               "was given")
        for c, n in zip(t, shp):
            seen = sizes.setdefault(c, n)
            if n != seen and 1 not in (n, seen):
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {i} which does not "
                                   f"broadcast with previously seen size {seen}")
            sizes[c] = max(n, seen) if 1 in (n, seen) else n
    if arrow:
        rhs = rhs.replace("...", ell)
        for c in rhs:
            if c not in sizes:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for any "
                                   "input operand")
    else:
        letters = "".join(out_terms)
        rhs = ell + "".join(sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ell))
    return out_terms, rhs


def _einsum_grad(i):
    def f(grad, operands, terms, rhs):
        import numtorch
        ti, shape = terms[i], operands[i].shape
        size = dict(zip(ti, shape))
        others = [_conj(operands[j]) for j in range(len(operands)) if j != i]
        oterms = [terms[j] for j in range(len(operands)) if j != i]
        avail = set(rhs).union(*oterms)
        uniq = "".join(dict.fromkeys(ti))
        keep = "".join(c for c in uniq if c in avail)
        g = einsum(",".join([rhs] + oterms) + "->" + keep, grad, *others)
        # subscripts summed out of this operand only: broadcast the gradient back over them
        if keep != uniq:
            for d, c in enumerate(uniq):
                if c not in avail:
                    g = g.unsqueeze(d)
            g = g.expand([size[c] for c in uniq])
        # a subscript repeated within the operand (a diagonal, "ii") gets fresh letters joined by eyes
        used = set("".join(terms) + rhs)
        fresh = (c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" if c not in used)
        renamed, seen, pairs = "", set(), []
        for c in ti:
            if c in seen:
                pairs.append((c, next(fresh)))
                c = pairs[-1][1]
            seen.add(c)
            renamed += c
        if pairs:
            eyes = [numtorch.eye(size[o], dtype=g.dtype) for o, _ in pairs]
            g = einsum(",".join([uniq] + [o + n for o, n in pairs]) + "->" + renamed, g, *eyes)
        return g
    return f


_einsum_nodes = {}


@export
def einsum(equation, *operands):
    """Mirrors `torch.einsum`."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    terms, rhs = _einsum_parse(equation, [o.shape for o in operands])
    dt = operands[0]._dtype
    for o in operands[1:]:
        if o._dtype is not dt:
            raise RuntimeError(f"expected scalar type {P.torch_name(dt)} but found {P.torch_name(o._dtype)}")
    eq = ",".join(terms) + "->" + rhs
    r = _product(dt, operands[0]._device, None,
                 lambda xp, *arrs: xp.einsum(eq, *arrs, optimize=len(arrs) > 2), *[o._data for o in operands])
    t = wrap(r, dt, operands[0]._device)
    if recording(*operands):
        n = len(operands)
        cls = _einsum_nodes.get(n)
        if cls is None:
            cls = _einsum_nodes[n] = node("ViewBackward0" if n > 1 else "PermuteBackward0",
                                          **{f"op{i}": _einsum_grad(i) for i in range(n)})
        record(cls, operands, t, {"operands": list(operands), "terms": terms, "rhs": rhs})
    return t


# cross
LinalgCrossBackward0 = node("LinalgCrossBackward0",
                            self=lambda grad, other, dim: linalg_cross(_conj(other), grad, dim=dim),
                            other=lambda grad, self, dim: linalg_cross(grad, _conj(self), dim=dim))


def linalg_cross(input, other, *, dim=-1, out=None):
    """Mirrors `torch.linalg.cross`."""
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    shape = tuple(broadcast_shapes(input.shape, other.shape))
    d = wrap_dim(dim, len(shape))
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[d]} "
                           f"and {other.shape[d]}")
    dt = P.result_type(input, other)
    _reject_bool("linalg_cross", dt)
    r = _product(dt, input._device, shape, lambda xp, a, b: _cross(xp, a, b, d, dt.np),
                 input._data.astype(dt.np, copy=False), other._data.astype(dt.np, copy=False))
    return _finish("linalg_cross", r, dt, (input, other), out, LinalgCrossBackward0,
                   {"self": input, "other": other, "dim": d})


def _cross(xp, a, b, d, dt):
    """a x b along axis d (a, b in the computation dtype; dt: the result's NumPy dtype).  On float32/float64 each
    component is fma(a_j, b_k, -(a_k * b_j)), as torch's kernel is compiled (contracted); the half types round
    each product and the difference to their own type."""
    if xp is not np or a.dtype.kind != "f":
        return xp.cross(a, b, axis=d)
    a, b = np.broadcast_arrays(np.moveaxis(a, d, -1), np.moveaxis(b, d, -1))
    out = np.empty(a.shape, a.dtype)
    for i, (j, k) in enumerate(((1, 2), (2, 0), (0, 1))):
        p, q = a[..., j] * b[..., k], a[..., k] * b[..., j]
        if dt.itemsize == 2:
            out[..., i] = p.astype(dt) - q.astype(dt)
        else:
            out[..., i] = fma(a[..., j], b[..., k], -q, a.dtype)
    return np.moveaxis(out, -1, d)


_cross_warned = [False]


@export(method=True)
def cross(input, other, dim=None, *, out=None):
    """Mirrors `torch.cross`: dim defaults to the first dim of size 3 (deprecated, warned once)."""
    if dim is None:
        if not _cross_warned[0]:
            _cross_warned[0] = True
            warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either "
                          "pass the dim explicitly or simply use torch.linalg.cross.\nThe default value of "
                          "dim will change to agree with that of linalg.cross in a future release.",
                          UserWarning, stacklevel=2)
        shape = tuple(broadcast_shapes(input.shape, other.shape))
        dim = next((i for i, s in enumerate(shape) if s == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return linalg_cross(input, other, dim=dim, out=out)


def multi_dot(tensors, *, out=None):
    """Mirrors `torch.linalg.multi_dot` (left to right; 1-D ends are a row / column vector)."""
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    first, last = tensors[0], tensors[-1]
    for i, t in enumerate(tensors):
        if 0 < i < n - 1 and t.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D")
    if first.ndim not in (1, 2):
        raise RuntimeError(f"multi_dot(): the first tensor must be 1D or 2D but got {first.ndim}D")
    if last.ndim not in (1, 2):
        raise RuntimeError(f"multi_dot(): the last tensor must be 1D or 2D but got {last.ndim}D")
    ms = list(tensors)
    if first.ndim == 1:
        ms[0] = first.unsqueeze(0)
    if last.ndim == 1:
        ms[-1] = last.unsqueeze(-1)
    for i in range(n - 1):
        if ms[i].shape[1] != ms[i + 1].shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes {list(ms[i].shape)} and "
                               f"{list(ms[i + 1].shape)} cannot be multiplied")
    r = ms[0]
    for m in ms[1:]:
        r = mm(r, m)
    if first.ndim == 1 and last.ndim == 1:
        r = r.reshape(())
    elif first.ndim == 1:
        r = r.squeeze(0)
    elif last.ndim == 1:
        r = r.squeeze(1)
    if out is not None:
        return write_out("linalg_multi_dot", out, r._data, r._dtype, tuple(tensors))
    return r


_chain_warned = [False]


@export
def chain_matmul(*matrices, out=None):
    """Mirrors `torch.chain_matmul` (deprecated; warned once)."""
    if not _chain_warned[0]:
        _chain_warned[0] = True
        warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
                      "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather "
                      "than multiple parameters.", UserWarning, stacklevel=2)
    if len(matrices) == 1:
        return matrices[0].clone()
    return multi_dot(matrices, out=out)


# ------------------------------------------------------------------------------------- decompositions

def _check_float(name, A):
    if A._dtype._category < 2:
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got "
                           f"{P.torch_name(A._dtype)}")
    if A._dtype in (D.float16, D.bfloat16):
        raise RuntimeError(f"{name}: Low precision dtypes not supported. Got {P.torch_name(A._dtype)}")


def _check_matrix(name, A, square=True, arg="A"):
    _check_float(name, A)
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor {arg} must have at least 2 dimensions.")
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: {arg} must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")


def _fortran(a):
    """A column-major (per matrix) copy: LAPACK results come back this way in torch."""
    if a.ndim < 2:
        return a
    return np.ascontiguousarray(np.swapaxes(a, -1, -2)).swapaxes(-1, -2)


def _eye_like(A):
    n = A.shape[-1]
    return wrap(np.eye(n, dtype=A._dtype.np), A._dtype, A._device)


def _tril_mask(A, k=0):
    n, m = A.shape[-2], A.shape[-1]
    return wrap(np.tri(n, m, k, dtype=A._dtype.np), A._dtype, A._device)


def _diag_embed(v):
    return v.unsqueeze(-1) * _eye_like(v.unsqueeze(-1).expand(*v.shape, v.shape[-1]))


def _diag(A):
    return (A * _eye_like(A)).sum(-1)


def _host(A):
    return A._data


def _batch_info_error(name, infos, msg):
    """Raise torch's LinAlgError for the first failing matrix (with "(Batch element i): " when batched)."""
    flat = infos.reshape(-1)
    for i, info in enumerate(flat):
        if info > 0:
            prefix = f"(Batch element {i}): " if infos.ndim > 0 else ""
            raise LinAlgError(f"{name}: {prefix}{msg(int(info))}")


def _lu_infos(a):
    """getrf's info per matrix: the 1-based index of the first zero pivot, 0 if none."""
    from scipy.linalg import lu_factor
    flat = a.reshape((-1,) + a.shape[-2:])
    infos = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for m in flat:
            lu, _ = lu_factor(m, check_finite=False)
            z = np.nonzero(np.diagonal(lu) == 0)[0]
            infos.append(int(z[0]) + 1 if len(z) else 0)
    return np.array(infos).reshape(a.shape[:-2])


def _inv_ex(A, check):
    _check_matrix("linalg.inv", A)
    a = _host(A)
    infos = _lu_infos(a) if a.size else np.zeros(a.shape[:-2], np.int32)
    if check:
        _batch_info_error("linalg.inv", infos, lambda i: f"The diagonal element {i} is zero, the inversion "
                          "could not be completed because the input matrix is singular.")
    with np.errstate(all="ignore"):
        try:
            r = np.linalg.inv(a)
        except np.linalg.LinAlgError:
            r = np.full_like(a, np.nan)
    return _fortran(r.astype(a.dtype, copy=False)), infos.astype(np.int32)


LinalgInvExBackward0 = node("LinalgInvExBackward0",
                            A=lambda grad, inverse: -matmul(_mH(inverse), matmul(grad, _mH(inverse))))


def _inv_tensor(A, check, out=None):
    r, infos = _inv_ex(A, check)
    if out is not None:
        return write_out("linalg_inv", out, r, A._dtype, (A,)), infos
    t = wrap(r, A._dtype, A._device)
    if recording(A):
        record(LinalgInvExBackward0, (A,), t, {"inverse": t})
    return t, infos


def linalg_inv(A, *, out=None):
    """Mirrors `torch.linalg.inv`."""
    return _inv_tensor(A, True, out)[0]


def inv_ex(A, *, check_errors=False, out=None):
    """Mirrors `torch.linalg.inv_ex`."""
    t, infos = _inv_tensor(A, check_errors, None if out is None else out[0])
    info = wrap(infos, D.int32, A._device)
    if out is not None:
        write_out("linalg_inv_ex", out[1], infos, D.int32, (A,))
        info = out[1]
    return structseq("linalg_inv_ex", ("inverse", "info"))((t, info))


@export(method=True)
def inverse(input, *, out=None):
    """Mirrors `torch.inverse`."""
    return linalg_inv(input, out=out)


LinalgDetBackward0 = node("LinalgDetBackward0", A=lambda grad, A, result: (
    (grad * _conj(result)).unsqueeze(-1).unsqueeze(-1) * _mH(linalg_inv(A))))


def linalg_det(A, *, out=None):
    """Mirrors `torch.linalg.det`."""
    _check_matrix("linalg.det", A)
    r = np.asarray(np.linalg.det(_host(A))).astype(A._dtype.np, copy=False)
    if out is not None:
        return write_out("linalg_det", out, r, A._dtype, (A,))
    t = wrap(r, A._dtype, A._device)
    if recording(A):
        record(LinalgDetBackward0, (A,), t, {"A": A, "result": t})
    return t


@export(method=True)
def det(input):
    """Mirrors `torch.det`."""
    return linalg_det(input)


LinalgSlogdetBackward0 = node("LinalgSlogdetBackward0", n_outputs=2, A=lambda grads, A: (
    grads[1].unsqueeze(-1).unsqueeze(-1) * _mH(linalg_inv(A))))


def linalg_slogdet(A, *, out=None):
    """Mirrors `torch.linalg.slogdet`."""
    _check_matrix("linalg.slogdet", A)
    sign, logabs = np.linalg.slogdet(_host(A))
    sign = np.asarray(sign).astype(A._dtype.np)
    rdt = _real_dtype(A._dtype)
    logabs = np.asarray(logabs).astype(rdt.np)
    if out is not None:
        write_out("linalg_slogdet", out[0], sign, A._dtype, (A,))
        write_out("linalg_slogdet", out[1], logabs, rdt, (A,))
        return structseq("linalg_slogdet", ("sign", "logabsdet"))(out)
    s, la = wrap(sign, A._dtype, A._device), wrap(logabs, rdt, A._device)
    if recording(A):
        # torch marks `sign` as an output of the node too (requires_grad, never differentiated)
        record(LinalgSlogdetBackward0, (A,), (s, la), {"A": A},
               out_meta=[None, (la.shape, rdt, A._device)])
    return structseq("linalg_slogdet", ("sign", "logabsdet"))((s, la))


@export(method=True)
def slogdet(input):
    """Mirrors `torch.slogdet`."""
    r = linalg_slogdet(input)
    return structseq("slogdet", ("sign", "logabsdet"))(tuple(r))


@export(method=True)
def logdet(input):
    """Mirrors `torch.logdet`: nan for a negative determinant, -inf for a singular matrix."""
    try:
        _check_matrix("logdet", input)
    except RuntimeError as e:
        raise RuntimeError(str(e).replace("logdet: A must", "linalg.slogdet: A must")) from None
    sign, la = linalg_slogdet(input)
    from .creation import full
    # log(sign) + logabsdet, as torch computes it (nan where sign < 0)
    bad = wrap(np.asarray(sign._data < 0), D.bool_, input._device)
    nan = full((), float("nan"), dtype=la._dtype)
    return _where(bad, nan, la)


def _where(c, a, b):
    import numtorch
    if hasattr(numtorch, "where"):
        return numtorch.where(c, a, b)
    return b if not bool(c._data.any()) else wrap(np.where(c._data, a._data, b._data), b._dtype, b._device)


def _solve_arrays(name, A, B, left):
    _check_matrix(name, A)
    if B._dtype._category < 2:
        _check_float(name, B)
    if A._dtype is not B._dtype:
        raise RuntimeError(f"{name}: Expected A and B to have the same dtype, but found A of type "
                           f"{P.torch_name(A._dtype)} and B of type {P.torch_name(B._dtype)} instead")
    n = A.shape[-1]
    # B is a (batch of) vector(s) when it is 1-D or its shape is A's batch shape plus n
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    Bm = B.unsqueeze(-1) if vector else B
    if left and Bm.shape[-2] != n or not left and Bm.shape[-1] != n:
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({n}x{n} and {Bm.shape[-2]}x{Bm.shape[-1]})")
    return vector, Bm


def _solve_grads(grad, A, result, vector, left):
    g = grad.unsqueeze(-1) if vector else grad
    X = result.unsqueeze(-1) if vector else result
    if left:
        gB = linalg_solve(_mH(A), g)
        gA = -matmul(gB, _mH(X))
    else:
        gB = linalg_solve(_mH(A), g, left=False)
        gA = -matmul(_mH(X), gB)
    return gA, (gB.squeeze(-1) if vector else gB)


LinalgSolveExBackward0 = node(
    "LinalgSolveExBackward0",
    A=lambda grad, A, result, vector, left: _solve_grads(grad, A, result, vector, left)[0],
    B=lambda grad, A, result, vector, left: _solve_grads(grad, A, result, vector, left)[1])


def linalg_solve(A, B, *, left=True, out=None):
    """Mirrors `torch.linalg.solve`."""
    vector, Bm = _solve_arrays("linalg.solve", A, B, left)
    a, b = _host(A), _host(Bm)
    infos = _lu_infos(a) if a.size else np.zeros(a.shape[:-2])
    if infos.any():
        raise LinAlgError("torch.linalg.solve: The solver failed because the input matrix is singular.")
    if left:
        batch = broadcast_shapes(a.shape[:-2], b.shape[:-2])
        r = np.linalg.solve(np.broadcast_to(a, tuple(batch) + a.shape[-2:]),
                            np.broadcast_to(b, tuple(batch) + b.shape[-2:]))
    else:
        at, bt = np.swapaxes(a, -1, -2), np.swapaxes(b, -1, -2)
        batch = broadcast_shapes(a.shape[:-2], b.shape[:-2])
        r = np.swapaxes(np.linalg.solve(np.broadcast_to(at, tuple(batch) + a.shape[-2:]),
                                        np.broadcast_to(bt, tuple(batch) + bt.shape[-2:])), -1, -2)
    r = r[..., 0] if vector else _fortran(r)
    r = np.ascontiguousarray(r) if vector else r
    if out is not None:
        return write_out("linalg_solve", out, r, A._dtype, (A, B))
    t = wrap(r, A._dtype, A._device)
    if recording(A, B):
        record(LinalgSolveExBackward0, (A, B), t, {"A": A, "result": t, "vector": vector, "left": left})
    return t


def _tri_solve_grads(grad, A, result, upper, left, unitriangular):
    if left:
        gB = solve_triangular(_mH(A), grad, upper=not upper, left=True, unitriangular=unitriangular)
        gA = -matmul(gB, _mH(result))
    else:
        gB = solve_triangular(_mH(A), grad, upper=not upper, left=False, unitriangular=unitriangular)
        gA = -matmul(_mH(result), gB)
    mask = _tril_mask(A, -1 if unitriangular else 0)
    gA = gA * (mask.mT if upper else mask)
    return gA, gB


LinalgSolveTriangularBackward0 = node(
    "LinalgSolveTriangularBackward0",
    self=lambda grad, self, result, upper, left, unitriangular: _tri_solve_grads(
        grad, self, result, upper, left, unitriangular)[0],
    B=lambda grad, self, result, upper, left, unitriangular: _tri_solve_grads(
        grad, self, result, upper, left, unitriangular)[1])


def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    """Mirrors `torch.linalg.solve_triangular`."""
    _check_matrix("linalg.solve_triangular", A)
    if A._dtype is not B._dtype:
        raise RuntimeError("linalg.solve_triangular: Expected A and B to have the same dtype, but found A "
                           f"of type {P.torch_name(A._dtype)} and B of type {P.torch_name(B._dtype)} instead")
    a, b = _host(A), _host(B)
    a = np.triu(a) if upper else np.tril(a)
    if unitriangular:
        n = a.shape[-1]
        a = a.copy()
        a[..., range(n), range(n)] = 1
    batch = tuple(broadcast_shapes(a.shape[:-2], b.shape[:-2]))
    with np.errstate(all="ignore"):
        if left:
            r = np.linalg.solve(np.broadcast_to(a, batch + a.shape[-2:]),
                                np.broadcast_to(b, batch + b.shape[-2:]))
        else:
            r = np.swapaxes(np.linalg.solve(np.broadcast_to(np.swapaxes(a, -1, -2), batch + a.shape[-2:]),
                                            np.broadcast_to(np.swapaxes(b, -1, -2),
                                                            batch + b.shape[-1:-3:-1])),
                            -1, -2)
    r = _fortran(r)
    if out is not None:
        return write_out("linalg_solve_triangular", out, r, A._dtype, (A, B))
    t = wrap(r, A._dtype, A._device)
    if recording(A, B):
        record(LinalgSolveTriangularBackward0, (A, B), t,
               {"self": A, "result": t, "upper": upper, "left": left, "unitriangular": unitriangular})
    return t


def _cholesky_grad(grad, L, upper):
    if upper:
        grad, L = _mH(grad), _mH(L)
    phi = matmul(_mH(L), grad)
    phi = phi * _tril_mask(phi) - _diag_embed(_diag(phi)) * 0.5
    Linv = linalg_inv(L)
    gA = matmul(_mH(Linv), matmul(phi, Linv))
    return (gA + _mH(gA)) * 0.5


LinalgCholeskyExBackward0 = node("LinalgCholeskyExBackward0",
                                 self=lambda grad, L, upper: _cholesky_grad(grad, L, upper))
CholeskyBackward0 = node("CholeskyBackward0", self=lambda grad, L, upper: _cholesky_grad(grad, L, upper))


def _cholesky(name, A, upper, check, node_cls=LinalgCholeskyExBackward0):
    _check_matrix(name, A)
    a = _host(A)
    flat = a.reshape((-1,) + a.shape[-2:]) if a.size else a.reshape((0,) + a.shape[-2:])
    Ls, infos = [], []
    for m in flat:
        try:
            Ls.append(np.linalg.cholesky(m))
            infos.append(0)
        except np.linalg.LinAlgError:
            # torch reports the order of the first leading minor that is not positive-definite
            k = next(k for k in range(1, m.shape[0] + 1) if not _is_pd(m[:k, :k]))
            infos.append(k)
            Ls.append(np.full_like(m, np.nan))
    infos = np.array(infos, np.int32).reshape(a.shape[:-2]) if a.size else np.zeros(a.shape[:-2], np.int32)
    if check:
        _batch_info_error(name, infos, lambda k: "The factorization could not be completed because the "
                          f"input is not positive-definite (the leading minor of order {k} is not "
                          "positive-definite).")
    L = np.array(Ls).reshape(a.shape) if a.size else np.zeros_like(a)
    L = np.conj(np.swapaxes(L, -1, -2)) if upper else L
    t = wrap(_fortran(L), A._dtype, A._device)
    if recording(A):
        record(node_cls, (A,), t, {"L": t, "upper": upper})
    return t, infos


def _is_pd(m):
    try:
        np.linalg.cholesky(m)
        return True
    except np.linalg.LinAlgError:
        return False


def linalg_cholesky(A, *, upper=False, out=None):
    """Mirrors `torch.linalg.cholesky`."""
    t, _ = _cholesky("linalg.cholesky", A, upper, True)
    return t if out is None else write_out("linalg_cholesky", out, t._data, t._dtype, (A,))


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    """Mirrors `torch.linalg.cholesky_ex`."""
    t, infos = _cholesky("linalg.cholesky", A, upper, check_errors)
    return _named("linalg_cholesky_ex", ("L", "info"), (t, wrap(infos, D.int32, A._device)), out, (A,))


_chol_warned = [False]


@export(method=True)
def cholesky(input, upper=False, *, out=None):
    """Mirrors `torch.cholesky` (deprecated; warned once)."""
    if not _chol_warned[0]:
        _chol_warned[0] = True
        warnings.warn("torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in "
                      "a future PyTorch release.\nL = torch.cholesky(A)\nshould be replaced with\nL = "
                      "torch.linalg.cholesky(A)\nand\nU = torch.cholesky(A, upper=True)\nshould be replaced "
                      "with\nU = torch.linalg.cholesky(A).mH\nThis transform will produce equivalent results "
                      "for all valid (symmetric positive definite) inputs.", UserWarning, stacklevel=2)
    t, _ = _cholesky("cholesky", input, upper, True, CholeskyBackward0)
    return t if out is None else write_out("cholesky", out, t._data, t._dtype, (input,))


# QR
def _qr_grad(grads, Q, R, mode):
    gQ, gR = grads
    m, n = Q.shape[-2], R.shape[-1]
    if m < n:
        raise NotImplementedError("numtorch: qr backward for wide matrices")
    # M = R gR^H - gQ^H Q; copy its lower triangle to the upper one; gA = (gQ + Q copyltu(M)) R^{-H}
    M = matmul(R, _mH(gR)) - matmul(_mH(gQ), Q)
    low = M * _tril_mask(M, -1)
    M = low + _mH(low) + _diag_embed(_diag(M))
    b = gQ + matmul(Q, M)
    return matmul(b, _mH(linalg_inv(R)))


LinalgQrBackward0 = node("LinalgQrBackward0", n_outputs=2,
                         A=lambda grads, Q, R, mode: _qr_grad(grads, Q, R, mode))


def linalg_qr(A, mode="reduced", *, out=None):
    """Mirrors `torch.linalg.qr`."""
    _check_matrix("linalg.qr", A, square=False)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
                           "'r', or 'complete'")
    a = _host(A)
    q, r = np.linalg.qr(a, mode="complete" if mode == "complete" else "reduced")
    if mode == "r":
        q = np.empty((0,), a.dtype)
    Q, R = wrap(_fortran(q), A._dtype, A._device), wrap(_fortran(r), A._dtype, A._device)
    if out is not None:
        write_out("linalg_qr", out[0], Q._data, A._dtype, (A,))
        write_out("linalg_qr", out[1], R._data, A._dtype, (A,))
        return structseq("linalg_qr", ("Q", "R"))(out)
    if recording(A):
        record(LinalgQrBackward0, (A,), (Q, R), {"Q": Q, "R": R, "mode": mode},
               out_meta=[(Q.shape, Q._dtype, Q._device), (R.shape, R._dtype, R._device)])
    return structseq("linalg_qr", ("Q", "R"))((Q, R))


_qr_warned = [False]


@export(method=True)
def qr(input, some=True, *, out=None):
    """Mirrors `torch.qr` (deprecated; warned once)."""
    if not _qr_warned[0]:
        _qr_warned[0] = True
        warnings.warn("torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future "
                      "PyTorch release.\nThe boolean parameter 'some' has been replaced with a string "
                      "parameter 'mode'.\nQ, R = torch.qr(A, some)\nshould be replaced with\nQ, R = "
                      "torch.linalg.qr(A, 'reduced' if some else 'complete')", UserWarning, stacklevel=2)
    return structseq("qr", ("Q", "R"))(tuple(linalg_qr(input, "reduced" if some else "complete", out=out)))


# eigh / eig
def _eigh_grad(grads, eigenvalues, eigenvectors):
    gL, gV = grads
    L, V = eigenvalues, eigenvectors
    E = L.unsqueeze(-2) - L.unsqueeze(-1)
    off = 1 - _eye_like(V)
    F = off / (E + _eye_like(V))
    VhgV = matmul(_mH(V), gV)
    VhgV = (VhgV - _mH(VhgV)) * 0.5
    inner_ = F * VhgV + _diag_embed(gL)
    return matmul(V, matmul(inner_, _mH(V)))


LinalgEighBackward0 = node("LinalgEighBackward0", n_outputs=2,
                           self=lambda grads, eigenvalues, eigenvectors: _eigh_grad(
                               grads, eigenvalues, eigenvectors))


def _real_dtype(dt):
    return D.from_numpy_dtype(np.empty(0, dt.np).real.dtype)


def linalg_eigh(A, UPLO="L", *, out=None, _values_only=False):
    """Mirrors `torch.linalg.eigh`."""
    if A._dtype._category < 2:
        raise NotImplementedError(f'"linalg_eigh_cpu" not implemented for \'{P.torch_name(A._dtype)}\'')
    _check_matrix("linalg.eigh", A)
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    w, v = np.linalg.eigh(_host(A), UPLO=UPLO)
    rdt = _real_dtype(A._dtype)
    L, V = wrap(w, rdt, A._device), wrap(_fortran(v), A._dtype, A._device)
    if out is not None:
        write_out("linalg_eigh", out[0], w, rdt, (A,))
        write_out("linalg_eigh", out[1], V._data, A._dtype, (A,))
        return structseq("linalg_eigh", ("eigenvalues", "eigenvectors"))(out)
    if recording(A):
        record(LinalgEighBackward0, (A,), (L, V), {"eigenvalues": L, "eigenvectors": V},
               out_meta=[(L.shape, rdt, A._device), (V.shape, A._dtype, A._device)])
    return structseq("linalg_eigh", ("eigenvalues", "eigenvectors"))((L, V))


def eigvalsh(A, UPLO="L", *, out=None):
    """Mirrors `torch.linalg.eigvalsh`."""
    L = linalg_eigh(A, UPLO)[0]
    return L if out is None else write_out("linalg_eigvalsh", out, L._data, L._dtype, (A,))


def _complex_dtype(dt):
    return D.complex128 if dt in (D.float64, D.complex128) else D.complex64


def linalg_eig(A, *, out=None):
    """Mirrors `torch.linalg.eig` (always complex results; no derivative yet)."""
    if A._dtype._category < 2:
        raise RuntimeError(f"Unknown Complex ScalarType for {P.torch_name(A._dtype)}")
    _check_matrix("linalg.eig", A)
    w, v = np.linalg.eig(_host(A))
    cdt = _complex_dtype(A._dtype)
    L = wrap(np.ascontiguousarray(w.astype(cdt.np)), cdt, A._device)
    V = wrap(_fortran(v.astype(cdt.np)), cdt, A._device)
    return _named("linalg_eig", ("eigenvalues", "eigenvectors"), (L, V), out, (A,))


# A = V diag(L) V^-1, so dL = diag(V^-1 dA V) and grad_A = V^-H diag(grad) V^H (real A: its real part)
_EigvalsBackward = node("LinalgEigBackward0", A=lambda grad, V: matmul(
    linalg_inv(_mH(V)), matmul(_diag_embed(grad), _mH(V))))


def eigvals(A, *, out=None):
    """Mirrors `torch.linalg.eigvals`."""
    L, V = linalg_eig(A)
    if out is not None:
        return write_out("linalg_eigvals", out, L._data, L._dtype, (A,))
    if recording(A):
        record(_EigvalsBackward, (A,), L, {"V": V})
    return L


# SVD
def _svd_grad(grads, U, S, Vh, full_matrices):
    gU, gS, gVh = grads
    k = S.shape[-1]  # full_matrices: only the first k singular vectors carry gradient, as in torch
    U, Vh = U[..., :k], Vh[..., :k, :]
    if gU is None and gVh is None:
        return matmul(U * gS.unsqueeze(-2), Vh)
    gU = U * 0 if gU is None else gU[..., :k]
    gVh = Vh * 0 if gVh is None else gVh[..., :k, :]
    gS = S * 0 if gS is None else gS
    V, gV = _mH(Vh), _mH(gVh)
    m, n = U.shape[-2], Vh.shape[-1]
    UhgU = matmul(_mH(U), gU)
    VhgV = matmul(_mH(V), gV)
    UhgU = UhgU - _mH(UhgU)
    VhgV = VhgV - _mH(VhgV)
    S2 = S * S
    E = S2.unsqueeze(-2) - S2.unsqueeze(-1) + _eye_like(UhgU)
    gA = (UhgU * S.unsqueeze(-2) + S.unsqueeze(-1) * VhgV) / E + _diag_embed(gS)
    if m > k:
        gA = matmul(U, gA)
        gUSinv = gU / S.unsqueeze(-2)
        gA = gA + gUSinv - matmul(U, matmul(_mH(U), gUSinv))
        gA = matmul(gA, Vh)
    elif n > k:
        gA = matmul(gA, Vh)
        gVSinv = gV / S.unsqueeze(-2)
        gA = gA + _mH(gVSinv) - matmul(matmul(_mH(gVSinv), V), Vh)
        gA = matmul(U, gA)
    else:
        gA = matmul(U, matmul(gA, Vh))
    return gA


LinalgSvdBackward0 = node("LinalgSvdBackward0", n_outputs=3,
                          A=lambda grads, U, S, Vh, full_matrices: _svd_grad(grads, U, S, Vh, full_matrices))


def _svd(A, full_matrices, compute_uv=True):
    _check_matrix("linalg.svd", A, square=False)
    a = _host(A)
    rdt = _real_dtype(A._dtype)
    m, n = a.shape[-2:]
    if a.size == 0:
        k = min(m, n)
        u = np.zeros(a.shape[:-2] + (m, m if full_matrices else k), a.dtype)
        s = np.zeros(a.shape[:-2] + (k,), rdt.np)
        vh = np.zeros(a.shape[:-2] + (n if full_matrices else k, n), a.dtype)
        if full_matrices:
            u[...] = np.eye(m, dtype=a.dtype)
            vh[...] = np.eye(n, dtype=a.dtype)
    else:
        u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
    U = wrap(_fortran(u), A._dtype, A._device)
    S = wrap(np.ascontiguousarray(s.astype(rdt.np, copy=False)), rdt, A._device)
    Vh = wrap(_fortran(vh), A._dtype, A._device)
    if recording(A):
        record(LinalgSvdBackward0, (A,), (U, S, Vh),
               {"U": U, "S": S, "Vh": Vh, "full_matrices": full_matrices},
               out_meta=[(t.shape, t._dtype, t._device) for t in (U, S, Vh)])
    return U, S, Vh


def linalg_svd(A, full_matrices=True, *, driver=None, out=None):
    """Mirrors `torch.linalg.svd`."""
    U, S, Vh = _svd(A, full_matrices)
    if out is not None:
        for o, t in zip(out, (U, S, Vh)):
            write_out("linalg_svd", o, t._data, t._dtype, (A,))
        return structseq("linalg_svd", ("U", "S", "Vh"))(out)
    return structseq("linalg_svd", ("U", "S", "Vh"))((U, S, Vh))


def svdvals(A, *, driver=None, out=None):
    """Mirrors `torch.linalg.svdvals`."""
    S = _svd(A, False)[1]
    return S if out is None else write_out("linalg_svdvals", out, S._data, S._dtype, (A,))


@export(method=True)
def svd(input, some=True, compute_uv=True, *, out=None):
    """Mirrors `torch.svd`: returns V (not Vh); without compute_uv, U and V are zero-filled."""
    U, S, Vh = _svd(input, not some)
    V = _mH(Vh)
    if not compute_uv:
        # torch then returns zero-filled (m, m) and (n, n) matrices, whatever `some` says
        m, n = input.shape[-2:]
        U = wrap(np.zeros(input.shape[:-2] + (m, m), U._dtype.np), U._dtype, U._device)
        V = wrap(np.zeros(input.shape[:-2] + (n, n), V._dtype.np), V._dtype, V._device)
    if out is not None:
        for o, t in zip(out, (U, S, V)):
            write_out("svd", o, t._data, t._dtype, (input,))
        return structseq("svd", ("U", "S", "V"))(out)
    return structseq("svd", ("U", "S", "V"))((U, S, V))


def _tol_cutoff(S, smax_dims_shape, atol, rtol, dt, m, n):
    eps = np.finfo(_real_dtype(dt).np).eps
    if rtol is None:
        rtol = eps * max(m, n) if atol is None or _is_zero(atol) else 0.0
    atol = 0.0 if atol is None else atol
    atol = atol._data if isinstance(atol, Tensor) else atol
    rtol = rtol._data if isinstance(rtol, Tensor) else rtol
    smax = S.max(-1, keepdims=True) if S.shape[-1] else np.zeros(S.shape[:-1] + (1,), S.dtype)
    return np.maximum(np.asarray(atol)[..., None] if np.ndim(atol) else atol,
                      (np.asarray(rtol)[..., None] if np.ndim(rtol) else rtol) * smax)


def _is_zero(x):
    return False if isinstance(x, Tensor) else x == 0


def _pinv_grad(grad, self, result):
    A, P, gPh, Ph = self, result, _mH(grad), _mH(result)
    if A.shape[-2] <= A.shape[-1]:
        K = matmul(gPh, P)
        KPh = matmul(K, Ph)
        return (-_mH(matmul(P, K)) + KPh - matmul(matmul(A, P), KPh)
                + matmul(matmul(Ph, P), gPh - matmul(K, A)))
    K = matmul(P, gPh)
    PhK = matmul(Ph, K)
    return (-_mH(matmul(K, P)) + PhK - matmul(matmul(PhK, P), A)
            + matmul(matmul(gPh - matmul(A, K), P), Ph))


LinalgPinvBackward0 = node("LinalgPinvBackward0", self=_pinv_grad)


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None, rcond=None):
    """Mirrors `torch.linalg.pinv` (derivative for full-rank inputs, as torch's)."""
    if A._dtype._category < 2 or A._dtype in (D.float16, D.bfloat16):
        raise RuntimeError(f"linalg.pinv({P.torch_name(A._dtype)}{{{list(A.shape)}}}): expected a tensor "
                           "with 2 or more dimensions of float, double, cfloat or cdouble types")
    if rcond is not None:
        rtol = rcond
    a = _host(A)
    m, n = a.shape[-2:]
    if hermitian:  # torch reads only the lower triangle (eigh, UPLO='L') and a real diagonal
        low = np.tril(a, -1)
        diag = np.real(np.diagonal(a, axis1=-2, axis2=-1))[..., None] * np.eye(n, dtype=a.dtype)
        a = low + np.conj(np.swapaxes(low, -1, -2)) + diag
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    cut = _tol_cutoff(s, None, atol, rtol, A._dtype, m, n)
    sinv = np.where(s > cut, 1 / np.where(s > cut, s, 1), 0).astype(s.dtype)
    r = np.matmul(np.conj(np.swapaxes(vh, -1, -2)) * sinv[..., None, :], np.conj(np.swapaxes(u, -1, -2)))
    r = np.ascontiguousarray(r.astype(a.dtype, copy=False))
    return _finish("linalg_pinv", r, A._dtype, (A,), out, LinalgPinvBackward0, {"self": A, "result": None}) \
        if out is not None or not recording(A) else _record_pinv(A, r)


def _record_pinv(A, r):
    t = wrap(r, A._dtype, A._device)
    record(LinalgPinvBackward0, (A,), t, {"self": A, "result": t})
    return t


@export(method=True)
def pinverse(input, rcond=1e-15):
    """Mirrors `torch.pinverse`."""
    return pinv(input, rtol=rcond)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, out=None, tol=None):
    """Mirrors `torch.linalg.matrix_rank` (int64 result)."""
    if A._dtype._category < 2:
        raise RuntimeError("This function doesn't handle types other than float and double")
    _check_matrix("linalg.matrix_rank", A, square=False)
    if tol is not None:
        atol, rtol = tol, 0.0
    a = _host(A)
    s = np.abs(np.linalg.eigvalsh(a)) if hermitian else np.linalg.svd(a, compute_uv=False)
    cut = _tol_cutoff(s, None, atol, rtol, A._dtype, *a.shape[-2:])
    r = np.asarray((s > cut).sum(-1), np.int64)
    return _finish("linalg_matrix_rank", r, D.int64, (A,), out)


def matrix_power(A, n, *, out=None):
    """Mirrors `torch.linalg.matrix_power` (repeated squaring with mm, as torch does)."""
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_power: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    if n == 0:
        r = _eye_like(A).expand(A.shape).clone()
        r = A * 0 + r if recording(A) else r  # connected to A with a zero gradient, as torch's copy is
    elif n == 1:
        r = A.clone()
    else:
        if n < 0:
            A = linalg_inv(A)
            n = -n
        z, r = A, None
        while n:
            if n & 1:
                r = z if r is None else matmul(r, z)
            n >>= 1
            if n:
                z = matmul(z, z)
    if out is not None:
        return write_out("linalg_matrix_power", out, r._data, r._dtype, (A,))
    return r


export(matrix_power, method=True)


def _matrix_exp_grad(grad, self):
    # the derivative is the top-right block of exp([[A^H, G], [0, A^H]])
    import numtorch
    n = self.shape[-1]
    AH = _mH(self)
    top = numtorch.cat([AH, grad], -1)
    bottom = numtorch.cat([AH * 0, AH], -1)
    return matrix_exp(numtorch.cat([top, bottom], -2))[..., :n, n:]


LinalgMatrixExpBackward0 = node("LinalgMatrixExpBackward0", self=_matrix_exp_grad)


@export(method=True)
def matrix_exp(A):
    """Mirrors `torch.linalg.matrix_exp` / `torch.matrix_exp` (scipy's expm)."""
    _check_matrix("linalg.matrix_exp", A)
    from scipy.linalg import expm
    a = _host(A)
    r = np.asarray(expm(a) if a.size else a.copy()).astype(a.dtype, copy=False)
    t = wrap(_fortran(r) if a.ndim == 2 else np.ascontiguousarray(r), A._dtype, A._device)
    if recording(A):
        record(LinalgMatrixExpBackward0, (A,), t, {"self": A})
    return t


def lu_factor(A, *, pivot=True, out=None):
    """Mirrors `torch.linalg.lu_factor` (LAPACK getrf: 1-based int32 pivots)."""
    if A._dtype._category < 2:
        raise NotImplementedError(f'"lu_cpu" not implemented for \'{P.torch_name(A._dtype)}\'')
    _check_matrix("linalg.lu_factor", A, square=False)
    from scipy.linalg import lu_factor as _lu
    a = _host(A)
    flat = a.reshape((-1,) + a.shape[-2:])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = [_lu(m, check_finite=False) for m in flat]
    lu = np.array([r[0] for r in res], a.dtype).reshape(a.shape)
    k = min(a.shape[-2:])
    piv = np.array([r[1][:k] + 1 for r in res], np.int32).reshape(a.shape[:-2] + (k,))
    return _named("linalg_lu_factor", ("LU", "pivots"), (wrap(_fortran(lu), A._dtype, A._device),
                                                          wrap(piv, D.int32, A._device)), out, (A,))


def lstsq(A, B, rcond=None, *, driver=None, out=None):
    """Mirrors `torch.linalg.lstsq` (CPU default driver 'gelsy': no residuals or singular values)."""
    _check_matrix("linalg.lstsq", A, square=False)
    if A._dtype is not B._dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same dtype, but got "
                           f"input's dtype {A._dtype} and other's dtype {B._dtype}")
    driver = driver or "gelsy"
    a, b = _host(A), _host(B)
    vector = b.ndim == a.ndim - 1
    bm = b[..., None] if vector else b
    m, n = a.shape[-2:]
    batch = tuple(broadcast_shapes(a.shape[:-2], bm.shape[:-2]))
    af = np.broadcast_to(a, batch + a.shape[-2:]).reshape((-1, m, n))
    bf = np.broadcast_to(bm, batch + bm.shape[-2:]).reshape((-1, m, bm.shape[-1]))
    rc = rcond if rcond is not None else np.finfo(_real_dtype(A._dtype).np).eps * max(m, n)
    sols, res, ranks, svs = [], [], [], []
    for x, y in zip(af, bf):
        s, r, rk, sv = np.linalg.lstsq(x, y, rcond=rc)
        sols.append(s)
        res.append(r)
        ranks.append(rk)
        svs.append(sv)
    rdt = _real_dtype(A._dtype)
    sol = np.array(sols, a.dtype).reshape(batch + (n, bm.shape[-1]))
    sol = np.ascontiguousarray(sol[..., 0]) if vector else _fortran(sol)
    empty = np.empty((0,), rdt.np)
    full_rank = all(rk == n for rk in ranks)
    residuals = (np.array(res, rdt.np).reshape(batch + (bm.shape[-1],))
                 if driver != "gelsy" and m > n and full_rank else empty)
    if vector and residuals.size:
        residuals = residuals[..., 0]
    rank = np.array(ranks, np.int64).reshape(batch) if driver != "gels" else np.empty((0,), np.int64)
    sv = np.array(svs, rdt.np).reshape(batch + (min(m, n),)) if driver in ("gelsd", "gelss") else empty
    dev = A._device
    solution, resid = wrap(sol, A._dtype, dev), wrap(residuals, rdt, dev)
    if out is None and recording(A, B):  # differentiable outputs, from recorded ops: pinv(A) @ B, |AX - B|^2
        solution = matmul(pinv(A), B)
        err = (matmul(A, solution) - B).abs().pow(2)
        resid = err.sum(-1 if vector else -2) if residuals.size else err.reshape(-1)[:0]
    return _named("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"),
                  (solution, resid, wrap(rank, D.int64, dev),
                   wrap(sv, rdt, dev)), out, (A, B))


# norms
def _vnorm_grad(grad, self, result, ord, dims, keepdim):
    g, r = grad, result
    if not keepdim and dims is not None:
        for d in sorted(dims):
            g, r = g.unsqueeze(d), r.unsqueeze(d)
    if ord == 0:
        return self * 0
    if ord == 1:
        return g * self.sgn()
    if ord == 2:  # at a zero norm the subgradient 0 is taken (as torch does), not 0/0
        return g * self / (r + (r == 0))
    if ord in (float("inf"), float("-inf")):
        mask = (self.abs() == r)
        cnt = mask.sum(tuple(dims) if dims is not None else None, keepdim=True)
        return g * self.sgn() * mask / cnt
    scaled = self.sgn() * self.abs().pow(ord - 1)
    if ord < 1:  # |x|^(ord-1) is infinite at x == 0: take the subgradient 0 there
        scaled = scaled.masked_fill(self == 0, 0)
    return g * scaled / (r.pow(ord - 1) + (r == 0))


LinalgVectorNormBackward0 = node("LinalgVectorNormBackward0",
                                 self=lambda grad, self, result, ord, dims, keepdim: _vnorm_grad(
                                     grad, self, result, ord, dims, keepdim))


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mirrors `torch.linalg.vector_norm`."""
    _check_float("linalg.vector_norm", x) if x._dtype._category < 2 else None
    if isinstance(ord, Tensor):
        ord = ord.item()
    ord = float(ord)
    if dtype is not None:
        x = x.to(dtype)
    dims = None if dim is None else ((dim,) if isinstance(dim, int) else tuple(dim))
    if dims is not None and len(dims) == 0:
        dims = None
    if dims is not None:
        dims = tuple(wrap_dim(d, x.ndim) for d in dims) if x.ndim else None  # a 0-d input reduces nothing
    a = _host(x)
    if a.size == 0 and ord < 0 or (ord == float("inf") and a.size == 0 and dims is None):
        raise RuntimeError(f"linalg.vector_norm cannot compute the {ord:g} norm on an empty tensor because "
                           "the operation does not have an identity")
    rdt = _real_dtype(x._dtype)
    cd = P.computation_dtype(rdt)
    av = np.abs(a).astype(cd.np, copy=False)
    kw = dict(axis=dims, keepdims=keepdim)
    with np.errstate(all="ignore"):
        if ord == float("inf"):
            r = av.max(**kw)
        elif ord == float("-inf"):
            r = av.min(**kw)
        elif ord == 0:
            r = (av != 0).sum(**kw, dtype=cd.np)
        elif ord == 1:
            r = av.sum(**kw)
        elif ord == 2:
            r = np.sqrt((av * av).sum(**kw))
        else:
            r = (av ** ord).sum(**kw) ** (1 / ord)
    r = np.asarray(r).astype(rdt.np)
    if out is not None:
        return write_out("linalg_vector_norm", out, r, rdt, (x,))
    t = wrap(r, rdt, x._device)
    if recording(x):
        record(LinalgVectorNormBackward0, (x,), t, {"self": x, "result": t, "ord": ord, "dims": dims,
                                                   "keepdim": keepdim})
    return t


_MATRIX_ORDS = ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """Mirrors `torch.linalg.matrix_norm`."""
    if ord not in _MATRIX_ORDS:  # torch checks the order first
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    _check_float("linalg.matrix_norm", A)
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
    d0, d1 = (wrap_dim(d, A.ndim) for d in dim)
    if dtype is not None:
        A = A.to(dtype)
    if ord == "fro":
        r = vector_norm(A, 2, (d0, d1), keepdim)
    elif A.numel() == 0:
        # torch gives 0 for the norms of empty matrices (still connected to A for autograd)
        r = vector_norm(A, 2, (d0, d1), keepdim) * 0
    elif ord == "nuc" or ord in (2, -2):
        B = A.permute([d for d in range(A.ndim) if d not in (d0, d1)] + [d0, d1])
        S = svdvals(B)
        if ord == "nuc":
            r = S.sum(-1)
        else:
            r = S.max(-1).values if ord == 2 else S.min(-1).values
        if keepdim:
            for d in sorted((d0, d1)):
                r = r.unsqueeze(d)
    else:  # 1, -1, inf, -inf
        sum_dim, red_dim = (d0, d1) if ord in (1, -1) else (d1, d0)
        s = A.abs().sum(sum_dim, keepdim=True)
        r = s.max(red_dim, keepdim=True).values if ord > 0 else s.min(red_dim, keepdim=True).values
        if not keepdim:
            r = r.squeeze(max(d0, d1)).squeeze(min(d0, d1))
    if out is not None:
        return write_out("linalg_matrix_norm", out, r._data, r._dtype, (A,))
    return r


def linalg_norm(A, ord=None, dim=None, keepdim=False, *, out=None, dtype=None):
    """Mirrors `torch.linalg.norm`."""
    if dim is not None and isinstance(dim, int):
        dim = (dim,)
    if isinstance(ord, str) or (ord is not None and dim is not None and len(dim) == 2) or (
            ord is not None and dim is None and A.ndim == 2):
        if dim is None:
            if A.ndim != 2:
                raise RuntimeError("linalg.norm: If dim is not specified but ord is, the input must be 1D "
                                   f"or 2D. Got {A.ndim}D.")
            dim = (-2, -1)
        return matrix_norm(A, "fro" if ord is None else ord, dim, keepdim, dtype=dtype, out=out)
    if ord is not None and dim is None and A.ndim > 2:
        raise RuntimeError("linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                           f"Got {A.ndim}D.")
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype, out=out)


def cond(A, p=None, *, out=None):
    """Mirrors `torch.linalg.cond`."""
    if p is None or p in (2, -2):
        S = svdvals(A)
        r = S[..., 0] / S[..., -1] if p != -2 else S[..., -1] / S[..., 0]
    else:
        _check_matrix("linalg.cond", A)
        r = matrix_norm(A, p) * matrix_norm(linalg_inv(A), p)
    if out is not None:
        return write_out("linalg_cond", out, r._data, r._dtype, (A,))
    return r


def vander(x, *, N=None):
    """Mirrors `torch.linalg.vander`: increasing powers x^0 .. x^(N-1)."""
    if x.ndim < 1:
        x = x.reshape(1)  # torch treats a 0-d x as one element
    n = x.shape[-1] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    dt = D.int64 if x._dtype is D.bool_ or x._dtype._category == 1 and x._dtype is not D.int64 else x._dtype
    dt = x._dtype if x._dtype._category >= 1 else D.int64
    if recording(x) and n >= 1:  # differentiable: [1, cumprod(x, x, ...)] from autograd-recorded ops
        import numtorch
        pw = x.unsqueeze(-1).expand(*x.shape, n - 1).cumprod(-1)
        return numtorch.cat([numtorch.ones_like(x).unsqueeze(-1), pw], -1)
    a = _host(x).astype(dt.np)
    r = np.ones(a.shape + (n,), dt.np)
    if n > 1:
        r[..., 1:] = np.cumprod(np.repeat(a[..., None], n - 1, -1), -1)
    return wrap(r, dt, x._device)


def linalg_diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """Mirrors `torch.linalg.diagonal`."""
    import numtorch
    return numtorch.diagonal(A, offset=offset, dim1=dim1, dim2=dim2)


def linalg_matmul(input, other, *, out=None):
    """Mirrors `torch.linalg.matmul`."""
    return matmul(input, other, out=out)


def vecdot(x, y, *, dim=-1, out=None):
    """Mirrors `torch.linalg.vecdot`: sum(conj(x) * y, dim)."""
    for t in (x, y):
        _check_float("linalg.vecdot", t)
    r = (_conj(x) * y).sum(dim)
    return r if out is None else write_out("linalg_vecdot", out, r._data, r._dtype, (x, y))


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    """Mirrors `torch.linalg.solve_ex` (info = getrf's first zero pivot)."""
    infos = _lu_infos(_host(A)) if A._dtype._category >= 2 and A.ndim >= 2 and A.numel() else None
    if infos is not None and infos.any() and not check_errors:
        _check_matrix("linalg.solve", A)
        from ..autograd.grad_mode import no_grad
        with no_grad():
            vector, Bm = _solve_arrays("linalg.solve", A, B, left)
        shape = tuple(broadcast_shapes(A.shape[:-2], Bm.shape[:-2])) + tuple(Bm.shape[-2:])
        r = np.full(shape[:-1] if vector else shape, np.nan, A._dtype.np)
        res = wrap(r, A._dtype, A._device)
    else:
        res = linalg_solve(A, B, left=left)
        infos = np.zeros(A.shape[:-2], np.int32) if infos is None else infos
    info = wrap(infos.astype(np.int32), D.int32, A._device)
    return _named("linalg_solve_ex", ("result", "info"), (res, info), out, (A, B))


def lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):
    """Mirrors `torch.linalg.lu_factor_ex`."""
    LU, piv = lu_factor(A, pivot=pivot)
    infos = _lu_infos(_host(A)) if A.numel() else np.zeros(A.shape[:-2], np.int32)
    if check_errors:
        _batch_info_error("torch.linalg.lu_factor_ex", infos, lambda i: f"U[{i},{i}] is zero, singular U.")
    return _named("linalg_lu_factor_ex", ("LU", "pivots", "info"),
                  (LU, piv, wrap(infos.astype(np.int32), D.int32, A._device)), out, (A,))


def linalg_lu(A, *, pivot=True, out=None):
    """Mirrors `torch.linalg.lu`: A = P L U (no derivative yet)."""
    if A._dtype._category < 2:
        raise NotImplementedError(f'"lu_cpu" not implemented for \'{P.torch_name(A._dtype)}\'')
    _check_matrix("linalg.lu", A, square=False)
    from scipy.linalg import lu as _lu
    a = _host(A)
    m, n = a.shape[-2:]
    k = min(m, n)
    flat = a.reshape((-1, m, n))
    res = [_lu(x, check_finite=False) for x in flat]
    batch = a.shape[:-2]
    Pm = np.array([r[0] for r in res], a.dtype).reshape(batch + (m, m))
    Lm = np.array([r[1] for r in res], a.dtype).reshape(batch + (m, k))
    Um = np.array([r[2] for r in res], a.dtype).reshape(batch + (k, n))
    dev = A._device
    return _named("linalg_lu", ("P", "L", "U"), (wrap(Pm, A._dtype, dev), wrap(Lm, A._dtype, dev),
                                                  wrap(Um, A._dtype, dev)), out, (A,))


def lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    """Mirrors `torch.linalg.lu_solve` (no derivative yet)."""
    from scipy.linalg import lu_solve as _lus
    lu, piv, b = _host(LU), _host(pivots).astype(np.int64) - 1, _host(B)
    batch = tuple(broadcast_shapes(lu.shape[:-2], b.shape[:-2]))
    n = lu.shape[-1]
    luf = np.broadcast_to(lu, batch + lu.shape[-2:]).reshape((-1, n, n))
    pf = np.broadcast_to(piv, batch + piv.shape[-1:]).reshape((-1, n))
    bb = b if left else np.conj(np.swapaxes(b, -1, -2)) if adjoint else np.swapaxes(b, -1, -2)
    bf = np.broadcast_to(bb, batch + bb.shape[-2:]).reshape((-1,) + bb.shape[-2:])
    # X A = B  <=>  A^T X^T = B^T (A^H X^H = B^H for adjoint)
    trans = (2 if adjoint else 1) if not left else (2 if adjoint else 0)
    if not left:
        trans = 2 if not adjoint and np.iscomplexobj(lu) else (1 if not adjoint else 0)
    r = np.array([_lus((x, p), y, trans=trans, check_finite=False) for x, p, y in zip(luf, pf, bf)], lu.dtype)
    r = r.reshape(batch + bb.shape[-2:])
    if not left:
        r = np.conj(np.swapaxes(r, -1, -2)) if adjoint else np.swapaxes(r, -1, -2)
    return _finish("linalg_lu_solve", _fortran(r), LU._dtype, (LU, B), out)


def tensorinv(A, ind=2, *, out=None):
    """Mirrors `torch.linalg.tensorinv`."""
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    rows, cols = A.shape[:ind], A.shape[ind:]
    r = linalg_inv(A.reshape(int(np.prod(rows)), int(np.prod(cols)))).reshape(tuple(cols) + tuple(rows))
    return r if out is None else write_out("linalg_tensorinv", out, r._data, r._dtype, (A,))


def tensorsolve(A, B, dims=None, *, out=None):
    """Mirrors `torch.linalg.tensorsolve`."""
    if dims is not None:
        dims = [wrap_dim(d, A.ndim) for d in dims]
        A = A.permute([d for d in range(A.ndim) if d not in dims] + dims)
    rest = A.shape[B.ndim:]
    r = linalg_solve(A.reshape(B.numel(), -1), B.reshape(-1)).reshape(rest)
    return r if out is None else write_out("linalg_tensorsolve", out, r._data, r._dtype, (A, B))


def _cholesky_solve_factor_grad(grad, input2, result, upper):
    gB = cholesky_solve(grad, input2, upper)
    common = matmul(gB, _mH(result))
    common = common + _mH(common)
    return -matmul(input2, common) if upper else -matmul(common, input2)


CholeskySolveBackward0 = node("CholeskySolveBackward0",
                              self=lambda grad, input2, upper: cholesky_solve(grad, input2, upper),
                              input2=_cholesky_solve_factor_grad)


@export(method=True)
def cholesky_solve(input, input2, upper=False, *, out=None):
    """Mirrors `torch.cholesky_solve`: A^-1 B for A = L L^H (or U^H U), by two triangular solves."""
    from ..autograd.grad_mode import no_grad
    with no_grad():
        L = _mH(input2) if upper else input2
        r = solve_triangular(_mH(L), solve_triangular(L, input, upper=False), upper=True)
    return _finish("cholesky_solve", r._data, r._dtype, (input, input2), out, CholeskySolveBackward0,
                   {"input2": input2, "result": r, "upper": upper})


@export(method=True)
def cholesky_inverse(input, upper=False, *, out=None):
    """Mirrors `torch.cholesky_inverse`."""
    from .creation import eye
    return cholesky_solve(eye(input.shape[-1], dtype=input._dtype).expand(input.shape), input, upper, out=out)
