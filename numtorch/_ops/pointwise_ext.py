"""The rest of the pointwise family: unary math, special functions, rounding, clamping, binary math,
predicates, complex helpers, where/masked_fill, softmax/log_softmax.

Kernels see backend arrays already in the computation dtype (see `_registry.pointwise`); special
functions come from scipy.special, imported lazily inside kernels. Derivative formulas follow torch's
(subgradients included) and are written in numtorch ops so double backward works.
"""
from __future__ import annotations

import builtins
import math

import numpy as np

from .. import _dtype as D
from .._device import META
from .._fma import fma, fused_dtype
from .._tensor import Tensor, wrap
from ..return_types import structseq
from . import _promotion as P
from ._meta import wrap_dim
from ._registry import (
    ALWAYS_BOOL,
    DEFAULT,
    FUNCTIONS,
    INT_TO_FLOAT,
    INT_TO_FLOAT_NO_OPMATH,
    INT_TO_FLOAT_TO_REAL,
    NO_OPMATH,
    OPS,
    check_inplace_leaf,
    export,
    node,
    pointwise,
    record,
    recording,
    write_into,
    write_out,
)

_FLOATS = frozenset((D.float16, D.bfloat16, D.float32, D.float64))
_COMPLEX = frozenset((D.complex32, D.complex64, D.complex128))
_INTS = frozenset((D.uint8, D.int8, D.int16, D.int32, D.int64)) | frozenset(
    d for d in (getattr(D, "uint16", None), getattr(D, "uint32", None), getattr(D, "uint64", None)) if d)
_BOOL = frozenset((D.bool_,))
_NON_FLOAT = _INTS | _BOOL | _COMPLEX


def _sp():
    import scipy.special
    return scipy.special


def _quiet():
    return np.errstate(divide="ignore", over="ignore", invalid="ignore", under="ignore")


def _complex_error(msg):
    """A kernel guard for ops torch refuses on complex inputs with a hand-written message."""
    def check(a, exc=RuntimeError):
        if getattr(a, "dtype", None) is not None and a.dtype.kind == "c":
            raise exc(msg)
    return check


def _conj(x):
    return x.conj() if isinstance(x, Tensor) and x._dtype.is_complex else x


def _node_name(name):
    """torch's node name for an op: CamelCase, with a capital after each digit (log1p -> Log1PBackward0)."""
    out, up = [], True
    for ch in name:
        if ch == "_":
            up = True
            continue
        out.append(ch.upper() if up else ch)
        up = ch.isdigit()
    return "".join(out) + "Backward0"


def _private(*names):
    """Internal ops (torch.special-only functions): kept out of the numtorch namespace."""
    for n in names:
        FUNCTIONS.pop(n, None)
        FUNCTIONS.pop(n + "_", None)


_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_2_SQRTPI = 2.0 / math.sqrt(math.pi)


# ---- exponentials and logarithms -----------------------------------------------------------------

@pointwise(INT_TO_FLOAT)
def exp2(xp, self):
    with _quiet():
        return xp.exp2(self)


exp2.derivative(self=lambda grad, result: grad * _conj(result) * _LN2)


@pointwise(INT_TO_FLOAT)
def expm1(xp, self):
    with _quiet():
        return xp.expm1(self)


expm1.derivative(self=lambda grad, result: grad * (_conj(result) + 1))


@pointwise(INT_TO_FLOAT)
def log2(xp, self):
    with _quiet():
        return xp.log2(self)


log2.derivative(self=lambda grad, self: grad / (_conj(self) * _LN2))


@pointwise(INT_TO_FLOAT)
def log10(xp, self):
    with _quiet():
        return xp.log10(self)


log10.derivative(self=lambda grad, self: grad / (_conj(self) * _LN10))


@pointwise(INT_TO_FLOAT)
def log1p(xp, self):
    with _quiet():
        return xp.log1p(self)


log1p.derivative(node=_node_name("log1p"), self=lambda grad, self: grad / (_conj(self) + 1))


# ---- trigonometric and hyperbolic ----------------------------------------------------------------

@pointwise(INT_TO_FLOAT)
def tan(xp, self):
    with _quiet():
        return xp.tan(self)


tan.derivative(self=lambda grad, result: grad * (1 + _conj(result) * _conj(result)))


@pointwise(INT_TO_FLOAT, aliases=("arccos",))
def acos(xp, self):
    with _quiet():
        return xp.arccos(self)


acos.derivative(self=lambda grad, self: grad * -_conj((1 - self * self).rsqrt()))


@pointwise(INT_TO_FLOAT, aliases=("arctan",))
def atan(xp, self):
    with _quiet():
        return xp.arctan(self)


atan.derivative(self=lambda grad, self: grad / _conj(self * self + 1))


@pointwise(INT_TO_FLOAT)
def sinh(xp, self):
    with _quiet():
        return xp.sinh(self)


sinh.derivative(self=lambda grad, self: grad * _conj(self.cosh()))


@pointwise(INT_TO_FLOAT)
def cosh(xp, self):
    with _quiet():
        return xp.cosh(self)


cosh.derivative(self=lambda grad, self: grad * _conj(self.sinh()))


@pointwise(INT_TO_FLOAT, aliases=("arcsinh",))
def asinh(xp, self):
    with _quiet():
        return xp.arcsinh(self)


asinh.derivative(self=lambda grad, self: grad * _conj((self * self + 1).rsqrt()))


@pointwise(INT_TO_FLOAT, aliases=("arccosh",))
def acosh(xp, self):
    with _quiet():
        return xp.arccosh(self)


acosh.derivative(self=lambda grad, self: grad * _conj((self * self - 1).rsqrt()))


@pointwise(INT_TO_FLOAT, aliases=("arctanh",))
def atanh(xp, self):
    with _quiet():
        return xp.arctanh(self)


atanh.derivative(self=lambda grad, self: grad / _conj(1 - self * self))

_check_deg = _complex_error("deg2rad is not supported for complex tensors.")
_check_rad = _complex_error("rad2deg is not supported for complex tensors.")


@pointwise(INT_TO_FLOAT)
def deg2rad(xp, self):
    _check_deg(self)
    return self * (math.pi / 180.0)


deg2rad.derivative(node=_node_name("deg2rad"), self=lambda grad: grad * (math.pi / 180.0))


