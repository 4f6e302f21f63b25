"""numtorch's CPU random number generator: torch's MT19937 streams, bit for bit, in NumPy.

Target: PyTorch 2.13 CPU on x86-64 with AVX2/AVX-512 and glibc's libm (see shared/RNG.md).  Every sampler
returns a flat NumPy array holding the values in the order torch's kernel produces them (its memory order);
the caller reshapes or scatters them.  The generator state is the 5056-byte `CPUGeneratorImplState`.

Engine.  torch's `mt19937` is the textbook twister (init_genrand seeding, standard tempering).  NumPy's
`MT19937` bit generator runs the same recurrence in C, so it does the bulk work: it is only ever asked for
whole blocks of 624 outputs, which keeps its internal state equal to torch's state words.  The current
block's tempered outputs are kept here (`_blk`), with torch's read position (`_pos`) and the position at
which torch twists again (`_end`); `left_ = _end - _pos + 1` and `next_ = _pos` in torch's terms.  Small
requests are served from that block (and per-block float caches) without calling into NumPy's generator.

Exactness notes, function by function, sit next to the code.  Recurring facts:
- The AVX2/AVX-512 kernels are built with FMA contraction.  A float32 `fma(a, b, c)` is float64 `a*b + c`
  rounded to float32 (the product is exact in float64); where that float64 sum sits on a float32 rounding
  midpoint the lane is repaired (`_fma32`).  Inside the float32 Box-Muller kernel no repair is needed: both
  of its halves depend on a 24-bit integer only, and all 2**24 inputs were checked against torch.  float64
  fmas use Dekker/TwoSum with an exact-rational fallback for the rare hard lanes (`_fma64`).
- Double-precision transcendentals must come from the same libm as torch: `math.log`, `math.log1p`,
  `math.exp`, `math.tan`, libm's `lgamma` through ctypes, and NumPy's float64 `sin`/`cos` (identical to
  glibc's).  NumPy's float64 `log`/`log1p` are not glibc's, so they never feed an output; the float64
  Box-Muller gets libm's log from `_libm_log.log_unit`, which is vectorised and exact.
- A Generator is not thread-safe (torch locks a mutex; share one across threads only with a lock).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import math
import os
import struct
import sys
import warnings

import numpy as np

from ._fma import fma32 as _fma32
from ._fma import fma64 as _fma64
from ._fma import fma_scalar as _fma_scalar
from ._libm_log import libm_map as _libm
from ._libm_log import log_unit

__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed", "get_rng_state",
           "set_rng_state"]

_N = 624                      # MT19937 state words
_HALF = _N // 2               # random64() values per twister block
_STATE_SIZE = 5056            # sizeof(at::CPUGeneratorImplState)
_DEFAULT_SEED = 67280421310721  # c10::default_rng_seed_val
_RANDPERM_SWITCH = 0xFFFFFFFF // 20  # randperm_cpu: n below this uses 32-bit draws and a forward shuffle
_PERM_TAIL = 1024             # randperm: the last steps of the forward shuffle run as a plain loop
_PERM_BLOCK = 1 << 15         # randperm: steps per vectorised block (its temporaries stay in L2)
_LO = 0 if sys.byteorder == "little" else 1  # the int32 half of an int64 that holds its low bits
_CHUNK = _N * 84              # draws per piece in bulk samplers (about 52k: keeps temporaries in L2)

F16, F32, F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)
_I32, _I64 = np.dtype(np.int32), np.dtype(np.int64)
_f32 = np.float32
_TWO_M24 = _f32(2.0 ** -24)
_TWO_PI = 2.0 * math.pi

_EMPTY32 = np.empty(0, np.uint32)
_EMPTY32.flags.writeable = False


def _is_bf16(dt):
    """ml_dtypes' bfloat16 (NumPy kind "V"; ml_dtypes is only imported by whoever made that dtype)."""
    return dt.kind == "V" and dt.name == "bfloat16"


def _is_half(dt):
    return dt == F16 or _is_bf16(dt)


def _is_float(dt):
    return dt.kind == "f" or _is_bf16(dt)


def _digits(dt):
    """std::numeric_limits<T>::digits for torch's floating types."""
    if dt == F64:
        return 53
    if dt == F32:
        return 24
    if dt == F16:
        return 11
    return 8  # bfloat16


def _cast(values, dt):
    """static_cast<scalar_t> from float64/float32/int64 values, with c10's float-first rounding for half
    types (c10::Half and c10::BFloat16 are built from a float).  Integers wrap, as in C."""
    vd = values.dtype
    if vd is dt:
        return values
    if dt.kind in "iub" or (vd is F32 and dt.kind == "f"):
        return values.astype(dt)
    if _is_half(dt) and vd is not F32:
        values = values.astype(F32)
    return values.astype(dt)


# ---------------------------------------------------------------------------------------------------
# Seeding
# ---------------------------------------------------------------------------------------------------

def _init_genrand(seed32):
    """The 624 words of MT19937's init_genrand(seed32) (Knuth's multiplier)."""
    mt = np.random.MT19937(0)
    try:
        mt._legacy_seeding(seed32)  # NumPy's C mt19937_seed: exactly init_genrand
        key = mt.state["state"]["key"]
    except Exception:  # pragma: no cover - private API gone: do it in Python
        key = np.empty(_N, np.uint32)
        x = seed32
        for i in range(_N):
            key[i] = x
            x = (1812433253 * (x ^ (x >> 30)) + i + 1) & 0xFFFFFFFF
    return np.asarray(key, dtype=np.uint32)


def _integers_are_output_pairs():
    """NumPy's Generator.integers over [0, 2**64) as uint64 returns torch's random64() of two raw MT19937
    outputs per value, (first << 32) | second: the fast path for bulk draws (a quarter cheaper per output
    than its 32-bit integers).  Checked once, falling back to random_raw if a NumPy version differs."""
    a, b = np.random.MT19937(12345), np.random.MT19937(12345)
    x = np.random.Generator(a).integers(0, 1 << 64, size=650, dtype=np.uint64)
    y = b.random_raw(1300)
    sa, sb = a.state["state"], b.state["state"]
    return bool(np.array_equal(x, (y[0::2] << np.uint64(32)) | y[1::2]) and sa["pos"] == sb["pos"]
                and np.array_equal(sa["key"], sb["key"]))


_PAIRS_OK = _integers_are_output_pairs()


def _pair_source(mt):
    """k -> the next k random64() values of mt (uint64)."""
    if _PAIRS_OK:
        ints = np.random.Generator(mt).integers
        return lambda k: ints(0, 1 << 64, size=k, dtype=np.uint64)

    def pairs(k):  # pragma: no cover - only for NumPy versions that draw differently
        w = mt.random_raw(2 * k)
        return (w[0::2] << np.uint64(32)) | w[1::2]
    return pairs


def _words_of(v):
    """The 2k outputs behind k random64() values, in draw order (uint32)."""
    out = np.empty(2 * v.size, np.uint32)
    o, w = out.reshape(-1, 2), v.view(np.uint32).reshape(-1, 2)  # little endian: (second, first)
    o[:, 0] = w[:, 1]
    o[:, 1] = w[:, 0]
    return out


def _untemper(y):
    """Inverse of MT19937's tempering: the state words behind a block of outputs."""
    y = y.astype(np.uint32)
    y ^= y >> np.uint32(18)
    y ^= (y << np.uint32(15)) & np.uint32(0xEFC60000)
    t = y.copy()
    for _ in range(4):
        t = y ^ ((t << np.uint32(7)) & np.uint32(0x9D2C5680))
    y = t
    t = y.copy()
    for _ in range(2):
        t = y ^ (t >> np.uint32(11))
    return t


def _temper(words):
    y = words.astype(np.uint32)
    y ^= y >> np.uint32(11)
    y ^= (y << np.uint32(7)) & np.uint32(0x9D2C5680)
    y ^= (y << np.uint32(15)) & np.uint32(0xEFC60000)
    y ^= y >> np.uint32(18)
    return y


# ---------------------------------------------------------------------------------------------------
# float32 Box-Muller as in NormalFill16<float> (AVX2): Cephes log256_ps and sincos256_ps from
# avx_mathfun.h, evaluated in float32 with GCC's FMA contraction.  Both depend on one 24-bit integer
# (the uniform's mantissa), and both have been checked against torch for all 2**24 inputs.
# ---------------------------------------------------------------------------------------------------

_LOG_P = [7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1, 1.4249322787E-1,
          -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1, 3.3333331174E-1]
_LOG_P = [float(_f32(v)) for v in _LOG_P]
_LOG_Q1 = _f32(-2.12194440e-4)
_LOG_Q2 = _f32(0.693359375)
# bits of a float whose mantissa field is >= that of SQRTHF (0x3F3504F3): adding this carries into the
# exponent exactly when Cephes takes the "x - 1" branch instead of "2x - 1".
_SQRTHF_CARRY = 0x800000 - 0x3504F3
_DP1 = _f32(-0.78515625)
_DP2 = _f32(-2.4187564849853515625e-4)
_DP3 = float(_f32(-3.77489497744594108e-8))
_SIN_P = [float(_f32(v)) for v in (-1.9515295891E-4, 8.3321608736E-3, -1.6666654611E-1)]
_COS_P = [float(_f32(v)) for v in (2.443315711809948E-005, -1.388731625493765E-003, 4.166664568298827E-002)]
_FOPI = _f32(1.27323954473516)
_THETA_SCALE = _f32(_f32(2.0 * math.pi) * _f32(2.0 ** -24))  # 2pi (float) * 2**-24, exact scaling


