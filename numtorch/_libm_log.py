"""libm's `log` over a float64 array, without a Python call for most elements.

torch's double Box-Muller calls std::log (the platform libm's log) once per pair of outputs.  NumPy's float64
`np.log` is a different function (SVML on AVX-512 machines: it differs from glibc in about 0.3% of results),
and `math.log` element by element costs about 55 ns, half of a float64 `randn`.

So `log_unit` evaluates log(u) in NumPy to about 2**-72 (double-double arithmetic, below) and rounds it to
the nearest double.  libm's log is within 0.52 ulp of the exact value (glibc >= 2.28 documents 0.519 ulp;
older glibc rounds correctly): where the accurate value lies farther than 1/32 ulp from the edge of its
rounding interval, no other double is within 0.52 ulp of it, so libm must return the rounded value.  The lanes
near an edge (about 6%) call math.log.  The first call checks the whole scheme against math.log on a few
thousand hard and random inputs and falls back to math.log throughout if the platform's libm disagrees.

The evaluation, for u = 2**k z with z in [1 - 2**-12, 2 - 2**-11) (a reduction like glibc's):
- z falls in one of 1024 intervals; c = 1 + i/1024 is the centre of interval i (interval 0 is centred on 1),
  and invc is 1/c rounded to 11 significant bits.  log(u) = k log(2) - log(invc) + log1p(r), r = z invc - 1.
- r is exact: |r| < 2**-10 and z invc has at most 63 fraction bits, so r fits a double; it is computed as
  (zh invc - 1) + zl invc with z = zh + zl split so that both products are exact.
- A = k ln2_hi - log(invc)_hi is exact (all multiples of 2**-43 below 2**10); the low parts of both
  constants, and log1p(r) - r (a degree-6 Taylor polynomial: |r|**7/7 < 2**-75), are small terms whose
  rounding errors stay below 2**-72.  A + r is summed exactly (TwoSum).
"""
from __future__ import annotations

import math
from itertools import starmap

import numpy as np

__all__ = ["libm_map", "log_unit"]

_F64, _I64 = np.dtype(np.float64), np.dtype(np.int64)
_BITS = 10                                       # table index bits: 1024 intervals
_ONE = 0x3FF0000000000000                        # the bits of 1.0
_OFF = _ONE - (1 << (51 - _BITS))                # interval 0 runs from 1 - 2**-12 to 1 + 2**-11
_EXP = 0x7FF0000000000000
_HI_GRID = 43                                    # A's parts are multiples of 2**-43
_TAU = 1 / 32                                    # lanes within this many ulps of a rounding edge use libm
_EDGE = 2.0 ** 52 / (0.5 - _TAU)                 # |rem| * _EDGE > 2**e  <=>  |rem| > (1/2 - tau) ulp
_SMALL = 1024

_tables = None
_state = None  # None: not yet checked; True: the fast path agrees with math.log; False: it does not