@pointwise(INT_TO_FLOAT)
def rad2deg(xp, self):
    _check_rad(self)
    return self * (180.0 / math.pi)


rad2deg.derivative(node=_node_name("rad2deg"), self=lambda grad: grad * (180.0 / math.pi))


@pointwise(INT_TO_FLOAT)
def sinc(xp, self):
    with _quiet():
        y = math.pi * self
        return xp.where(self == 0, xp.ones((), self.dtype), xp.sin(y) / y)


def _sinc_grad(grad, self):
    y = self * math.pi
    d = ((y * y.cos() - y.sin()) / (y * self)).masked_fill(self == 0, 0)
    return grad * _conj(d)


sinc.derivative(self=_sinc_grad)


# ---- special functions (real only) ---------------------------------------------------------------

@pointwise(INT_TO_FLOAT, reject=_COMPLEX, kernel_name="erf_vml_cpu")
def erf(xp, self):
    return _sp().erf(self)


erf.derivative(self=lambda grad, self: grad * _2_SQRTPI * (-(self * self)).exp())


@pointwise(INT_TO_FLOAT, reject=_COMPLEX, kernel_name="erfc_vml_cpu")
def erfc(xp, self):
    return _sp().erfc(self)


erfc.derivative(self=lambda grad, self: grad * -_2_SQRTPI * (-(self * self)).exp())


@pointwise(INT_TO_FLOAT, reject=_COMPLEX, kernel_name="erfinv_vml_cpu")
def erfinv(xp, self):
    return _sp().erfinv(self)


erfinv.derivative(self=lambda grad, result: grad * (0.5 * math.sqrt(math.pi)) * (result * result).exp())


@pointwise(INT_TO_FLOAT, reject=_COMPLEX, kernel_name="lgamma_vml_cpu")
def lgamma(xp, self):
    with _quiet():
        return _sp().gammaln(self)


lgamma.derivative(self=lambda grad, self: grad * self.digamma())


@pointwise(INT_TO_FLOAT, reject=_COMPLEX, kernel_name="digamma")
def digamma(xp, self):
    with _quiet():
        # torch: digamma(+-0) = -+inf (scipy agrees), negative integers give nan
        return _sp().psi(self)


digamma.derivative(self=lambda grad, self: grad * _polygamma_op(self, n=1))


@pointwise(INT_TO_FLOAT, name="_polygamma", method=False, inplace=False)
def _polygamma_op(xp, self, *, n):
    if self.dtype.kind == "c":
        raise _nie({0: "digamma", 1: "trigamma"}.get(n, "polygamma"), self)
    with _quiet():
        if n == 0:
            return _sp().psi(self)
        return _sp().polygamma(n, self).astype(self.dtype)


_polygamma_op.derivative(node="PolygammaBackward0",
                         self=lambda grad, self, n: grad * _polygamma_op(self, n=n + 1))
_private("_polygamma")


def _polygamma_check(n):
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")


@export
def polygamma(n, input, *, out=None):
    """Mirrors `torch.polygamma(n, input)`."""
    _polygamma_check(n)
    return _polygamma_op.fn(input, n=n, out=out)


def _polygamma_method(self, n):
    _polygamma_check(n)
    return _polygamma_op.fn(self, n=n)


def _polygamma_inplace(self, n):
    from ._registry import _inplace
    _polygamma_check(n)
    return _inplace(_polygamma_op, self, (), {"n": n})


Tensor.polygamma = _polygamma_method
Tensor.polygamma_ = _polygamma_inplace


# torch's complex failure comes from the arange it builds internally
@pointwise(INT_TO_FLOAT, reject=_COMPLEX, kernel_name="arange_cpu", aliases=("special_multigammaln",),
           fast=False)
def mvlgamma(xp, self, p):
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    sp = _sp()
    with _quiet():
        r = sum(sp.gammaln(self - j / 2.0) for j in range(p))
        return r + p * (p - 1) / 4.0 * math.log(math.pi)


def _mvlgamma_grad(grad, self, p):
    g = self.digamma()
    for j in range(1, p):
        g = g + (self - j / 2.0).digamma()
    return grad * g


mvlgamma.derivative(self=_mvlgamma_grad)
_mvlgamma_inplace = Tensor.mvlgamma_


def _mvlgamma_(self, p):
    if self._dtype._category < 2:  # torch's own wording for this case
        raise RuntimeError(f"mvlgamma: result type {P.torch_name(self._dtype)} can't be cast to the desired "
                           f"output type {P.torch_name(D.get_default_dtype())}")
    return _mvlgamma_inplace(self, p)


Tensor.mvlgamma_ = _mvlgamma_
_private("special_multigammaln")


@pointwise(INT_TO_FLOAT, reject=_COMPLEX, kernel_name="i0_vml_cpu")
def i0(xp, self):
    return _sp().i0(self)


i0.derivative(self=lambda grad, self: grad * _special_i1(self))


_HALF = frozenset((D.float16, D.bfloat16))


def _special(name, fn, kernel_name, derivative=None, half=True, cplx_name=None):
    """A torch.special-only elementwise function (no method, no numtorch.* name)."""
    def kernel(xp, self):
        if cplx_name and self.dtype.kind == "c":  # torch fails inside a helper kernel, under its name
            raise _nie(cplx_name, self)
        with _quiet():
            return fn(_sp(), self)
    kernel.__name__ = name
    reject = (frozenset() if cplx_name else _COMPLEX) | (frozenset() if half else _HALF)
    op = pointwise(INT_TO_FLOAT, reject=reject, kernel_name=kernel_name, method=False, inplace=False)(kernel)
    if derivative is not None:
        # torch builds ndtr from erfc and a final multiply, so its graph ends in MulBackward1
        op.derivative(node="MulBackward1" if name == "special_ndtr" else _node_name(name), self=derivative)
    _private(name)
    return op


def _i1_grad(grad, self, result):
    # d/dx I1(x) = I0(x) - I1(x)/x, and 1/2 at x = 0
    # the safe denominator keeps double backward finite at 0 (masked_fill only zeroes the forward value)
    return grad * (self.i0() - result / self.masked_fill(self == 0, 1)).masked_fill(self == 0, 0.5)