def _k(v, dtype):
    """A constant operand as a 0-d array of the operation's dtype: a ufunc converts a Python or NumPy
    scalar on every call, which costs as much as the operation itself on the short arrays of a small randn
    (and a little on long ones)."""
    return np.array(v, dtype)


_KI = {v: _k(v, np.int32) for v in (1, 2, 23, 24, 30, 127, 0xFFFFFF, 1 << 24, _SQRTHF_CARRY)}
_K_LOG_P = [_k(v, F64) for v in _LOG_P]
_K_LOG_Q1, _K_LOG_Q2 = _k(_LOG_Q1, F32), _k(_LOG_Q2, F32)
_K_COS_P = [_k(v, F64) for v in _COS_P]
_K_SIN_P = [_k(v, F64) for v in _SIN_P]
_K_DP1, _K_DP2, _K_DP3 = _k(_DP1, F32), _k(_DP2, F32), _k(_DP3, F64)
_K_FOPI, _K_THETA_SCALE = _k(_FOPI, F32), _k(_THETA_SCALE, F32)
_K1, _KHALF, _KM2 = _k(1.0, F32), _k(0.5, F32), _k(-2.0, F32)
_KHALF64 = _k(0.5, F64)


class _Scratch:
    """Preallocated lane buffers for the float32 Box-Muller kernel (fresh arrays this size would be
    page-faulted on every chunk)."""

    def __init__(self, lanes):
        self.lanes = lanes
        self.f = [np.empty(lanes, F32) for _ in range(8)]
        self.d = [np.empty(lanes, F64) for _ in range(4)]
        self.i = [np.empty(lanes, np.int32) for _ in range(3)]
        self.d64 = np.empty(4 * lanes, F64)

    def view(self, lanes):
        if lanes == self.lanes:
            return self
        v = _Scratch.__new__(_Scratch)
        v.lanes = lanes
        v.f = [a[:lanes] for a in self.f]
        v.d = [a[:lanes] for a in self.d]
        v.i = [a[:lanes] for a in self.i]
        v.d64 = self.d64[:4 * lanes]
        return v


def _radius_f32(k, ws, out):
    """out = sqrt(-2 * log256_ps(1 - k * 2**-24)) for int32 k in [0, 2**24) (1-d, contiguous).
    (Copies are `a[...] = b`, which NumPy dispatches faster than np.copyto; float64 -> float32 rounds to
    nearest either way.)"""
    x, z, y32, ef = ws.f[0], ws.f[1], ws.f[2], ws.f[3]
    x64, y64, t64 = ws.d[0], ws.d[1], ws.d[2]
    e = ws.i[0]
    ki = _KI
    # u = 1 - k 2^-24 = K 2^-24 with K = 2^24 - k.  Cephes splits u = M 2^e with M in [sqrt(.5), sqrt(2)):
    # adding (2^23 - mantissa(sqrt(.5))) to the float bits carries into the exponent exactly when M < 1.
    np.subtract(ki[1 << 24], k, out=e)
    x[...] = e                           # exact
    bits = x.view(np.int32)
    np.add(bits, ki[_SQRTHF_CARRY], out=e)
    e >>= ki[23]
    e -= ki[127]
    e <<= ki[23]
    bits -= e                            # x = M
    x -= _K1                             # x = M - 1 (exact)
    e >>= ki[23]
    e -= ki[24]
    ef[...] = e
    np.multiply(x, x, out=z)
    x64[...] = x
    np.multiply(x64, _K_LOG_P[0], out=y64)
    y64 += _K_LOG_P[1]
    y32[...] = y64                       # fma(p0, x, p1): exact product, one rounding
    for p in _K_LOG_P[2:]:
        y64[...] = y32
        y64 *= x64
        y64 += p
        y32[...] = y64                   # fma(y, x, p)
    y32 *= x                             # y * x, rounded
    y64[...] = y32
    t64[...] = z
    y64 *= t64                           # exact y*z
    np.multiply(ef, _K_LOG_Q1, out=out)  # e * q1, rounded
    t64[...] = out
    y64 += t64
    y32[...] = y64                       # fma(y, z, e*q1)
    z *= _KHALF                          # exact
    y32 -= z
    x += y32
    ef *= _K_LOG_Q2                      # exact
    x += ef
    np.multiply(x, _KM2, out=out)
    np.sqrt(out, out=out)
    return out


def _sincos_f32(k, ws, sn, cs):
    """sn, cs = sincos256_ps(float(2pi) * (k * 2**-24)) for int32 k in [0, 2**24) (1-d, contiguous)."""
    th, y, x, z, t = ws.f[0], ws.f[1], ws.f[2], ws.f[3], ws.f[4]
    x64, z64, t64, h64 = ws.d[0], ws.d[1], ws.d[2], ws.d[3]
    j, m = ws.i[0], ws.i[1]
    ki = _KI
    th[...] = k
    th *= _K_THETA_SCALE                 # round(2pi_f * u): the 2**-24 scaling is exact
    np.multiply(th, _K_FOPI, out=t)
    j[...] = t                           # truncation, like cvttps
    j += ki[1]
    j >>= ki[1]                          # j // 2 for Cephes' even j (0, 2, 4, 6, 8)
    y[...] = j
    y += y                               # Cephes' j as a float
    # x = ((theta + j*DP1) + j*DP2) + j*DP3, each an fma; the first two products are exact in float32
    np.multiply(y, _K_DP1, out=x)
    x += th
    np.multiply(y, _K_DP2, out=t)
    x += t
    x64[...] = x
    t64[...] = y
    t64 *= _K_DP3
    x64 += t64
    x[...] = x64
    x64[...] = x
    np.multiply(x, x, out=z)
    z64[...] = z
    np.multiply(z64, _KHALF64, out=h64)  # z/2, exact
    # cos polynomial: fma(fma(fma(c0, z, c1), z, c2) * z, z, -z/2) + 1
    np.multiply(z64, _K_COS_P[0], out=t64)
    t64 += _K_COS_P[1]
    cs[...] = t64
    t64[...] = cs
    t64 *= z64
    t64 += _K_COS_P[2]
    cs[...] = t64
    cs *= z
    t64[...] = cs
    t64 *= z64
    t64 -= h64
    cs[...] = t64
    cs += _K1
    # sin polynomial: fma(fma(fma(s0, z, s1), z, s2) * z, x, x)
    np.multiply(z64, _K_SIN_P[0], out=t64)
    t64 += _K_SIN_P[1]
    sn[...] = t64
    t64[...] = sn
    t64 *= z64
    t64 += _K_SIN_P[2]
    sn[...] = t64
    sn *= z
    t64[...] = sn
    t64 *= x64
    t64 += x64
    sn[...] = t64
    # swap the polynomials where j//2 is odd (bit select), then flip signs: sin where j//2 in (2, 3),
    # cos where j//2 in (1, 2).  (torch selects with masked adds, which would turn a -0 into +0, but neither
    # polynomial can return -0: x is never -0, and the cos polynomial ends with "+ 1".)
    sb, cb = sn.view(np.int32), cs.view(np.int32)
    np.bitwise_and(j, ki[1], out=m)
    np.negative(m, out=m)
    d = z.view(np.int32)
    np.bitwise_xor(sb, cb, out=d)
    d &= m
    sb ^= d
    cb ^= d
    np.bitwise_and(j, ki[2], out=m)
    m <<= ki[30]
    sb ^= m
    j += ki[1]
    j &= ki[2]
    j <<= ki[30]
    cb ^= j


_HALF_ROW = np.dtype((np.void, 32))  # eight 4-byte lanes: half of a row of 16
_HALF_ROW64 = np.dtype((np.void, 64))  # eight 8-byte lanes


def _normal16_f32(w, mean, std, out, ws):
    """NormalFill16<float> on m rows of 16 draws w (uint32 (m, 16), C-contiguous); writes float32 rows to out
    (m, 16, C-contiguous)."""
    m = w.shape[0]
    ws = ws.view(8 * m)
    k, r, sn, cs = ws.i[2], ws.f[7], ws.f[5], ws.f[6]
    # Half-rows move as single 32-byte items: one strided 1-d copy, where an (m, 8) view would make NumPy
    # loop over rows eight lanes at a time (that cost a fifth of the kernel)
    halves, kv, o = w.view(_HALF_ROW), k.view(_HALF_ROW), out.view(_HALF_ROW)
    kv[...] = halves[:, 0]
    k &= _KI[0xFFFFFF]
    _radius_f32(k, ws, r)
    kv[...] = halves[:, 1]
    k &= _KI[0xFFFFFF]
    _sincos_f32(k, ws, sn, cs)
    cs *= r
    o[:, 0] = cs.view(_HALF_ROW)
    sn *= r
    o[:, 1] = sn.view(_HALF_ROW)
    _affine_rows32(out, _f32(mean), _f32(std), ws.d64[:32 * m])