def _build_tables():
    """(invc, log_hi, log_lo, ln2_hi, ln2_lo): invc[i] and -log(invc[i]) = log_hi + log_lo per interval.

    The logarithms come from 136-bit fixed-point integers: log(M) for every integer M in [1024, 2048] by
    summing log(1 + 1/M) = 2 atanh(1/(2M + 1)), whose series converges by a factor of (2M+1)**2 per term.
    """
    s = 136

    def atanh_inv(d):  # atanh(1/d) * 2**s
        term = x = (1 << s) // d
        d2, k = d * d, 1
        while term:
            term //= d2
            k += 2
            x += term // k
        return x

    ln2 = 2 * atanh_inv(3)
    log_m = [10 * ln2]  # log(1024 + j) for j = 0..1024
    for m in range(1024, 2048):
        log_m.append(log_m[-1] + 2 * atanh_inv(2 * m + 1))
    n = 1 << _BITS
    invc = np.empty(n)
    log_hi = np.empty(n)
    log_lo = np.empty(n)
    shift = s - _HI_GRID
    for i in range(n):
        m = 2048 if i == 0 else ((1 << 22) // (1024 + i) + 1) >> 1  # round(2**21 / (1024 + i)): 11 bits
        invc[i] = m / 2048
        t = 11 * ln2 - log_m[m - 1024] if i else 0                 # -log(m / 2048) * 2**s
        hi = (t + (1 << (shift - 1))) >> shift
        log_hi[i] = hi / 2.0 ** _HI_GRID
        log_lo[i] = (t - (hi << shift)) / 2.0 ** s
    hi = (ln2 + (1 << (shift - 1))) >> shift
    return invc, log_hi, log_lo, hi / 2.0 ** _HI_GRID, (ln2 - (hi << shift)) / 2.0 ** s


def _log_accurate(x):
    """(y, suspect): y = log(x) rounded to nearest from a value within 2**-72 (relative 2**-62 near 1) of
    the exact one, for float64 x in [2**-60, 1] (1-d, contiguous); suspect: the lanes within _TAU ulp of a
    rounding edge, as a bool array."""
    global _tables
    if _tables is None:
        _tables = _build_tables()
    invc_t, log_hi_t, log_lo_t, ln2_hi, ln2_lo = _tables
    n = x.size
    ix = x.view(_I64)
    i1, i2, i3 = np.empty(n, _I64), np.empty(n, _I64), np.empty(n, _I64)
    f1, f2, f3, f4 = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    tmp = np.subtract(ix, _OFF, out=i1)
    idx = np.right_shift(tmp, 52 - _BITS, out=i2)
    idx &= (1 << _BITS) - 1
    zb = np.bitwise_and(tmp, -1 << 52, out=i3)
    np.subtract(ix, zb, out=zb)                   # z = x / 2**k
    z = zb.view(_F64)
    tmp >>= 52                                    # k
    kd = f4
    np.copyto(kd, tmp)
    zh = np.bitwise_and(zb, -1 << 11, out=i1).view(_F64)  # 42 significant bits: zh * invc is exact
    invc = invc_t.take(idx, out=f1)
    zl = np.subtract(z, zh, out=f2)
    zl *= invc                                    # exact: zl has at most 11 bits
    r = np.multiply(zh, invc, out=f3)
    r -= 1.0                                      # exact (Sterbenz)
    r += zl                                       # exact: r is a double
    a = np.multiply(kd, ln2_hi, out=f1)
    a += log_hi_t.take(idx, out=f2)               # exact: multiples of 2**-43 below 2**10
    kd *= ln2_lo
    kd += log_lo_t.take(idx, out=f2)              # the constants' low parts
    lo = kd
    p = np.multiply(r, -1 / 6, out=f2)            # log1p(r) - r = r**2 (-1/2 + r/3 - r**2/4 + ...)
    for c in (1 / 5, -1 / 4, 1 / 3):
        p += c
        p *= r
    p -= 0.5
    r2 = np.multiply(r, r, out=i3.view(_F64))
    p *= r2
    lo += p
    s = np.add(a, r, out=i1.view(_F64))           # TwoSum(a, r): s + err == a + r exactly
    bb = np.subtract(s, a, out=i3.view(_F64))
    r -= bb
    bb = np.subtract(s, bb, out=f2)
    np.subtract(a, bb, out=a)
    a += r                                        # err
    lo += a
    y = np.add(s, lo)
    s -= y
    s += lo                                       # rem = (s + lo) - y, exact (|s| >= |lo|: Fast2Sum)
    np.abs(s, out=s)
    s *= _EDGE
    e = np.subtract(y.view(_I64), 1, out=i2)      # the exponent of y (of the binade below, when y = 2**e)
    e &= _EXP
    return y, np.greater(s, e.view(_F64))


def _log_checked(x):
    y, suspect = _log_accurate(x)
    k = np.flatnonzero(suspect)
    if k.size:
        y[k] = libm_map(math.log, x[k])
    return y


def _agrees_with_libm():
    """Whether the fast path gives math.log's results on hard and random inputs of randn's kind."""
    rng = np.random.default_rng(20261204)
    m = np.concatenate([rng.integers(0, 2 ** 53, 4096), np.arange(0, 256), 2 ** 53 - np.arange(1, 257),
                        rng.integers(0, 2 ** 20, 1024), 2 ** 53 - rng.integers(1, 2 ** 20, 1024)])
    x = 1.0 - m.astype(np.float64) * 2.0 ** -53  # randn's u1: (0, 1] in steps of 2**-53
    edges = [math.ldexp(1.0, -j) for j in range(1, 54)]
    x = np.concatenate([x, edges, np.nextafter(edges, 0), np.nextafter(edges, 1), np.exp(-rng.random(512))])
    return bool(np.array_equal(_log_checked(x), libm_map(math.log, x)))


def log_unit(x):
    """libm's log(x) for a float64 array x of values in [2**-60, 1] (any shape); a new array."""
    global _state
    x = np.ascontiguousarray(x, _F64)
    flat = x.reshape(-1)
    if flat.size < _SMALL:  # the vectorised path's ~50 NumPy calls cost more than this many math.log calls
        return libm_map(math.log, flat).reshape(x.shape)
    if _state is None:
        _state = _agrees_with_libm()
    if _state:
        y = _log_checked(flat)
    else:
        y = libm_map(math.log, flat)
    return y.reshape(x.shape)


def libm_map(f, x):
    """A math function (libm's, as torch calls it) over a float64 array, element by element; a new array.
    Iterating a memoryview makes each Python float as it is consumed, which is cheaper than a list of them
    first.  math.log takes an optional base, so CPython calls it with an argument tuple: starmap over zip
    hands it zip's 1-tuples (which zip reuses) instead of building one per call, a third cheaper."""
    x = np.ascontiguousarray(x, _F64)
    mv = memoryview(x.reshape(-1))
    it = starmap(f, zip(mv)) if f is math.log else map(f, mv)
    return np.fromiter(it, _F64, x.size).reshape(x.shape)