_special_i1 = _special("special_i1", lambda sp, x: sp.i1(x), "i1_cpu", _i1_grad)
_special_i0e = _special("special_i0e", lambda sp, x: sp.i0e(x), "i0e_cpu",
                        lambda grad, self, result: grad * (_special_i1e(self) - self.sgn() * result))
_special_i1e = _special("special_i1e", lambda sp, x: sp.i1e(x), "i1e_cpu",
                        lambda grad, self, result: grad * (_special_i0e(self)
                                                           - result * (self.sgn()
                                                                       + self.masked_fill(self == 0, 1)
                                                                       .reciprocal()))
                        .masked_fill(self == 0, 0.5))
_special_ndtr = _special("special_ndtr", lambda sp, x: sp.ndtr(x), "ndtr_cpu",
                         lambda grad, self: grad * (-(self * self) / 2).exp() / math.sqrt(2 * math.pi),
                         cplx_name="erf_vml_cpu")
_special_ndtri = _special("special_ndtri", lambda sp, x: sp.ndtri(x), "ndtri_cpu",
                          lambda grad, result: grad * math.sqrt(2 * math.pi) * (result * result / 2).exp(),
                          half=False)
_special_log_ndtr = _special("special_log_ndtr", lambda sp, x: sp.log_ndtr(x), "log_ndtr_cpu",
                             lambda grad, self, result: grad / math.sqrt(2 * math.pi)
                             * (-(self * self) / 2 - result).exp(), half=False)
_special_erfcx = _special("special_erfcx", lambda sp, x: sp.erfcx(x), "erfcx_cpu",
                          lambda grad, self, result: grad * (2 * self * result - _2_SQRTPI), half=False)
_special_entr = _special("special_entr", lambda sp, x: sp.entr(x), "entr_cpu",
                         lambda grad, self: grad * -(1 + self.log()))
# torch has no derivatives for these, and no float16/bfloat16 kernels
_NO_GRAD_SPECIALS = {
    "bessel_j0": lambda sp, x: sp.j0(x), "bessel_j1": lambda sp, x: sp.j1(x),
    "bessel_y0": lambda sp, x: sp.y0(x), "bessel_y1": lambda sp, x: sp.y1(x),
    "spherical_bessel_j0": lambda sp, x: sp.spherical_jn(0, x),
    "modified_bessel_i0": lambda sp, x: sp.i0(x), "modified_bessel_i1": lambda sp, x: sp.i1(x),
    "modified_bessel_k0": lambda sp, x: sp.k0(x), "modified_bessel_k1": lambda sp, x: sp.k1(x),
    "scaled_modified_bessel_k0": lambda sp, x: sp.k0e(x),
    "scaled_modified_bessel_k1": lambda sp, x: sp.k1e(x),
    "airy_ai": lambda sp, x: sp.airy(x)[0],
}
SPECIAL_OPS = {n: _special("special_" + n, f, n + "_cpu", half=False) for n, f in _NO_GRAD_SPECIALS.items()}


def _special2(name, fn, kernel_name):
    """A binary torch.special-only function (no derivative in torch for these)."""
    def kernel(xp, self, other):
        with _quiet():
            return fn(_sp(), self, other)
    kernel.__name__ = name
    op = pointwise(INT_TO_FLOAT, reject=_COMPLEX | (_HALF if name == "special_zeta" else frozenset()),
                   kernel_name=kernel_name, method=False, inplace=False)(kernel)
    _private(name)
    return op


_special_zeta = _special2("special_zeta", lambda sp, x, q: sp.zeta(x, q), "zeta_cpu")
_special_gammainc = _special2("special_gammainc", lambda sp, a, x: sp.gammainc(a, x), "igamma_cpu")
_special_gammaincc = _special2("special_gammaincc", lambda sp, a, x: sp.gammaincc(a, x), "igammac_cpu")


@pointwise(INT_TO_FLOAT_NO_OPMATH, reject=_COMPLEX, kernel_name="logit_cpu", fast=False)
def logit(xp, self, eps=None):
    with _quiet():
        if eps is not None and eps >= 0:  # (torch: a negative eps is no eps) the bounds and the clamped
            lo = xp.asarray(eps, self.dtype)  # values in the tensor's type, as torch's scalar_t arithmetic
            self = xp.clip(self, lo, xp.asarray(1, self.dtype) - lo).astype(self.dtype, copy=False)
        return xp.log(self / (1 - self))


def _logit_grad(grad, self, eps):
    d = grad / (self * (1 - self))
    if eps is None or eps < 0:
        return d.masked_fill((self < 0) | (self > 1), float("nan"))
    return d.masked_fill((self < eps) | (self > 1 - eps), 0)


logit.derivative(self=_logit_grad)


# ---- rounding --------------------------------------------------------------------------------------

_round_cplx = _complex_error("round is not supported for complex inputs")


def _round_kernel(xp, self, decimals):
    if decimals is not None and self.dtype.kind in "iubc":  # torch's round.decimals: floating only
        raise _nie("round_cpu" if decimals else "round_vml_cpu", self)
    decimals = decimals or 0
    if self.dtype.kind in "bc":
        raise _nie("round_vml_cpu", self)
    if self.dtype.kind in "iu":
        return self.copy()
    if decimals == 0:
        return xp.rint(self)  # half to even, as torch
    ten = self.dtype.type(10.0 ** builtins.abs(decimals))
    with _quiet():
        return xp.rint(self / ten) * ten if decimals < 0 else xp.rint(self * ten) / ten


@pointwise(DEFAULT)
def round(xp, self):
    return _round_kernel(xp, self, None)


round.derivative(self=lambda grad: grad * 0)


@pointwise(DEFAULT, name="_round_decimals", method=False)
def _round_decimals(xp, self, *, decimals):
    return _round_kernel(xp, self, decimals)


_round_decimals.derivative(node="RoundBackward1", self=lambda grad: grad * 0)
_private("_round_decimals")
_round_plain = round.fn
_round_plain_ = Tensor.round_


@export(method=True)
def round(input, *, decimals=None, out=None):  # noqa: F811 - torch's round and round.decimals overloads
    """Mirrors `torch.round`; an explicit decimals= picks torch's round.decimals (RoundBackward1)."""
    if decimals is None:
        return _round_plain(input, out=out)
    return _round_decimals.fn(input, decimals=decimals, out=out)