def _affine_rows32(v, mean, std, t64):
    """v = fma(v, std, mean) in float32, in place (v float32, t64 float64 scratch of twice its size).
    With std == 1, mean == +0 or std a power of two, the fma is plain float32 arithmetic with one rounding."""
    if std == 1:
        v += mean
    elif mean == 0 and not np.signbit(mean):
        v *= std
        v += _f32(0.0)
    elif math.frexp(float(std))[0] == 0.5 and 2.0 ** -60 <= std <= 2.0 ** 100:
        # v * std is exact: Box-Muller outputs are 0 or above 1e-13 in magnitude and below 6
        v *= std
        v += mean
    else:
        _fma32_into(v, float(std), float(mean), v, t64)


def _fma32_into(x, b, c, out, t64):
    """out = fma(x, b, c) for float32 x and float32-valued b, c (Python floats); t64: float64 scratch of
    twice x's size."""
    n = x.size
    t = t64[:n]
    xf = x.reshape(-1)
    np.multiply(xf, np.float64(b), out=t)  # exact in float64
    t += c
    u = np.bitwise_and(t.view(np.int64), 0x1FFFFFFF, out=t64[n:2 * n].view(np.int64))
    u ^= 0x10000000
    if u.min() == 0 and not _sums_exact(xf, b, c):
        # some float64 sums sit exactly on a float32 midpoint; where they are not the exact sum (TwoSum error
        # nonzero), move them one float64 ulp toward it so that the float32 rounding goes the right way
        tie = u == 0
        e = t64[n:2 * n]
        np.multiply(xf, np.float64(b), out=e)        # p
        bb = t - e                                   # s - p
        err = (e - (t - bb)) + (c - bb)
        fix = tie & (err != 0)
        if fix.any():
            np.nextafter(t, np.where(err > 0, np.inf, -np.inf), out=t, where=fix)
    np.copyto(out.reshape(-1), t, casting="unsafe")


def _lsb_exp(f):
    """Exponent of the lowest set bit of a nonzero finite float."""
    num, den = float(f).as_integer_ratio()
    num = abs(num)
    return (num & -num).bit_length() - den.bit_length()


def _sums_exact(x, b, c):
    """True when every float64 x*b + c (x float32, b and c float32 values) is exact: then a float64 sum on a
    float32 midpoint is a true tie and needs no repair.  The sum spans at most 53 bits when c's lowest bit is
    close enough to the top and |x| is not tiny (x's lowest bit is 23 below its leading one)."""
    if b == 0 or x.size == 0:
        return True
    ax = np.abs(x)
    top = math.frexp(abs(c) + abs(b) * float(ax.max()))[1]  # |sum| < 2**top
    if c and top - _lsb_exp(c) > 53:
        return False
    smallest = float(ax.min())
    if smallest == 0:
        nz = ax[ax != 0]
        if nz.size == 0:
            return True
        smallest = float(nz.min())
    return top - (math.frexp(smallest)[1] - 1 - 23 + _lsb_exp(b)) <= 53


def _affine64_inplace(v, mean, std):
    """v = fma(v, std, mean) in float64, in place."""
    if std == 1.0:
        v += mean
    elif mean == 0.0 and not math.copysign(1.0, mean) < 0:
        v *= std
        v += 0.0
    else:
        v[...] = _fma64(v, std, mean)


def _normal16_f64(u, mean, std, out):
    """NormalFill16<double> (scalar template): libm log/cos/sin; u, out: (m, 16) float64, C-contiguous."""
    m = u.shape[0]
    halves = u.view(_HALF_ROW64)  # half-rows as single items, as in _normal16_f32
    radius = np.empty(8 * m)
    radius.view(_HALF_ROW64)[...] = halves[:, 0]
    np.subtract(1.0, radius, out=radius)
    radius = log_unit(radius)
    radius *= -2.0
    np.sqrt(radius, out=radius)
    theta = np.empty(8 * m)
    theta.view(_HALF_ROW64)[...] = halves[:, 1]
    theta *= _TWO_PI
    c = np.cos(theta)
    np.sin(theta, out=theta)
    c *= radius
    theta *= radius
    o = out.view(_HALF_ROW64)
    o[:, 0] = c.view(_HALF_ROW64)
    o[:, 1] = theta.view(_HALF_ROW64)
    _affine64_inplace(out, mean, std)


# ---------------------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------------------

