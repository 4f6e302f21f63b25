"""Correctly rounded fused multiply-add on NumPy arrays, for torch's kernels that the compiler contracts into
fma instructions (the random samplers' affine maps, lerp): NumPy has no fma ufunc, so the exact product is
formed in float64 (float32 operands) or with Dekker's splitting (float64 operands) and rounded once.
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

F32, F64 = np.dtype(np.float32), np.dtype(np.float64)
_LOW29, _MID29 = np.int64(0x1FFFFFFF), np.int64(0x10000000)  # float64 bits below a float32's last bit; a tie
_BLOCK = 1 << 14  # elements per block on long arrays: the float64 temporaries stay in cache


def _blocked(kernel, dtype, a, b, c):
    """kernel(a, b, c, out) over blocks of a long output when every array operand is C-contiguous with the
    output's shape (or 0-d): fresh array-sized temporaries would cost more in page faults than the arithmetic."""
    ops = [x if type(x) is np.ndarray and x.dtype == dtype else np.asarray(x, dtype) for x in (a, b, c)]
    shapes = [x.shape for x in ops if x.ndim]
    shape = shapes[0] if shapes and all(t == shapes[0] for t in shapes) else np.broadcast_shapes(*shapes)
    out = np.empty(shape, dtype)
    n = out.size
    if n <= 2 * _BLOCK or any(x.ndim and (x.shape != shape or not x.flags.c_contiguous) for x in ops):
        kernel(*ops, out)
        return out
    flat = [x.reshape(-1) if x.ndim else x for x in ops]
    o = out.reshape(-1)
    for i in range(0, n, _BLOCK):
        kernel(*(x[i:i + _BLOCK] if x.ndim else x for x in flat), o[i:i + _BLOCK])
    return out


def fma32(a, b, c):
    """Correctly rounded float32 fma(a, b, c) for float32 operands (arrays or scalars, broadcastable)."""
    return _blocked(_fma32, F32, a, b, c)


def fma64(a, b, c):
    """Correctly rounded float64 fma(a, b, c) (arrays and/or scalars, broadcastable)."""
    return _blocked(_fma64, F64, a, b, c)


def fma(a, b, c, dtype):
    """fma32 or fma64, as `dtype` (float32 or float64) says; the operands are converted to it."""
    return fma32(a, b, c) if dtype == F32 else fma64(a, b, c)


def fused_dtype(xp, *operands):
    """The dtype a kernel's operands compute in when it is float32 or float64 on NumPy (where torch's contracted
    kernels are emulated with `fma`), else None (other backends and dtypes keep plain arithmetic)."""
    dt = np.result_type(*operands)
    return dt if xp is np and dt.kind == "f" and dt.itemsize >= 4 else None


def _fma32(a, b, c, out):
    """fma32 on one block, into `out`: a*b is exact in float64; s = fl64(a*b + c) rounded to float32 is wrong
    only when s lands exactly on a float32 midpoint while a*b + c does not; such lanes are moved one float64
    ulp toward the exact value."""
    s = np.asarray(np.multiply(a, b, dtype=F64))
    if s.shape == out.shape:
        s += c
    else:  # c broadcasts a and b further
        s = np.asarray(s + c)
    low = np.bitwise_and(s.view(np.int64), _LOW29)
    if (low == _MID29).any():
        flat = s.reshape(-1)
        idx = np.flatnonzero(low == _MID29)
        pp = np.multiply(np.broadcast_to(a, s.shape).reshape(-1)[idx], np.broadcast_to(b, s.shape).reshape(-1)[idx],
                         dtype=F64)
        cc = np.broadcast_to(c, s.shape).reshape(-1)[idx].astype(F64)
        ss = flat[idx]
        bb = ss - pp
        err = (pp - (ss - bb)) + (cc - bb)
        nz = err != 0
        flat[idx[nz]] = np.nextafter(ss[nz], np.where(err[nz] > 0, np.inf, -np.inf))
    out[...] = s


_SPLIT = 134217729.0  # 2**27 + 1, Veltkamp's constant for float64


def two_prod(a, b):
    """p, e with p = fl(a*b) and p + e == a*b exactly (Dekker; no overflow handling needed here)."""
    p = a * b
    t = _SPLIT * a
    ah = t - (t - a)
    al = a - ah
    t = _SPLIT * b
    bh = t - (t - b)
    bl = b - bh
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, e


def _fma64(a, b, c, out):
    """fma64 on one block, into `out`.

    a*b = p + e exactly (Dekker); s + t = p + c exactly (TwoSum); u = fl(t + e) with error u_err; the result
    r = fl(s + u) is correctly rounded when u_err == 0.  Otherwise r + d = s + u exactly (TwoSum again) and r
    can be wrong only if d + u_err crosses half a spacing of r (or a quarter, just below a power of two):
    those rare lanes are recomputed with exact rationals.
    """
    a, b, c = np.broadcast_arrays(np.asarray(a, F64), np.asarray(b, F64), np.asarray(c, F64))
    shape = a.shape
    a, b, c = a.reshape(-1), b.reshape(-1), c.reshape(-1)
    p, e = two_prod(a, b)
    s = p + c
    bb = s - p
    t = (p - (s - bb)) + (c - bb)
    u = t + e
    bb = u - t
    u_err = (t - (u - bb)) + (e - bb)
    r = s + u
    bad = ~np.isfinite(r)
    if bad.any():  # an infinite or NaN operand (or a product too large to split): the unfused a*b + c
        r[bad] = s[bad]
        u_err[bad] = 0
    hard = np.flatnonzero(u_err)
    if hard.size:
        rs, ss, us = r[hard], s[hard], u[hard]
        bb = rs - ss
        d = np.abs((ss - (rs - bb)) + (us - bb))
        half = np.spacing(np.abs(rs)) * 0.5
        tol = 2.0 * np.abs(u_err[hard])
        near = (np.abs(d - half) <= tol) | (np.abs(d - 0.5 * half) <= tol)
        for k in hard[near].tolist():
            r[k] = float(Fraction(float(a[k])) * Fraction(float(b[k])) + Fraction(float(c[k])))
    out[...] = r.reshape(shape)


def fma_scalar(v, std, mean):
    """Correctly rounded double fma(v, std, mean) for Python floats."""
    if std == 1.0:
        return v + mean
    if mean == 0.0 and math.copysign(1.0, mean) > 0:
        return v * std + 0.0
    if hasattr(math, "fma"):  # Python >= 3.13
        return math.fma(v, std, mean)
    p = v * std
    if p == 0.0 or not math.isfinite(p):
        return p + mean
    return float(Fraction(v) * Fraction(std) + Fraction(mean))