def _round_(self, *, decimals=None):
    if decimals is None:
        return _round_plain_(self)
    from ._registry import _inplace
    return _inplace(_round_decimals, self, (), {"decimals": decimals})


Tensor.round_ = _round_


def _np_name(npdt):
    """torch's name ("Long", "ComplexFloat") for a backend array dtype."""
    return P.torch_name(D.from_numpy_dtype(npdt))


def _nie(kernel_name, a):
    return NotImplementedError(f'"{kernel_name}" not implemented for \'{_np_name(a.dtype)}\'')


@pointwise(DEFAULT, reject=_NON_FLOAT, kernel_name="frac_cpu")
def frac(xp, self):
    return self - xp.trunc(self)


frac.derivative(self=lambda grad: grad)


# ---- clamping --------------------------------------------------------------------------------------

def _clamp_kernel(xp, self, lo, hi, clamp=True):
    if lo is None and hi is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    kind = self.dtype.kind
    if kind == "c":
        if clamp:
            raise NotImplementedError("clamp is not supported for complex types")
        raise _nie("maximum_cpu" if lo is not None else "minimum_cpu", self)
    if clamp and kind == "b" and lo is not None and hi is not None:
        raise _nie("clamp_cpu", self)
    # min(max(x, lo), hi), as torch: with lo > hi every element is hi; NaN (in x or a bound) propagates.
    # NOTE(torch parity): on a tie torch keeps x (clamp(-0.0, min=0.0) is -0.0); NumPy's maximum and
    # minimum return their second operand on ties (float32/float64, which is all a kernel sees), so x goes
    # second
    r = self
    if lo is not None:
        r = xp.maximum(lo, r)
    if hi is not None:
        r = xp.minimum(hi, r)
    return r


def _between(self, min, max):
    m = None
    if min is not None:
        m = self >= min
    if max is not None:
        m = (self <= max) if m is None else m & (self <= max)
    return m


def _clamp_grad_self(grad, self, min, max):
    return grad.where(_between(self, min, max), 0) if isinstance(grad, Tensor) else grad


def _clamp_grad_min(grad, self, min, max):
    pred = self < min
    if max is not None:
        pred = pred & (min < max)
    return grad.where(pred, 0)


def _clamp_grad_max(grad, self, min, max):
    pred = self > max
    if min is not None:
        pred = pred | (max < min)
    return grad.where(pred, 0)


@pointwise(DEFAULT, aliases=("clip",), checked=True)
def clamp(xp, self, min=None, max=None):
    return _clamp_kernel(xp, self, min, max)


clamp.derivative(node="ClampBackward0", scalar_node="ClampBackward1",
                 self=_clamp_grad_self, min=_clamp_grad_min, max=_clamp_grad_max)


@pointwise(DEFAULT, checked=True)
def clamp_min(xp, self, min):
    return _clamp_kernel(xp, self, min, None, clamp=False)


clamp_min.derivative(node="ClampMinBackward1", scalar_node="ClampMinBackward0",
                     self=lambda grad, self, min: grad.where(self >= min, 0),
                     min=lambda grad, self, min: grad.where(self < min, 0))


@pointwise(DEFAULT, checked=True)
def clamp_max(xp, self, max):
    return _clamp_kernel(xp, self, None, max, clamp=False)


clamp_max.derivative(node="ClampMaxBackward1", scalar_node="ClampMaxBackward0",
                     self=lambda grad, self, max: grad.where(self <= max, 0),
                     max=lambda grad, self, max: grad.where(self > max, 0))


@pointwise(NO_OPMATH)
def nan_to_num(xp, self, *, nan=0.0, posinf=None, neginf=None):
    if self.dtype.kind not in "fc":
        return self.copy()
    return xp.nan_to_num(self, copy=True, nan=nan, posinf=posinf, neginf=neginf)


nan_to_num.derivative(node=_node_name("nan_to_num"), self=lambda grad, self: grad * self.isfinite())


# ---- binary math -----------------------------------------------------------------------------------

@pointwise(INT_TO_FLOAT, reject=_COMPLEX, kernel_name="atan2_cpu", aliases=("arctan2",))
def atan2(xp, self, other):
    return xp.arctan2(self, other)


def _sq_sum(self, other):
    return self * self + other * other


atan2.derivative(self=lambda grad, self, other: grad * other / _sq_sum(self, other),
                 other=lambda grad, self, other: grad * -self / _sq_sum(self, other))


@pointwise(DEFAULT, reject=_NON_FLOAT, kernel_name="hypot_cpu")
def hypot(xp, self, other):
    return xp.hypot(self, other)


hypot.derivative(self=lambda grad, self, result: grad * self / result,
                 other=lambda grad, other, result: grad * other / result)


@pointwise(INT_TO_FLOAT_NO_OPMATH, reject=_COMPLEX, kernel_name="xlogy_cpu", number_self=True)
def xlogy(xp, self, other):
    if not hasattr(other, "dtype"):  # a number: torch wraps it in the common dtype, log included
        other = xp.asarray(other, self.dtype)
    with _quiet():
        r = self * xp.log(other)
        # torch: 0 * log(y) is 0 unless y is nan
        return xp.where((self == 0) & ~xp.isnan(other), xp.zeros((), r.dtype), r)


xlogy.derivative(scalar_node="XlogyBackward2", number_self_node="XlogyBackward1",
                 self=lambda grad, other: grad * other.log(),
                 other=lambda grad, self, other: grad * self / other)


@pointwise(INT_TO_FLOAT, reject=_COMPLEX, kernel_name="xlog1py_cpu", method=False, inplace=False)
def special_xlog1py(xp, self, other):
    with _quiet():
        r = self * xp.log1p(other)
        return xp.where((self == 0) & ~xp.isnan(other), xp.zeros((), r.dtype), r)


special_xlog1py.derivative(node="SpecialXlog1PyBackward0",
                           self=lambda grad, self, other: grad * special_xlog1py((self != 0), other),
                           other=lambda grad, self, other: grad * self / (other + 1))
_private("special_xlog1py")


@pointwise(INT_TO_FLOAT, reject=_COMPLEX, kernel_name="copysign_cpu")
def copysign(xp, self, other):
    return xp.copysign(self, other)