class Generator:
    """torch.Generator's CPU engine: MT19937 plus the cached normals, state byte-compatible with torch.

    Seeding/state: manual_seed(seed) -> self, seed() -> int, initial_seed() -> int,
    get_state() -> uint8[5056], set_state(uint8 array or bytes) -> self.  Samplers (n values, flat, in
    torch's order; dtype a NumPy dtype, ml_dtypes.bfloat16 for bfloat16): uniform, normal, randint, random_,
    random_full64, randperm, bernoulli_scalar, bernoulli_tensor, exponential, geometric, log_normal, cauchy,
    multinomial, poisson, normal_tensor.
    """

    def __init__(self, device="cpu"):
        self.device = device
        self._mt = np.random.MT19937(0)
        self._pairs = _pair_source(self._mt)
        self._work = _Work()
        self._ws = None
        self.manual_seed(_DEFAULT_SEED)

    # ---- seeding and state -------------------------------------------------------------------------

    def manual_seed(self, seed):
        seed = int(seed)
        if not -(1 << 63) <= seed < (1 << 64):
            raise ValueError("Overflow when unpacking long long")
        seed &= (1 << 64) - 1
        self._seed = seed
        try:
            self._mt._legacy_seeding(seed & 0xFFFFFFFF)  # NumPy's mt19937_seed: init_genrand, pos = 624
            self._blk, self._pos, self._end = _EMPTY32, 0, 0
            self._c32 = self._c64 = self._c64list = None
        except Exception:  # pragma: no cover - private NumPy API gone
            self._load(_init_genrand(seed & 0xFFFFFFFF), _EMPTY32, 0, 0)
        self._next_double = None
        self._next_float = None
        return self

    def seed(self):
        s = int.from_bytes(os.urandom(8), "little")
        self.manual_seed(s)
        return s

    def initial_seed(self):
        return self._seed

    def _load(self, key, blk, pos, end):
        self._mt.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": _N}}
        self._blk = blk
        self._pos = pos
        self._end = end
        self._c32 = self._c64 = self._c64list = None

    def get_state(self):
        """The 5056 bytes of torch's CPUGeneratorImplState, as a uint8 array."""
        if self._blk.size == _N:  # the current block's outputs are temper(state words)
            key = _untemper(self._blk).astype(np.uint64)
        else:  # right after seeding: ask NumPy (slower)
            key = np.asarray(self._mt.state["state"]["key"], dtype=np.uint64)
        nd, nf = self._next_double, self._next_float
        tail = struct.pack("<dddi4xfB3x", 0.0, 0.0 if nd is None else nd, 0.0, nd is not None,
                           0.0 if nf is None else float(nf), nf is not None)
        head = struct.pack("<QiiQ", self._seed, self._end - self._pos + 1, 1, self._pos)
        return np.frombuffer(head + key.tobytes() + tail, np.uint8).copy()

    def set_state(self, state):
        if isinstance(state, (bytes, bytearray, memoryview)):
            b = bytes(state)
        else:
            b = np.ascontiguousarray(np.asarray(state)).view(np.uint8).reshape(-1).tobytes()
        if len(b) != _STATE_SIZE:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {_STATE_SIZE} but found the input RNG "
                               f"state size to be {len(b)}")
        seed = int(np.frombuffer(b, np.uint64, 1, 0)[0])
        left, seeded = (int(v) for v in np.frombuffer(b, np.int32, 2, 8))
        nxt = int(np.frombuffer(b, np.uint64, 1, 16)[0])
        if not seeded or not 0 < left <= _N or nxt > _N:
            raise RuntimeError("Invalid mt19937 state")
        if nxt + left - 1 > _N:
            # torch would read past its state array before the next twist
            raise RuntimeError("Invalid mt19937 state")
        key = np.frombuffer(b, np.uint64, _N, 24).astype(np.uint32)  # torch truncates the words too
        end = nxt + left - 1
        if end > nxt:
            blk = _temper(key)
            blk.flags.writeable = False
        else:
            blk = _EMPTY32
        self._load(key, blk, nxt, end)
        self._seed = seed
        dvalid = int(np.frombuffer(b, np.int32, 1, 5040)[0])
        self._next_double = float(np.frombuffer(b, np.float64, 1, 5024)[0]) if dvalid else None
        self._next_float = np.frombuffer(b, np.float32, 1, 5048)[0] if b[5052] else None
        return self

    def clone_state(self):
        g = Generator(self.device)
        g.set_state(self.get_state())
        return g

    # ---- raw draws ---------------------------------------------------------------------------------

    def _draw32(self, n):
        """The next n 32-bit outputs (uint32; possibly a read-only view: never modify in place)."""
        pos = self._pos
        if n <= self._end - pos:
            self._pos = pos + n
            return self._blk[pos:pos + n]
        return self._refill(n)

    def _refill(self, n):
        have = self._end - self._pos
        need = n - have
        nblk = -(-need // _N)
        fresh = _words_of(self._pairs(nblk * _HALF))
        last = fresh[(nblk - 1) * _N:].copy()
        last.flags.writeable = False
        if have:
            out = np.empty(n, np.uint32)
            out[:have] = self._blk[self._pos:self._end]
            out[have:] = fresh[:need]
        else:
            out = fresh[:need]
        self._blk = last
        self._pos = need - (nblk - 1) * _N
        self._end = _N
        self._c32 = self._c64 = self._c64list = None
        return out

    def _pieces(self, n):
        """Yield the next n outputs as pieces of about _CHUNK draws; pieces after the first end on twist
        boundaries, so they come from whole fresh blocks."""
        while n > 0:
            have = self._end - self._pos
            if n <= _CHUNK or n <= have:
                yield self._draw32(n)
                return
            k = have + (_CHUNK - have) // _N * _N
            yield self._draw32(k)
            n -= k

    def _pair_pieces(self, n):
        """Yield the next n random64() values as uint64 pieces of at most _CHUNK / 2.  While the read
        position sits at the end of a twister block, whole blocks come straight from NumPy as pairs;
        otherwise pairs of outputs are joined."""
        while n > 0:
            have = self._end - self._pos
            if have == 0 and n >= _HALF:
                nblk = min(n // _HALF, _CHUNK // _N)
                v = self._pairs(nblk * _HALF)
                last = _words_of(v[-_HALF:])  # the block's outputs, for small draws and the state
                last.flags.writeable = False
                self._blk, self._pos, self._end = last, _N, _N
                self._c32 = self._c64 = self._c64list = None
            else:
                k = min(n, _CHUNK // 2)
                if not have & 1:
                    k = min(k, have // 2) or k  # finish the current block: then whole blocks follow
                v = _pairs64(self._draw32(2 * k), None, self._work)
            yield v
            n -= v.size

    def _scratch(self, lanes):
        ws = self._ws
        if ws is None or ws.lanes < lanes:
            ws = self._ws = _Scratch(max(lanes, 64))
        return ws

    def _draw64(self, n):
        """The next n random64() values: (first << 32) | second, as uint64."""
        if n < _HALF:
            return _pairs64(self._draw32(2 * n), None, self._work)
        pieces = list(self._pair_pieces(n))
        return pieces[0] if len(pieces) == 1 else np.concatenate(pieces)

    def _u24(self, n):
        """n float uniforms as torch's uniform_real<float>: (draw & 0xFFFFFF) * 2**-24 (float32)."""
        pos = self._pos
        if n <= self._end - pos and n < 256:
            c = self._c32
            if c is None:
                c = self._c32 = _u24_of(self._blk)
            self._pos = pos + n
            return c[pos:pos + n].copy()
        if n <= _CHUNK:
            return _u24_of(self._draw32(n), None, self._work)
        out = np.empty(n, F32)
        o = 0
        for w in self._pieces(n):
            _u24_of(w, out[o:o + w.size], self._work)
            o += w.size
        return out

    def _u53(self, n):
        """n double uniforms (random64() & (2**53 - 1)) * 2**-53 (float64)."""
        pos = self._pos
        if 2 * n <= self._end - pos and n < 128:
            c = self._c64
            if c is None:
                c = self._c64 = _u53_at(self._blk)
            self._pos = pos + 2 * n
            return c[pos:pos + 2 * n:2].copy()
        if n < _HALF:
            return _u53_from64(self._draw64(n), np.empty(n, F64), self._work)
        out = np.empty(n, F64)
        o = 0
        for v in self._pair_pieces(n):
            _u53_from64(v, out[o:o + v.size], self._work)
            o += v.size
        return out

    # ---- uniform -----------------------------------------------------------------------------------

    def uniform(self, n, dtype=np.float32, low=0.0, high=1.0):
        """rand / uniform_(low, high): torch's uniform_kernel (values in draw order).

        float32/half/bfloat16: x = (draw & 0xFFFFFF) 2**-24; fma(x, to - from, from) in float; cast; a value
        equal to `to` (after the cast) becomes `from`.  float64: the same with random64() and 53 bits.
        """
        if dtype is F32 and low == 0.0 and high == 1.0:  # rand(): the common case, kept short
            return self._u24(n)
        dt = np.dtype(dtype)
        n = int(n)
        low, high = float(low), float(high)
        if dt == F64:
            _check_uniform_bounds(low, high, dt)
            if low == 0.0 and high == 1.0:
                return self._u53(n)
            aff = _affine64(low, high)
            if n < _HALF:
                return aff(self._u53(n))
            out = np.empty(n, F64)
            o = 0
            for v in self._pair_pieces(n):
                k = v.size
                out[o:o + k] = aff(_u53_from64(v, self._work.get("f64", F64, k), self._work))
                o += k
            return out
        if not (dt == F32 or _is_half(dt)):
            raise TypeError(f"uniform_ is not implemented for {dt}")
        _check_uniform_bounds(low, high, dt)
        if dt == F32 and low == 0.0 and high == 1.0:
            return self._u24(n)
        aff = _affine32(low, high, dt)
        if n <= _CHUNK:
            return aff(self._u24(n), None, self._work)
        out = np.empty(n, dt)
        o = 0
        for w in self._pieces(n):
            aff(_u24_of(w, self._work.get("f32", F32, w.size), self._work), out[o:o + w.size], self._work)
            o += w.size
        return out

    # ---- normal ------------------------------------------------------------------------------------

    def normal(self, n, dtype=np.float32, mean=0.0, std=1.0, contiguous=True):
        """randn / normal_(mean, std): torch's normal_kernel.

        n >= 16 on a contiguous tensor: the vectorised Box-Muller (NormalFill16); otherwise (or when the
        caller says the output is not contiguous) the serial double Box-Muller with the cached normal.
        """
        mean, std = float(mean), float(std)
        if (n < 16 or not contiguous) and (dtype is F32 or dtype is F64):  # small calls, kept short
            return np.array(self._normal_serial(n, mean, std), dtype)
        dt = np.dtype(dtype)
        n = int(n)
        if n >= 16 and contiguous:
            if dt == F32:
                return self._normal_vec_f32(n, mean, std)
            if dt == F64:
                return self._normal_vec_f64(n, mean, std)
            if _is_half(dt):
                return self._normal_vec_f32(n, mean, std, reduced=True).astype(dt)
            raise TypeError(f"normal is not implemented for {dt}")
        if dt is F32:
            return np.array(self._normal_serial(n, mean, std), F32)
        if dt is F64:
            return np.array(self._normal_serial(n, mean, std), F64)
        if not _is_float(dt):
            raise TypeError(f"normal is not implemented for {dt}")
        return np.array(self._normal_serial(n, mean, std), F32).astype(dt)

    def _normal_vec_f32(self, n, mean, std, reduced=False):
        """normal_fill<float> (or <Half>/<BFloat16> when reduced: those draw 16 float uniforms per block into
        a buffer instead of first filling every element, so they skip the n % 16 unused draws)."""
        rows = _CHUNK // 16
        ws = self._scratch(8 * (min(n // 16, rows) + 1))
        return self._normal_blocks(n, F32, rows, self._draw32, 0 if reduced else n % 16,
                                   lambda w, out: _normal16_f32(w, mean, std, out, ws))

    def _normal_vec_f64(self, n, mean, std):
        return self._normal_blocks(n, F64, _CHUNK // 32, self._u53, 2 * (n % 16),
                                   lambda u, out: _normal16_f64(u, mean, std, out))

    def _normal_blocks(self, n, dt, rows, draw, skip, kernel):
        """normal_fill's blocks (n >= 16): kernel(draw(16 m).reshape(m, 16), out rows) over the n // 16 full
        blocks, up to `rows` at a time; then, when n % 16, torch skips `skip` draws and redoes the last 16
        elements from 16 fresh draws.  That tail block joins the last piece in one kernel call, so a small
        tensor pays the kernel's fixed cost (its NumPy calls) once."""
        full, rem = divmod(n, 16)
        out = np.empty(n, dt)
        done = 0
        while done < full:
            m = min(full - done, rows)
            d = draw(16 * m)
            if done + m < full or not rem:
                kernel(d.reshape(m, 16), out[16 * done:16 * (done + m)].reshape(m, 16))
            else:  # the last piece, and the tail block after torch's `skip` unused draws
                if skip:
                    self._draw32(skip)
                res = np.empty((m + 1, 16), dt)
                kernel(np.concatenate((d, draw(16))).reshape(m + 1, 16), res)
                out[16 * done:16 * full] = res[:m].reshape(-1)
                out[n - 16:] = res[m]
            done += m
        return out

    def _normal_serial(self, n, mean, std):
        """n draws of at::normal_distribution<double>(mean, std) (torch's serial kernel), as a list of floats
        (small n) or a float64 array:
        a cached double first if there is one; then per pair of double uniforms u1, u2:
        r = sqrt(-2 log1p(-u2)), theta = 2 pi u1, return r cos(theta) and cache r sin(theta);
        every value goes through fma(value, std, mean)."""
        vals = []
        if n and self._next_double is not None:
            vals.append(self._next_double)
            self._next_double = None
        pairs = (n - len(vals) + 1) // 2
        if pairs < 32:
            if pairs:
                pos, k = self._pos, 4 * pairs
                if k <= self._end - pos:  # from the block's uniforms as Python floats, made once per block
                    c = self._c64list
                    if c is None:
                        c = self._c64list = _u53_at(self._blk).tolist()
                    self._pos = pos + k
                    u = c[pos:pos + k:2]
                else:
                    u = self._u53(2 * pairs).tolist()
                log1p, sqrt, cos, sin = math.log1p, math.sqrt, math.cos, math.sin
                for q in range(0, 2 * pairs, 2):
                    r = sqrt(-2.0 * log1p(-u[q + 1]))
                    th = _TWO_PI * u[q]
                    vals.append(r * cos(th))
                    vals.append(r * sin(th))
                if len(vals) > n:
                    self._next_double = vals.pop()
            if std == 1.0:
                return [v + mean for v in vals]
            return [_fma_scalar(v, std, mean) for v in vals]
        first = vals
        u = self._u53(2 * pairs)
        u1, u2 = u[0::2], u[1::2]
        r = _libm(math.log1p, -u2)
        r *= -2.0
        np.sqrt(r, out=r)
        th = u1 * _TWO_PI
        z = np.empty(len(first) + 2 * pairs, F64)
        z[:len(first)] = first
        np.multiply(r, np.cos(th), out=z[len(first)::2])
        np.multiply(r, np.sin(th), out=z[len(first) + 1::2])
        if z.size > n:
            self._next_double = float(z[-1])
            z = z[:n]
        _affine64_inplace(z, mean, std)
        return z

    def normal_tensor(self, mean, std, dtype=None):
        """torch.normal with tensor arguments, composed as torch does it (arrays already broadcast or not).

        (tensor mean, float std): normal_(0, std) then add_(mean); (float mean, tensor std): normal_(0, 1),
        mul_(std), add_(mean cast to the dtype); (tensor, tensor): normal_(0, 1), mul_(std), add_(mean).
        The result has the broadcast shape and the dtype of the tensor argument (mean's if both).
        """
        m_arr = isinstance(mean, np.ndarray)
        s_arr = isinstance(std, np.ndarray)
        if m_arr and not s_arr:
            dt = np.dtype(dtype or mean.dtype)
            z = self.normal(mean.size, dt, 0.0, float(std)).reshape(mean.shape)
            return _cast(z + mean, dt) if dt.kind == "f" else (z + mean).astype(dt)
        if s_arr and not m_arr:
            dt = np.dtype(dtype or std.dtype)
            z = self.normal(std.size, dt, 0.0, 1.0).reshape(std.shape)
            z = (z * std).astype(dt)
            return (z + np.array(mean).astype(F32 if _is_half(dt) else dt).astype(dt)).astype(dt)
        shape = np.broadcast_shapes(mean.shape, std.shape)
        dt = np.dtype(dtype or mean.dtype)
        z = self.normal(int(np.prod(shape, dtype=np.int64)), dt, 0.0, 1.0).reshape(shape)
        z = (z * std).astype(dt)
        return (z + mean).astype(dt)

    def log_normal(self, n, dtype=np.float32, mean=1.0, std=2.0):
        """log_normal_(mean, std): exp(normal_distribution<double>(mean, std)) element by element."""
        dt = np.dtype(dtype)
        z = self._normal_serial(int(n), float(mean), float(std))
        z = z if isinstance(z, list) else z.tolist()
        return _cast(np.fromiter(map(math.exp, z), F64, len(z)), dt)

    # ---- integers ----------------------------------------------------------------------------------

    def _from_to(self, n, rng, base, dt=_I64):
        """(v % rng) + base as int64 (wrapping like C), v a 32-bit draw if rng < 2**28 else a random64(),
        then cast to dt."""
        if n < 48:
            if rng < (1 << 28):
                vals = [(v % rng) + base for v in self._draw32(n).tolist()]
            else:
                w = self._draw32(2 * n).tolist()
                vals = [((w[i] << 32 | w[i + 1]) % rng) + base for i in range(0, 2 * n, 2)]
            if base + rng > (1 << 63):  # the int64 sum may wrap, as in C
                vals = [((v + (1 << 63)) & 0xFFFFFFFFFFFFFFFF) - (1 << 63) for v in vals]
            return _cast(np.array(vals, np.int64), dt)
        wide = rng >= (1 << 28)
        out = np.empty(n, dt)
        if not wide and n <= _CHUNK:
            return _mod_base(self._draw32(n), rng, base, False, out, self._work)
        o = 0
        for v in self._pair_pieces(n) if wide else self._pieces(n):
            _mod_base(v, rng, base, wide, out[o:o + v.size], self._work)
            o += v.size
        return out

    def randint(self, n, low, high, dtype=np.int64):
        """randint / random_(low, high): uniform integers in [low, high), torch's uniform_int_from_to."""
        dt = np.dtype(dtype)
        low, high = int(low), int(high)
        if low >= high:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
        if _is_float(dt):
            low, high = _update_from(low, dt), _update_to(high, dt)
            if low >= high:
                raise RuntimeError(f"random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, "
                                   f"but got from={low} >= to={high}")
        _check_from_to_in_range(low, high - 1, dt)
        rng = (high - low) & 0xFFFFFFFFFFFFFFFF
        if rng == 0:  # high - low == 2**64
            return self.random_full64(int(n), dt)
        return self._from_to(int(n), rng, low, dt)

    def random_full64(self, n, dtype=np.int64):
        """random_(-2**63, None): random64() reinterpreted as int64, then cast."""
        dt = np.dtype(dtype)
        return _cast(self._draw64(int(n)).view(np.int64), dt)

    def random_(self, n, dtype=np.int64, from_=None, to=None):
        """Tensor.random_(): no bounds -> [0, 2**mantissa] for floats, [0, max] for integers; (from_, to)
        -> randint semantics; (from_, None) -> [from_, max]; (-2**63, None) -> the full 64-bit range."""
        dt = np.dtype(dtype)
        n = int(n)
        if from_ is not None:
            from_ = int(from_)
            if to is not None:
                return self.randint(n, from_, int(to), dt)
            if from_ == -(1 << 63):
                return self.random_full64(n, dt)
            if _is_float(dt):
                to_inc = 1 << _digits(dt)
                from_ = _update_from(from_, dt)
                if from_ >= to_inc:  # (torch's test is strict, whatever its message says)
                    raise RuntimeError("random_ expects 'from' casted to dtype to be less than or equal to "
                                       f"'to_inc' casted to dtype, but got from={from_} > to_inc={to_inc}")
            elif dt == np.bool_:
                to_inc = 1
            else:
                to_inc = min(int(np.iinfo(dt).max), (1 << 63) - 1)
            _check_from_to_in_range(from_, to_inc, dt)
            return self._from_to(n, (to_inc - from_ + 1) & 0xFFFFFFFFFFFFFFFF, from_, dt)
        if dt == np.bool_:
            return np.bitwise_and(self._draw32(n), 1).astype(np.bool_)
        if dt == _I64:
            v = self._draw64(n)
            v &= np.uint64((1 << 63) - 1)
            return v.view(np.int64)
        if dt == F64:
            return self._from_to(n, (1 << 53) + 1, 0, F64)  # random64, since 2**53 + 1 >= 2**28
        if _is_float(dt):
            mod = (1 << _digits(dt)) + 1
            w = self._draw32(n)
            return _cast(_mod32(w, mod).astype(F32), dt)
        if dt in (np.dtype(np.uint8), np.dtype(np.int8), np.dtype(np.int16), _I32):
            mod = int(np.iinfo(dt).max) + 1
            return _mod32(self._draw32(n), mod).astype(dt)
        raise RuntimeError(f'"random_kernel_cpu" not implemented for {dt}')

    # ---- permutations ------------------------------------------------------------------------------

    def randperm(self, n, dtype=np.int64):
        """randperm(n): torch's randperm_cpu (forward Fisher-Yates with 32-bit draws below 214748364,
        inside-out shuffle with 64-bit draws from there on)."""
        n = int(n)
        dt = np.dtype(dtype)
        if n < _RANDPERM_SWITCH:
            perm = _perm_forward(self, n)
        else:
            perm = _perm_inside_out(self, n)
        return perm.astype(dt, copy=False)

    # ---- other distributions -----------------------------------------------------------------------

    def bernoulli_scalar(self, n, p, dtype=np.float32):
        """bernoulli_(p) with a float p: double uniform < p (bernoulli_distribution<double>)."""
        p = float(p)
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
        return (self._u53(int(n)) < p).astype(np.dtype(dtype))

    bernoulli = bernoulli_scalar

    def bernoulli_tensor(self, p, dtype=np.float32):
        """bernoulli_(p_tensor) / torch.bernoulli(p): p flat in the output's memory order.  A float64 p
        draws a double uniform per element, any other p dtype a float uniform (compared in float)."""
        p = np.asarray(p).reshape(-1)
        dt = np.dtype(dtype)
        if p.dtype == F64:
            u = self._u53(p.size)
            return (u < p).astype(dt)
        u = self._u24(p.size)
        return (u < p.astype(F32)).astype(dt)

    def exponential(self, n, dtype=np.float32, lambd=1.0):
        """exponential_(lambd): -1/lambd * log1p(-u), u a double uniform."""
        lambd = float(lambd)
        u = self._u53(int(n))
        v = _libm(math.log1p, -u)
        v *= -1.0 / lambd
        return _cast(v, np.dtype(dtype))

    def geometric(self, n, dtype=np.float32, p=0.5):
        """geometric_(p): ceil(log(u) / log1p(-p)), u a double uniform."""
        p = float(p)
        u = self._u53(int(n))
        d = math.log1p(-p)
        zero = u == 0.0
        lg = log_unit(np.where(zero, 1.0, u))  # libm's log; u is 0 or at least 2**-53
        lg[zero] = -math.inf
        v = np.ceil(lg / d)
        dt = np.dtype(dtype)
        if dt.kind in "iub":
            return _float_to_int(v, dt)
        return _cast(v, dt)

    def cauchy(self, n, dtype=np.float32, median=0.0, sigma=1.0):
        """cauchy_(median, sigma): fma(sigma, tan(pi * (u - 0.5)), median), u a double uniform."""
        u = self._u53(int(n))
        t = _libm(math.tan, math.pi * (u - 0.5))
        return _cast(_fma64(t, float(sigma), float(median)), np.dtype(dtype))

    def multinomial(self, probs, num_samples, replacement=False):
        """torch.multinomial on a 2-d (rows, categories) array; returns int64 (rows, num_samples)."""
        probs = np.asarray(probs)
        rows = probs.reshape(math.prod(probs.shape[:-1]), probs.shape[-1])
        ns = int(num_samples)
        if not rows.shape[0]:
            return np.empty((0, ns), np.int64)
        if not replacement or ns == 1:
            # q = empty_like(p).exponential_(1); argmax / topk of p / q (in p's dtype)
            q = self.exponential(rows.size, rows.dtype, 1.0).reshape(rows.shape)
            with np.errstate(divide="ignore", invalid="ignore"):
                r = (rows / q).astype(rows.dtype)
            if ns == 1:
                return np.argmax(r, axis=-1).reshape(-1, 1).astype(np.int64)
            order = np.argsort(-r.astype(F64), axis=-1, kind="stable")
            return order[:, :ns].astype(np.int64)
        # multinomial_with_replacement: per row the cumulative distribution in the accumulation type,
        # normalised, its last entry set to 1; each sample is the first entry >= a double uniform (the
        # rows draw their uniforms one row after another)
        acc = F64 if rows.dtype == F64 else F32
        cum = np.cumsum(rows.astype(acc), axis=1, dtype=acc)
        cum = (cum / cum[:, -1:]).astype(acc)
        cum[:, -1] = 1
        u = self._u53(rows.shape[0] * ns).reshape(rows.shape[0], ns)
        return _searchsorted_rows(cum.astype(F64), u)

    def poisson(self, rates, dtype=None):
        """torch.poisson: sample_poisson per element (serial), returned in rates' dtype."""
        rates = np.asarray(rates)
        dt = np.dtype(dtype or rates.dtype)
        flat = rates.reshape(-1).astype(F64).tolist()
        uniform = self._u53_stream().__next__
        res = [_sample_poisson(lam, uniform) for lam in flat]
        return _cast(np.array(res, F64).reshape(rates.shape), dt)

    def _u53_scalar(self):
        w = self._draw32(2)
        return ((int(w[0]) & 0x1FFFFF) * 4294967296 + int(w[1])) * 1.1102230246251565e-16

    def _u53_stream(self):
        """Double uniforms one at a time, for serial samplers that draw an unknown number: read from the
        current twister block's uniforms as Python floats (made once per block), the read position moving
        with each one taken, so that a sampler stopping anywhere leaves the generator exactly there.  Valid
        while nothing else draws from the generator."""
        while True:
            pos, end = self._pos, self._end
            if end - pos < 2:  # the pair straddles a block boundary, or the next block is not drawn yet
                yield self._u53_scalar()
                continue
            c = self._c64list
            if c is None:
                c = self._c64list = _u53_at(self._blk).tolist()
            for q in range(pos, end - 1, 2):
                self._pos = q + 2
                yield c[q]


# ---------------------------------------------------------------------------------------------------
# helpers for the samplers
# ---------------------------------------------------------------------------------------------------

def _searchsorted_rows(cum, u):
    """np.searchsorted(cum[r], u[r], side="left") for every row r of cum (rows non-decreasing; u (rows, k)):
    one binary search run on all rows at once, as int64."""
    rows, c = cum.shape
    if u.size * c <= 1 << 16:  # small: count the entries below each uniform
        return (cum[:, None, :] < u[:, :, None]).sum(axis=2, dtype=np.int64)
    lo = np.zeros(u.shape, np.int64)
    hi = np.full(u.shape, c, np.int64)
    flat = cum.reshape(-1)
    base = np.arange(0, rows * c, c, dtype=np.int64)[:, None]
    for _ in range(c.bit_length()):
        live = lo < hi
        mid = (lo + hi) >> 1
        below = flat[base + np.minimum(mid, c - 1)] < u
        below &= live
        np.copyto(lo, mid + 1, where=below)
        np.copyto(hi, mid, where=live & ~below)
    return lo


class _Work:
    """Reusable per-generator scratch arrays for the bulk paths (chunk-sized arrays allocated afresh would
    be page-faulted on every chunk)."""

    def __init__(self, minimum=_CHUNK):
        self._bufs = {}
        self._min = minimum

    def get(self, name, dtype, n):
        a = self._bufs.get(name)
        if a is None or a.size < n:
            a = self._bufs[name] = np.empty(max(n, self._min), dtype)
        return a[:n]


def _work(w):
    return w if w is not None else _Work(0)


def _u24_of(w, out=None, work=None):
    """(w & 0xFFFFFF) * 2**-24 as float32."""
    n = w.size
    k = _work(work).get("u32", np.uint32, n)
    np.bitwise_and(w, 0xFFFFFF, out=k)
    if out is None:
        out = np.empty(n, F32)
    np.copyto(out, k.view(np.int32))  # exact
    out *= _TWO_M24
    return out


def _u53_at(blk):
    """u53 of the pair starting at every position of a block (for the small-call cache)."""
    if blk.size < 2:
        return np.empty(0, F64)
    hi = np.bitwise_and(blk[:-1], 0x1FFFFF).astype(F64)
    hi *= 4294967296.0
    hi += blk[1:]
    hi *= 2.0 ** -53
    return hi


def _u53_from64(v, out, work):
    """(v & (2**53 - 1)) * 2**-53 for random64() values v, into float64 out."""
    m = np.bitwise_and(v, np.uint64((1 << 53) - 1), out=work.get("u64a", np.uint64, v.size))
    np.copyto(out, m.view(np.int64))  # exact: < 2**53
    out *= 2.0 ** -53
    return out


def _pairs64(w, out=None, work=None):
    """random64() of consecutive word pairs: (first << 32) | second."""
    x = w.view(np.uint64)  # little endian: x = first | second << 32
    t = _work(work).get("u64b", np.uint64, x.size)
    v = np.left_shift(x, np.uint64(32), out=out)
    np.right_shift(x, np.uint64(32), out=t)
    v |= t
    return v


def _mod_base(w, rng, base, wide, out, work=None):
    """out = (v % rng) + base (int64 arithmetic wrapping like C, then cast to out's dtype) for v = w, 32-bit
    draws (uint32) or random64() values (uint64) when wide."""
    work = _work(work)
    n = out.size
    if not wide:
        if rng & (rng - 1) == 0:
            m = np.bitwise_and(w, rng - 1, out=work.get("u32", np.uint32, n))
        else:
            m = _mod32(w, rng, work.get("u32", np.uint32, n))
        if out.dtype == _I64 or out.dtype.kind in "iub" and not base:
            np.add(m, np.int64(base), out=out, casting="unsafe")
            return out
        v = work.get("i64", np.int64, n)
        np.add(m, np.int64(base), out=v)
        out[...] = _cast(v, out.dtype)
        return out
    v = work.get("u64a", np.uint64, n)
    if rng & (rng - 1) == 0:
        np.bitwise_and(w, np.uint64(rng - 1), out=v)
    else:
        r = np.uint64(rng)
        q = np.floor_divide(w, r, out=work.get("u64b", np.uint64, n))
        q *= r
        np.subtract(w, q, out=v)
    if base:
        v += np.uint64(base & 0xFFFFFFFFFFFFFFFF)
    out[...] = _cast(v.view(np.int64), out.dtype)
    return out


def _mod32(w, mod, out=None):
    r = np.uint32(mod)
    m = np.floor_divide(w, r, out=out)
    m *= r
    np.subtract(w, m, out=m)
    return m


class _Affine32:
    """x -> cast(fma(x, to - from, from)) for float uniforms x = k 2**-24, then the `to` -> `from` guard.
    The float64 sum is exact (so no midpoint repair is needed) whenever the grids of x*(to-from) and
    `from` fit in 53 bits; the guard is needed only if the largest x maps onto `to`."""

    def __init__(self, low, high, dt):
        self.dt = dt
        self.lo = _f32(low)
        self.rng = _f32(_f32(high) - self.lo)
        self.plain = self.lo == 0 and self.rng == 1
        grid = float(np.spacing(self.rng)) * 2.0 ** -24 if self.rng else math.inf
        if self.lo:
            grid = min(grid, float(np.spacing(np.abs(self.lo))))
        self.exact = grid == math.inf or (abs(float(self.rng)) + abs(float(self.lo))) <= grid * 2.0 ** 53
        top = self._affine(np.array([1.0 - 2.0 ** -24], F32), _Work(0))
        self.to = _cast(np.array([high], F64), dt)
        self.frm = _cast(np.array([low], F64), dt)
        self.guard = bool(_cast(top, dt)[0] == self.to[0])

    def _affine(self, x, work):
        if self.plain:
            return x
        if self.exact:
            t = work.get("f64b", F64, x.size)
            np.copyto(t, x)
            t *= float(self.rng)
            t += float(self.lo)
            np.copyto(x, t, casting="unsafe")  # one rounding: the float64 value is exact
            return x
        return _fma32(x, self.rng, self.lo)

    def __call__(self, x, out=None, work=None):
        """x: float32 uniforms (overwritten); the result goes to out (dtype dt) or a new array."""
        v = self._affine(x, _work(work))
        if out is None:
            out = _cast(v, self.dt) if v.dtype is not self.dt else v.copy() if v is x else v
        else:
            out[...] = v if self.dt is F32 else _cast(v, self.dt)
        if self.guard:
            hit = out == self.to[0]
            if hit.any():
                out[hit] = self.frm[0]
        return out


_AFFINE_CACHE = {}


def _affine32(low, high, dt):
    key = (low, high, dt, math.copysign(1.0, low), math.copysign(1.0, high))
    a = _AFFINE_CACHE.get(key)
    if a is None:
        if len(_AFFINE_CACHE) > 64:
            _AFFINE_CACHE.clear()
        a = _AFFINE_CACHE[key] = _Affine32(low, high, dt)
    return a


def _affine64(low, high):
    key = (low, high, None, math.copysign(1.0, low), math.copysign(1.0, high))
    a = _AFFINE_CACHE.get(key)
    if a is None:
        if len(_AFFINE_CACHE) > 64:
            _AFFINE_CACHE.clear()
        a = _AFFINE_CACHE[key] = _Affine64(low, high)
    return a


class _Affine64:
    """The float64 counterpart: fma(x, to - from, from) with x = k 2**-53, then the guard."""

    def __init__(self, low, high):
        self.lo, self.hi = low, high
        self.rng = high - low
        self.guard = _fma64(np.array([1.0 - 2.0 ** -53]), self.rng, low)[0] == high

    def __call__(self, x):
        v = _fma64(x, self.rng, self.lo)
        return _clamp_to(v, self.hi, self.lo) if self.guard else v


def _type_meta(dt):
    """The C++ type name torch's range messages print for a dtype ("signed char", "c10::Half")."""
    if _is_bf16(dt):
        return "c10::BFloat16"
    return _TYPE_META[np.dtype(dt)]


_TYPE_META = {np.dtype(k): v for k, v in (
    (np.bool_, "bool"), (np.uint8, "unsigned char"), (np.int8, "signed char"), (np.int16, "short int"),
    (np.int32, "int"), (np.int64, "long int"), (np.uint16, "short unsigned int"), (np.uint32, "unsigned int"),
    (np.uint64, "long unsigned int"), (np.float16, "c10::Half"), (np.float32, "float"), (np.float64, "double"))}
_FMAX = {F16: (65504.0, "Half"), F32: (3.4028234663852886e38, "Float"), F64: (1.7976931348623157e308, "Double")}
_BF16_MAX = (3.3895313892515355e38, "BFloat16")


def _check_uniform_bounds(low, high, dt):
    """uniform_impl_'s checks (after them the bounds lie in the dtype's range, so its clamp is a no-op)."""
    if low == 0.0 and high == 1.0:
        return
    from ._ops._promotion import cxx_double as _g
    big, name = _BF16_MAX if _is_bf16(dt) else _FMAX[dt]
    if not -big <= low <= big:
        raise RuntimeError(f"from is out of bounds for {_type_meta(dt)}")
    if not -big <= high <= big:
        raise RuntimeError(f"to is out of bounds for {_type_meta(dt)}")
    if low > high:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={_g(low)} > "
                           f"to={_g(high)}")
    if high - low > big:
        raise RuntimeError(f"uniform_ expects to-from <= std::numeric_limits<{name}>::max(), but found "
                           f"to={_g(high)} and from={_g(low)} which result in to-from to exceed the limit")


def _check_from_to_in_range(frm, to_inc, dt):
    """check_from_to_in_range of random_ and randint: both ends within the dtype's range (uint64: within
    int64's non-negative half); for floating types a warning beyond +-2**digits, where not every integer
    is a value."""
    lo, hi, digits, quiet = _FROM_TO_RANGE[dt] if not _is_bf16(dt) else _BF16_FROM_TO
    if quiet[0] <= frm <= quiet[1] and quiet[0] <= to_inc <= quiet[1]:
        return
    name = _type_meta(dt)
    for v, what in ((frm, "from"), (to_inc, "to - 1")):
        if not lo <= v <= hi:
            raise RuntimeError(f"{what} is out of bounds for {name}")
    for v, what in ((frm, "from"), (to_inc, "to - 1")):
        if not -(1 << digits) <= v <= 1 << digits:
            warnings.warn(f"{what} is out of bounds [-(2^{digits}), 2^{digits}]. Due to precision limitations {name} "
                          "can support discrete uniform distribution only within this range. This warning will "
                          "become an error in version 1.7 release, please fix the code in advance",
                          UserWarning, stacklevel=4)


def _from_to_range(lo, hi, digits=None):
    """(low, high, digits, quiet): the range check_from_to_in_range allows, the float type's digits, and
    the range where it neither raises nor warns."""
    return lo, hi, digits, (lo, hi) if digits is None else (max(lo, -(1 << digits)), min(hi, 1 << digits))


_FROM_TO_RANGE = {np.dtype(np.bool_): _from_to_range(0, 1), np.dtype(np.uint64): _from_to_range(0, (1 << 63) - 1)}
_FROM_TO_RANGE.update((np.dtype(t), _from_to_range(int(np.iinfo(t).min), int(np.iinfo(t).max)))
                      for t in (np.uint8, np.int8, np.int16, np.int32, np.int64, np.uint16, np.uint32))
_FROM_TO_RANGE.update((d, _from_to_range(-big, big, _digits(d))) for d, (big, _) in _FMAX.items())
_BF16_FROM_TO = _from_to_range(-_BF16_MAX[0], _BF16_MAX[0], 8)


def _clamp_to(v, to, frm):
    """value == to ? from : value (torch's guard against rounding up to the upper bound)."""
    hit = v == to
    if hit.any():
        v = v.copy()
        v[hit] = frm
    return v


def _update_from(frm, dt):
    """templates::update_from<scalar_t>: move `from` right to the next value that survives the cast."""
    if abs(frm) < 1 << _digits(dt):  # frm + 1 is a value of the type: nothing moves
        return frm
    from_plus_1 = int(np.array(frm + 1, dtype=np.int64).astype(F32).astype(dt).astype(F64)
                      if _is_half(dt) else np.array(frm + 1, np.int64).astype(dt).astype(F64))
    if from_plus_1 < frm:
        f = abs(frm + 1)
        nbits = f.bit_length() - 1
        frm = from_plus_1 + (1 << (nbits - _digits(dt) + 1))
    return frm


def _update_to(to, dt):
    """templates::update_to<scalar_t>: move `to` left to the previous value that survives the cast."""
    if abs(to) < 1 << _digits(dt):  # to - 1 is a value of the type: nothing moves
        return to
    to_minus_1 = int(np.array(to - 1, dtype=np.int64).astype(F32).astype(dt).astype(F64)
                     if _is_half(dt) else np.array(to - 1, np.int64).astype(dt).astype(F64))
    if to_minus_1 >= to:
        t = abs(to - 1)
        nbits = t.bit_length() - 1
        to = to_minus_1 - (1 << (nbits - _digits(dt) + 1))
    return to


def _safe_log(x):
    return math.log(x) if x > 0 else -math.inf


def _float_to_int(v, dt):
    """static_cast<integer>(double) as x86 does it (cvttsd2si: out of range -> INT64_MIN), then narrowed."""
    v = np.asarray(v, F64)
    bad = ~np.isfinite(v) | (v >= 2.0 ** 63) | (v < -2.0 ** 63)
    with np.errstate(invalid="ignore"):
        i = np.where(bad, 0, v).astype(np.int64)
    i[bad] = np.iinfo(np.int64).min
    if dt == np.bool_:
        return v != 0
    return i.astype(dt)


def _libm_lgamma():
    try:
        lib = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
        f = lib.lgamma
        f.restype = ctypes.c_double
        f.argtypes = [ctypes.c_double]
        return f
    except (OSError, AttributeError):  # pragma: no cover
        return math.lgamma


_lgamma = None


def _to_int64(x):
    """(int64_t) floor(x) as x86 converts: NaN and values out of range give INT64_MIN (torch.poisson of an
    infinite rate returns that)."""
    return math.floor(x) if -9.223372036854776e18 <= x < 9.223372036854776e18 else -(1 << 63)


def _sample_poisson(lam, uniform):
    """sample_poisson from ATen/native/Distributions.cpp (plain double arithmetic, libm functions)."""
    global _lgamma
    if lam >= 10:
        slam = math.sqrt(lam)
        loglam = math.log(lam)
        b = 0.931 + 2.53 * slam
        a = -0.059 + 0.02483 * b
        invalpha = 1.1239 + 1.1328 / (b - 3.4)
        vr = 0.9277 - 3.6224 / (b - 2)
        while True:
            u = uniform() - 0.5
            v = uniform()
            us = 0.5 - abs(u)
            k = _to_int64((2 * a / us + b) * u + lam + 0.43)
            if us >= 0.07 and v <= vr:
                return k
            if k < 0 or (us < 0.013 and v > us):
                continue
            if _lgamma is None:
                _lgamma = _libm_lgamma()
            if (_safe_log(v) + math.log(invalpha) - math.log(a / (us * us) + b)) <= \
                    (-lam + k * loglam - _lgamma(float(k) + 1)):
                return k
    if lam == 0:
        return 0
    if lam < 0 or lam != lam:
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    enlam = math.exp(-lam)
    x = 0
    prod = 1.0
    while True:
        prod *= uniform()
        if prod > enlam:
            x += 1
        else:
            return x


# ---------------------------------------------------------------------------------------------------
# randperm
# ---------------------------------------------------------------------------------------------------

def _chain_roots(link):
    """root[q]: follow link (link[q] < q, or -1 = stop) from q to its end, by pointer jumping over the nodes
    that are not done yet (chains are short: their lengths are about geometric)."""
    ptr = np.arange(link.size, dtype=np.intp)
    act = np.flatnonzero(link >= 0)
    ptr[act] = link[act]
    while act.size:
        pa = ptr[act]
        nxt = ptr[pa]
        ptr[act] = nxt
        act = act[nxt != pa]
    return ptr


def _group_sort(targets, n):
    """Sort steps i by (targets[i], i); returns (step, target, same) in that order (intp arrays), where
    same[j] says that entry j has the same target as entry j - 1.  When len(targets) == n - 1 a virtual step
    n - 1 targeting itself is added."""
    m = targets.size
    key = np.empty(n, np.int64)
    kv = key[:m]
    np.copyto(kv, targets, casting="unsafe")
    kv <<= 32
    kv |= np.arange(m, dtype=np.int64)
    if m < n:
        key[m] = ((n - 1) << 32) | (n - 1)
    key.sort()
    ks = key >> 32
    key &= 0xFFFFFFFF
    same = np.empty(n, bool)
    same[0] = False
    np.equal(ks[1:], ks[:-1], out=same[1:])
    return key, ks, same


def _perm_forward(gen, n):
    """for i in 0..n-2: t_i = i + draw % (n - i); swap(a[i], a[t_i]) -- vectorised block by block.

    Within a block of steps [s, e) all targets t_j >= j are known up front, position j is final after step
    j, and the value step j moves away is v(j), the value at j just before step j:
      - v(j) is a_s[j] (a at the start of the block) unless an earlier step of the block targeted j; then
        it is v(L(j)), L(j) the last such step;
      - step p leaves a[p] = v(prev(p)), prev(p) the block's previous step with target t_p, or a_s[t_p]
        when there is none;
      - a target x >= e ends the block holding v(the last step with target x).
    Only the steps whose position or target another step of the block touched need prev or L (a few per
    cent); the rest is a gather and two scatters.  Each int64 of `a` holds a position's value in its low
    half and, in its high half, the last step that targeted it (-1: none yet), so that one gather reads
    both; the high halves are cleared at the end.
    """
    if n <= _PERM_TAIL:
        return np.array(_shuffle_tail(list(range(n)), gen._draw32(max(n - 1, 0)).tolist()), np.int64)
    a = np.arange(-(1 << 32), n - (1 << 32), dtype=np.int64)  # values 0..n-1, marks -1
    halves = a.view(np.int32).reshape(n, 2)
    lo, hi = halves[:, _LO], halves[:, 1 - _LO]
    bmax = min(_PERM_BLOCK, n // 2)
    work = gen._work
    ar = np.arange(bmax, dtype=np.int32)
    link = work.get("perm_link", np.intp, bmax)
    link.fill(-1)
    s = 0
    while n - s > _PERM_TAIL:
        e = s + min(bmax, (n - s) // 2)
        steps = ar[:e - s] + np.int32(s)
        t = _perm_targets(gen._draw32(e - s), steps, n, work)
        _perm_block(a, lo, hi, s, e, steps, t, link)
        s = e
    lo[s:] = _shuffle_tail(lo[s:].tolist(), gen._draw32(n - 1 - s).tolist())
    hi[...] = 0
    return a


def _perm_targets(w, steps, n, work):
    """steps + w % (n - steps) as intp, for uint32 draws w and int32 steps."""
    d = work.get("perm_d", np.uint32, w.size)
    np.subtract(n, steps, out=d, casting="unsafe")
    np.remainder(w, d, out=d)
    t = work.get("perm_t", np.intp, w.size)
    np.add(d, steps, out=t)
    return t


def _perm_block(a, lo, hi, s, e, steps, t, link):
    """Steps [s, e) (int32 steps, intp targets t) of the forward shuffle on the packed array a (see
    _perm_forward); link: intp scratch of at least e - s entries, all -1 (left so)."""
    hi[t] = steps                                     # repeated targets: the last step's mark stays
    packed = a.take(t)
    pair = packed.view(np.int32)
    out, last = pair[_LO::2], pair[1 - _LO::2]        # a_s[t_p] (what step p leaves at p, mostly), and
    shared = np.flatnonzero(last != steps)            # the last step on t_p: is it a later one?
    if shared.size and (last[shared] < steps[shared]).any():  # pragma: no cover - NumPy wrote out of order
        raise RuntimeError("randperm: NumPy did not keep the last of repeated index assignments")
    refilled = np.flatnonzero(a[s:e] >= s << 32)      # positions some step of the block targeted, and
    lx = hi[s:e][refilled] - s                        # the last step that did (local; read before
    v = lo[s:e].copy()                                # _perm_prev marks again).  v(j) = a_s[j], mostly
    if shared.size:
        p, q = _perm_prev(hi, t, steps, last, shared, s)
    if refilled.size:
        own = np.flatnonzero(lx == refilled)          # ... was the position's own step: L(x) = prev(x)
        if own.size:
            pl = np.full(e - s, -1, np.intp)
            if shared.size:
                pl[p] = q
            lx[own] = pl[refilled[own]]
        has = lx >= 0
        js = refilled.compress(has)
        link[js] = lx.compress(has)
        root = link.take(js)
        while True:                                   # follow L back to a position nobody refilled
            nxt = link.take(root)
            deeper = nxt >= 0
            if not deeper.any():
                break
            np.copyto(root, nxt, where=deeper)
        v[js] = v.take(root)
        link[js] = -1
    if shared.size:
        out[p] = v.take(q)
    lo[t] = v
    if shared.size:
        lw = last[shared] - s                         # a shared target keeps its last step's value
        lo[t[lw]] = v[lw]
    lo[s:e] = out


def _perm_prev(hi, t, steps, last, shared, s):
    """prev(p) for the block's steps whose target another step of the block shares: (p, prev(p)) as
    block-local indices, only where prev exists.  Round by round the steps not yet peeled are marked
    again: the last of them on each target is the prev of the step peeled before it there, and is peeled
    in turn.  (Sorting the few thousand steps by target costs more where NumPy's sort is scalar.)"""
    rest, tr = shared, t[shared]
    before = last[shared]       # the mark on each one's target: the step peeled last there
    ps, qs = [], []
    while rest.size:
        sr = steps[rest]
        hi[tr] = sr
        got = hi[tr]
        if (got < sr).any():  # pragma: no cover - see _perm_block
            raise RuntimeError("randperm: NumPy did not keep the last of repeated index assignments")
        won = np.flatnonzero(got == sr)
        ps.append(before[won] - s)
        qs.append(sr[won] - s)
        keep = got != sr
        rest, tr, before = rest.compress(keep), tr.compress(keep), got.compress(keep)
    return np.concatenate(ps), np.concatenate(qs)


def _shuffle_tail(vals, draws):
    """The last len(draws) steps of the forward shuffle as a plain loop; vals: the last len(draws) + 1
    positions."""
    k = len(vals)
    for i, r in enumerate(draws):
        j = i + r % (k - i)
        vals[i], vals[j] = vals[j], vals[i]
    return vals


def _perm_inside_out(gen, n):
    """for i in 0..n-1: z = random64() % (i + 1); a[i] = a[z]; a[z] = i -- vectorised.

    Final a[p] = the last i with z_i == p if any; otherwise W(p), the value step p left at p:
    W(q) = q if z_q == q, else the previous step i < q with z_i == z_q if any, else W(z_q).
    """
    if n <= 0:
        return np.arange(0, dtype=np.int64)
    z = np.empty(n, np.int64)
    o = 0
    while o < n:
        k = min(n - o, 1 << 22)
        z[o:o + k] = np.remainder(gen._draw64(k), np.arange(o + 1, o + k + 1, dtype=np.uint64))
        o += k
    si, ks, same = _group_sort(z, n)
    prev = np.full(n, -1, np.int32)
    sj = np.flatnonzero(same)
    prev[si[sj]] = si[sj - 1]
    ends = np.flatnonzero(~same[1:])
    ends = np.append(ends, n - 1)
    last = np.full(n, -1, np.int32)
    last[ks[ends]] = si[ends]
    ar = np.arange(n, dtype=np.int32)
    z32 = z.astype(np.int32)
    del z
    direct = np.where(z32 == ar, ar, prev)
    link = np.where(direct >= 0, -1, z32).astype(np.int32)
    w = direct[_chain_roots(link)]
    return np.where(last >= 0, last, w).astype(np.int64)


# ---------------------------------------------------------------------------------------------------
# The default generator and module-level helpers
# ---------------------------------------------------------------------------------------------------

default_generator = Generator()
default_generator.seed()


def manual_seed(seed):
    return default_generator.manual_seed(seed)


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(state):
    default_generator.set_state(state)