copysign.derivative(scalar_node="CopysignBackward1",
                    self=lambda grad, self, result: grad * (result / self).masked_fill(self == 0, 0),
                    other=lambda grad: grad * 0)


@pointwise(DEFAULT, reject=_NON_FLOAT, kernel_name="nextafter_cpu")
def nextafter(xp, self, other):
    return xp.nextafter(self, other)


nextafter.derivative(self=lambda grad: grad, other=lambda grad: grad * 0)


@pointwise(INT_TO_FLOAT)
def ldexp(xp, self, other):
    with _quiet():
        return self * xp.exp2(other)


ldexp.derivative(self=lambda grad, other: grad * (2.0 ** other),
                 other=lambda grad, result: grad * result * _LN2)
_ldexp_inplace = Tensor.ldexp_


def _ldexp_(self, other):
    if self._dtype._category < 2:
        raise RuntimeError(f"ldexp can't be cast to the desired output type {P.torch_name(self._dtype)}")
    return _ldexp_inplace(self, other)


Tensor.ldexp_ = _ldexp_


@pointwise(DEFAULT, reject=_INTS | _BOOL, kernel_name="logaddexp_cpu")
def logaddexp(xp, self, other):
    if getattr(self, "dtype", None) is not None and self.dtype.kind == "c":
        with _quiet():
            return xp.log(xp.exp(self) + xp.exp(other))
    return xp.logaddexp(self, other)


logaddexp.derivative(self=lambda grad, self, other: grad / (1 + (other - self).exp()),
                     other=lambda grad, self, other: grad / (1 + (self - other).exp()))


@pointwise(DEFAULT, reject=_INTS | _BOOL | _COMPLEX, kernel_name="logaddexp2_cpu")
def logaddexp2(xp, self, other):
    return xp.logaddexp2(self, other)


logaddexp2.derivative(self=lambda grad, self, other: grad / (1 + (other - self).exp2()),
                      other=lambda grad, self, other: grad / (1 + (self - other).exp2()))


def _minmax(name, fn):
    check = _complex_error(f"{name} not implemented for complex tensors.")

    def kernel(xp, self, other):
        check(self)
        return getattr(xp, fn)(self, other)
    kernel.__name__ = name
    return pointwise(DEFAULT, kernel_name=f"{name}_cpu")(kernel)


def _ties_half(grad, a, b, lose):
    """maximum/minimum: the winner gets the gradient, ties split it half each."""
    return grad.where(a != b, grad / 2).masked_fill(lose, 0)


maximum = _minmax("maximum", "maximum")
maximum.derivative(self=lambda grad, self, other: _ties_half(grad, self, other, self < other),
                   other=lambda grad, self, other: _ties_half(grad, self, other, other < self))
minimum = _minmax("minimum", "minimum")
minimum.derivative(self=lambda grad, self, other: _ties_half(grad, self, other, self > other),
                   other=lambda grad, self, other: _ties_half(grad, self, other, other > self))
fmax = _minmax("fmax", "fmax")
fmax.derivative(self=lambda grad, self, other: grad.masked_fill(~((self >= other) | other.isnan()), 0),
                other=lambda grad, self, other: grad.masked_fill((self >= other) | other.isnan(), 0))
fmin = _minmax("fmin", "fmin")
fmin.derivative(self=lambda grad, self, other: grad.masked_fill(~((self <= other) | other.isnan()), 0),
                other=lambda grad, self, other: grad.masked_fill((self <= other) | other.isnan(), 0))


def _heaviside_check(input, values):
    if input._dtype.is_complex or getattr(values, "_dtype", input._dtype).is_complex:
        raise RuntimeError("heaviside is not yet implemented for complex tensors.")
    if isinstance(values, Tensor) and values._dtype is not input._dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")


@pointwise(DEFAULT, kernel_name="heaviside_cpu", check=_heaviside_check)
def heaviside(xp, self, values):
    return xp.where(self == 0, values, (self > 0)).astype(self.dtype)


@pointwise(DEFAULT, reject=_FLOATS | _COMPLEX | _BOOL, kernel_name="gcd_cpu")
def gcd(xp, self, other):
    return xp.gcd(self, other)


@pointwise(DEFAULT, reject=_FLOATS | _COMPLEX | _BOOL, kernel_name="lcm_cpu")
def lcm(xp, self, other):
    return xp.lcm(self, other)


_DT_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
             "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def _lerp_check(input, end, weight):
    if input._dtype._category < 2:
        kind = "tensor" if isinstance(weight, Tensor) else "scalar"
        name = P.torch_name(input._dtype)
        raise NotImplementedError(f'"lerp_kernel_{kind}" not implemented for \'{name}\'')
    for n, v in (("end", end), ("weight", weight)):
        if isinstance(v, Tensor) and v._dtype is not input._dtype:
            a, b = input._dtype.np.name, v._dtype.np.name
            raise RuntimeError(f"expected dtype {_DT_NAMES.get(a, a)} for `{n}` but got dtype "
                               f"{_DT_NAMES.get(b, b)}")


@pointwise(DEFAULT, check=_lerp_check)
def lerp(xp, self, end, weight):
    with _quiet():
        d = end - self
        # torch's two-sided form keeps lerp exact at weight 0 and weight 1; its kernel is one fused
        # multiply-add, fma(w, d, self) or fma(w - 1, d, end), rounded once
        dt = fused_dtype(xp, d)
        if dt is not None:
            w = np.asarray(weight, dt)
            small = np.abs(w) < 0.5
            return fma(np.where(small, w, w - 1), d, np.where(small, self, end), dt)
        return xp.where(xp.abs(weight) < 0.5, self + weight * d, end - d * (1 - weight))


lerp.derivative(node="LerpBackward1", scalar_node="LerpBackward0",
                self=lambda grad, weight: grad * (1 - _conj(weight)),
                end=lambda grad, weight: grad * _conj(weight),
                weight=lambda grad, self, end: grad * _conj(end - self))

@pointwise(DEFAULT, reject=_BOOL, kernel_name="addcmul_cpu_out", tensors=("tensor1", "tensor2"))
def addcmul(xp, self, tensor1, tensor2, *, value=1):
    # torch's kernel: self + value * tensor1 * tensor2, contracted on floats to fma(value * tensor1, tensor2, self)
    dt = fused_dtype(xp, self, tensor1, tensor2)
    if dt is not None:
        return fma(np.multiply(np.asarray(value, dt), tensor1, dtype=dt), tensor2, self, dt)
    return self + value * tensor1 * tensor2


addcmul.derivative(self=lambda grad: grad,
                   tensor1=lambda grad, tensor2, value: grad * _conj(tensor2) * value,
                   tensor2=lambda grad, tensor1, value: grad * _conj(tensor1) * value)

_ADDCDIV_INT = (
    "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a "
    "true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as "
    "(input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as "
    "(input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter "
    "implementation: (input + value * tensor1 / tensor2), for all dtypes.")


@pointwise(DEFAULT, tensors=("tensor1", "tensor2"))
def addcdiv(xp, self, tensor1, tensor2, *, value=1):
    if tensor1.dtype.kind in "iub" and tensor2.dtype.kind in "iub":
        raise RuntimeError(_ADDCDIV_INT)
    with _quiet():
        return self + value * tensor1 / tensor2  # torch's order: (value * tensor1) / tensor2


addcdiv.derivative(self=lambda grad: grad,
                   tensor1=lambda grad, tensor2, value: grad * value / _conj(tensor2),
                   tensor2=lambda grad, tensor1, tensor2, value:
                   -grad * value * _conj(tensor1 / (tensor2 * tensor2)))


# ---- predicates ------------------------------------------------------------------------------------

@pointwise(ALWAYS_BOOL, inplace=False)
def isnan(xp, self):
    return xp.isnan(self) if self.dtype.kind in "fc" else xp.zeros(self.shape, bool)


@pointwise(ALWAYS_BOOL, inplace=False)
def isinf(xp, self):
    return xp.isinf(self) if self.dtype.kind in "fc" else xp.zeros(self.shape, bool)


@pointwise(ALWAYS_BOOL, inplace=False)
def isfinite(xp, self):
    return xp.isfinite(self) if self.dtype.kind in "fc" else xp.ones(self.shape, bool)


_posinf_c = _complex_error("isposinf does not support complex inputs.")
_neginf_c = _complex_error("isneginf does not support complex inputs.")


@pointwise(ALWAYS_BOOL, inplace=False)
def isposinf(xp, self):
    _posinf_c(self)
    return self == np.inf


@pointwise(ALWAYS_BOOL, inplace=False)
def isneginf(xp, self):
    _neginf_c(self)
    return self == -np.inf


@pointwise(ALWAYS_BOOL, inplace=False, out=False)
def isreal(xp, self):
    return self.imag == 0 if self.dtype.kind == "c" else xp.ones(self.shape, bool)


_signbit_c = _complex_error("signbit is not implemented for complex tensors.")


@pointwise(ALWAYS_BOOL, inplace=False)
def signbit(xp, self):
    _signbit_c(self, NotImplementedError)
    return xp.signbit(self) if self.dtype.kind == "f" else (self < 0)


@export(method=True)
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Mirrors `torch.isclose`: |input - other| <= atol + rtol * |other| (both tensors of one dtype)."""
    if input._dtype is not other._dtype:
        raise RuntimeError(f"{P.torch_name(input._dtype)} did not match {P.torch_name(other._dtype)}")
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol}")
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol}")
    a, b = input._data, other._data
    if input._dtype is D.bool_:
        r = a == b
    else:
        with _quiet():
            if a.dtype.kind in "iu":
                a, b = a.astype(np.float64), b.astype(np.float64)
            elif a.dtype.itemsize < 4 and a.dtype.kind == "f" or input._dtype is D.bfloat16:
                a, b = a.astype(np.float32), b.astype(np.float32)
            r = np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
            r = r | (a == b)
    return wrap(np.asarray(r), D.bool_, input._device)


@export(method=True)
def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Mirrors `torch.allclose` (a Python bool)."""
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


@export(method=True)
def equal(input, other):
    """Mirrors `torch.equal`: same shape and the same values (after promotion)."""
    if input._data.shape != other._data.shape:
        return False
    return bool(np.array_equal(input._host(), other._host()))


# ---- sign-like -------------------------------------------------------------------------------------

@export(method=True)
def positive(input):
    """Mirrors `torch.positive`: the input itself (bool refused)."""
    if input._dtype is D.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


@export(method=True)
def square(input, *, out=None):
    """Mirrors `torch.square`: pow(input, 2) (bool squares to int64)."""
    if out is not None:
        return FUNCTIONS["pow"](input, 2, out=out)
    return FUNCTIONS["pow"](input, 2)


def _square_(self):
    return self.pow_(2)


Tensor.square_ = _square_


_Frexp = structseq("frexp", ("mantissa", "exponent"))
FrexpBackward0 = node("FrexpBackward0", self=lambda grad, exponent: grad / exponent.exp2())


@export(method=True)
def frexp(input, *, out=None):
    """Mirrors `torch.frexp`: (mantissa, int32 exponent) with input = mantissa * 2 ** exponent."""
    if not input._dtype.is_floating_point:
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    a = input._host()
    calc = a.astype(np.float32) if input._dtype in (D.float16, D.bfloat16) else a
    m, e = (np.asarray(x) for x in np.frexp(calc))  # 0-d input: arrays, not NumPy scalars
    m = m.astype(a.dtype)
    e = e.astype(np.int32)
    if out is not None:
        write_out("frexp", out[0], m, input._dtype, (input,))
        write_out("frexp", out[1], e, D.int32, (input,))
        return _Frexp((out[0], out[1]))
    mt = wrap(m, input._dtype, input._device)
    et = wrap(e, D.int32, input._device)
    if recording(input):
        record(FrexpBackward0, (input,), mt, {"exponent": et})
    return _Frexp((mt, et))


# ---- complex helpers -------------------------------------------------------------------------------

@pointwise(DEFAULT, name="_conj_physical", method=False, inplace=False)
def _conj_physical(xp, self):
    return xp.conj(self)


_conj_physical.derivative(node="ConjPhysicalBackward0", self=lambda grad: _conj(grad))
_private("_conj_physical")


@export(method=True)
def conj_physical(input, *, out=None):
    """Mirrors `torch.conj_physical`: real tensors come back as themselves."""
    if out is None and not input._dtype.is_complex:
        return input
    return _conj_physical.fn(input, out=out)


def _conj_physical_(self):
    if self._dtype.is_complex:
        from ._registry import _inplace
        _inplace(_conj_physical, self, (), {})
    return self


Tensor.conj_physical_ = _conj_physical_


@export(method=True)
def conj(input):
    """Mirrors `torch.conj`: the input itself for non-complex tensors; complex inputs get a conjugated copy
    (numtorch has no lazy conjugate bit, so `is_conj()` stays False)."""
    if not input._dtype.is_complex:
        return input
    return _conj_physical.fn(input)


@export(method=True)
def resolve_conj(input):
    return input


@export(method=True)
def resolve_neg(input):
    return input


@export(method=True)
def is_conj(input):
    return False


@export(method=True)
def is_neg(input):
    return False


@pointwise(INT_TO_FLOAT_TO_REAL, inplace=False)
def angle(xp, self):
    if self.dtype.kind == "c":
        return xp.angle(self)
    # real inputs: pi for negatives, 0 otherwise, nan stays nan
    pi = xp.asarray(math.pi, self.dtype)
    return xp.where(self < 0, pi, xp.where(xp.isnan(self), self, 0)).astype(self.dtype)


def _angle_grad(grad, self):
    # real inputs: angle is piecewise constant. Complex inputs need real/imag views of the gradient, which
    # numtorch's complex autograd lacks: a known gap (zero), listed in the ops report.
    return grad * 0


angle.derivative(self=_angle_grad)


def _check_complex_parts(name, a, b):
    if a._dtype is not b._dtype:
        raise RuntimeError(f"Expected object of scalar type {P.torch_name(a._dtype)} but got scalar type "
                           f"{P.torch_name(b._dtype)} for second argument")
    if a._dtype not in (D.float16, D.float32, D.float64):
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                           f"{P.torch_name(a._dtype)} and {P.torch_name(b._dtype)}")


_TO_COMPLEX = {D.float16: D.complex32, D.float32: D.complex64, D.float64: D.complex128}


def _make_complex(real, imag, out, name):
    _check_complex_parts(name, real, imag)
    cd = _TO_COMPLEX[real._dtype]
    from ._meta import broadcast_shapes
    shape = broadcast_shapes(real._data.shape, imag._data.shape)
    if real._device is META:
        from .._backends import meta_empty
        return wrap(meta_empty(shape, cd.np), cd, META)
    r = np.empty(shape, np.complex64 if cd is D.complex32 else cd.np)
    r.real, r.imag = real._host(), imag._host()
    if out is not None:
        return write_out(name, out, r, cd, (real, imag))
    return wrap(r, cd, real._device)


ComplexBackward0 = node("ComplexBackward0", real=lambda grad: grad.real, imag=lambda grad: grad.imag)
# z = abs * e^(i angle); a real input x gets Re(grad * conj(dz/dx))
PolarBackward0 = node("PolarBackward0",
                      abs=lambda grad, angle: grad.real * angle.cos() + grad.imag * angle.sin(),
                      angle=lambda grad, abs, angle: abs * (grad.imag * angle.cos() - grad.real * angle.sin()))


@export
def complex(real, imag, *, out=None):
    """Mirrors `torch.complex(real, imag)`."""
    r = _make_complex(real, imag, out, "complex")
    if out is None and recording(real, imag):
        record(ComplexBackward0, (real, imag), r, {})
    return r


@export
def polar(abs, angle, *, out=None):
    """Mirrors `torch.polar(abs, angle)`."""
    _check_complex_parts("polar", abs, angle)
    if abs._dtype is D.float16:
        raise NotImplementedError("\"polar_cpu\" not implemented for 'Half'")
    with _quiet():
        re = wrap(np.asarray(abs._host() * np.cos(angle._host())), abs._dtype, abs._device)
        im = wrap(np.asarray(abs._host() * np.sin(angle._host())), abs._dtype, abs._device)
    r = _make_complex(re, im, out, "polar")
    if out is None and recording(abs, angle):
        record(PolarBackward0, (abs, angle), r, {"abs": abs, "angle": angle})
    return r


# ---- where and masked_fill ---------------------------------------------------------------------------

def _where_number_dtype(d):
    # NOTE(torch parity): where range-checks a number against the result dtype, except that a half type takes
    # any float (overflowing to inf)
    return D.float64 if d is D.float16 or d is D.bfloat16 else d


@pointwise(DEFAULT, name="_where", method=False, inplace=False, out=True, masks=("condition",),
           checked=_where_number_dtype)
def _where_op(xp, self, condition, other):
    return xp.where(condition.astype(bool) if condition.dtype.kind != "b" else condition, self, other)


_where_op.derivative(node="WhereBackward0",
                     self=lambda grad, condition: grad.where(condition, 0),
                     other=lambda grad, condition: _zeros_where(grad, condition))
_private("_where")


def _zeros_where(grad, condition):
    return FUNCTIONS["zeros_like"](grad).where(condition, grad) if "zeros_like" in FUNCTIONS \
        else (grad * 0).where(condition, grad)


def _where_condition(condition):
    if not isinstance(condition, Tensor):
        raise TypeError(f"where(): argument 'condition' (position 1) must be Tensor, not "
                        f"{type(condition).__name__}")
    if condition._dtype is not D.bool_:
        if condition._dtype is D.uint8:
            import warnings
            warnings.warn("where received a uint8 condition tensor. This behavior is deprecated and will be "
                          "removed in a future version of PyTorch. Use a boolean condition instead.",
                          UserWarning, stacklevel=3)
            return condition
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{P.torch_name(condition._dtype)}")
    return condition


def _scalar_operand(v, like):
    if isinstance(v, Tensor):
        return v
    from .creation import scalar_tensor_like
    return scalar_tensor_like(v, like)


@export
def where(condition, input=None, other=None, *, out=None):
    """Mirrors the 3-argument `torch.where(condition, input, other)`."""
    if input is None and other is None:
        from .index_ops import nonzero  # 1-arg form is nonzero(as_tuple=True), owned by the indexing family
        return nonzero(condition, as_tuple=True)
    condition = _where_condition(condition)
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        from .creation import tensor
        input = tensor(input, device=condition._device)  # torch types two numbers as a new tensor would
    elif not isinstance(input, Tensor):
        from .creation import scalar_tensor_like
        input = scalar_tensor_like(input, other)
    return _where_op.fn(input, condition, other, out=out)


def _where_method(self, condition, other):
    return _where_op.fn(self, _where_condition(condition), other)


Tensor.where = _where_method

MaskedFillBackward0 = node("MaskedFillBackward0", self=lambda grad, mask: grad.masked_fill(mask, 0))
MaskedFillBackward1 = node("MaskedFillBackward1", self=lambda grad, mask: grad.masked_fill(mask, 0),
                           mask=None, value=lambda grad, mask: grad.where(mask, 0).sum())


def _masked_fill_args(input, mask, value):
    if not isinstance(mask, Tensor) or mask._dtype is not D.bool_:
        name = mask._dtype.np.name if isinstance(mask, Tensor) else type(mask).__name__
        name = {"uint8": "unsigned char", "int8": "signed char", "int16": "short", "int32": "int",
                "int64": "long int", "float32": "float", "float64": "double"}.get(name, name)
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype {name}")
    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value._data.ndim} dimension(s).")
        v = value._host()[()]
    else:
        v = value
    dt = input._dtype
    v = P.number_as(v, dt)
    if dt is D.bool_:
        v = bool(v)
    elif dt._category == 1:
        v = int(v)
    return v


@export(method=True)
def masked_fill(input, mask, value):
    """Mirrors `torch.masked_fill` (value: a number or a 0-dim tensor; the result keeps input's dtype)."""
    v = _masked_fill_args(input, mask, value)
    from ._meta import broadcast_shapes
    shape = broadcast_shapes(input._data.shape, mask._data.shape)
    if input._device is META:
        from .._backends import meta_empty
        r = meta_empty(shape, input._dtype.np)
    else:
        r = np.array(np.broadcast_to(input._data, shape))
        r[np.broadcast_to(mask._data, shape)] = v
    t = wrap(r, input._dtype, input._device)
    vt = isinstance(value, Tensor)
    if recording(input, value if vt else None):
        if vt:
            record(MaskedFillBackward1, (input, mask, value), t, {"mask": mask})
        else:
            record(MaskedFillBackward0, (input,), t, {"mask": mask})
    return t


def _masked_fill_(self, mask, value):
    v = _masked_fill_args(self, mask, value)
    from ._meta import broadcast_shapes
    shape = broadcast_shapes(self._data.shape, mask._data.shape)
    if shape != self._data.shape:
        raise RuntimeError(f"output with shape {list(self._data.shape)} doesn't match the broadcast shape "
                           f"{list(shape)}")
    check_inplace_leaf(self)
    vt = isinstance(value, Tensor)
    rec = recording(self, value if vt else None)
    if self._device is not META:
        arr = np.array(self._data)
        arr[np.broadcast_to(mask._data, shape)] = v
        write_into(self, arr)
    else:
        self._bump()
    if rec:
        from ..autograd.inplace import rebase_history
        if vt:
            rebase_history(self, lambda: record(MaskedFillBackward1, (self, mask, value), self,
                                                {"mask": mask}))
        else:
            rebase_history(self, lambda: record(MaskedFillBackward0, (self,), self, {"mask": mask}))
    return self


Tensor.masked_fill_ = _masked_fill_


# ---- softmax and log_softmax -------------------------------------------------------------------------

SoftmaxBackward0 = node("SoftmaxBackward0", self=lambda grad, result, dim:
                        (grad - (grad * result).sum(dim, keepdim=True)) * result)
LogSoftmaxBackward0 = node("LogSoftmaxBackward0", self=lambda grad, result, dim:
                           grad - result.exp() * grad.sum(dim, keepdim=True))


def _softmax_impl(name, kernel_name, input, dim, dtype, log):
    if dim is None:
        raise TypeError(f"{name}() missing required argument 'dim'")
    if dtype is not None:
        input = input.to(dtype)
    dt = input._dtype
    a = input._data
    nd = a.ndim
    d = wrap_dim(dim, nd) if nd else 0
    if dt._category != 2:
        if d != nd - 1 and nd > 1:
            kernel_name = kernel_name.replace("_lastdim", "")
        raise NotImplementedError(f'"{kernel_name}" not implemented for \'{P.torch_name(dt)}\'')
    if input._device is META:
        from .._backends import meta_empty
        return wrap(meta_empty(a.shape, dt.np), dt, META), d, input
    if dt.itemsize < 4:  # float16 / bfloat16 compute in float32
        a = a.astype(np.float32)
    ax = d if nd else None
    # One fresh C-contiguous buffer `z` carries x - max(x) and then the result, as torch's contiguous output.
    # NOTE(torch parity): no guard for an infinite max: torch has none either, so a slice holding +inf (or
    # all -inf) comes out all NaN; exp's overflow and 0/0 stay silent (Note [floating-point warnings]).
    z = np.empty(a.shape, a.dtype)
    np.subtract(a, _max_reduce(a, ax, None, None, True) if a.size else a, z)
    if log:
        np.subtract(z, np.log(_add_reduce(np.exp(z), ax, None, None, True)), z)
    else:
        np.exp(z, z)
        np.divide(z, _add_reduce(z, ax, None, None, True), z)
    return wrap(z if z.dtype is dt.np else z.astype(dt.np), dt, input._device), d, input


_max_reduce = np.maximum.reduce
_add_reduce = np.add.reduce


def _softmax_export(name, log):
    kernel_name = ("log_softmax_lastdim_kernel_impl" if log else "softmax_lastdim_kernel_impl")
    Node = LogSoftmaxBackward0 if log else SoftmaxBackward0

    def fn(input, dim=None, dtype=None, *, _stacklevel=3, out=None):
        r, d, src = _softmax_impl(name, kernel_name, input, dim, dtype, log)
        if out is not None:
            return write_out(name, out, r._data, r._dtype, (input,))
        if recording(src):
            record(Node, (src,), r, {"result": r, "dim": d})
        return r
    fn.__name__ = name
    return export(fn, name=name, method=True)


softmax = _softmax_export("softmax", False)
log_softmax = _softmax_export("log_softmax", True)

__all__ = sorted(n for n in OPS if not n.startswith("_"))
