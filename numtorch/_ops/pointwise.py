"""Pointwise ops: arithmetic, comparisons, bitwise/logical, and the unary math family.

Each op is one kernel over backend arrays plus its derivative formulas in numtorch ops
(see `_registry.pointwise`). Kernels never choose dtypes: operands arrive in the computation dtype.
"""
from __future__ import annotations

import cmath
import math

import numpy as np

from .. import _dtype as D
from .._fma import fma, fused_dtype
from .._tensor import Tensor
from . import _promotion as P
from ._registry import (
    ALWAYS_BOOL,
    COMPLEX_TO_FLOAT,
    DEFAULT,
    FUNCTIONS,
    INT_TO_FLOAT,
    NO_OPMATH,
    export,
    number_array,
    pointwise,
)

_FLOATS = frozenset((D.float16, D.bfloat16, D.float32, D.float64))
_COMPLEX = frozenset((D.complex32, D.complex64, D.complex128))
_NOT_INT = _FLOATS | _COMPLEX | {D.bool_}
_BOOL = frozenset((D.bool_,))
_WIDE_UINT = frozenset((D.uint16, D.uint32, D.uint64))  # torch 2.x CPU has few kernels for these


def _alpha_check(array, alpha):
    """torch's rules for `alpha` against the computation dtype of add/sub."""
    if alpha == 1 and type(alpha) is int:
        return
    kind = array.dtype.kind
    if type(alpha) is bool and kind != "b":
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if isinstance(alpha, float) and kind in "iub":
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    if isinstance(alpha, complex) and kind != "c":
        raise RuntimeError("For non-complex input tensors, argument alpha must not be a complex number.")


def _add_scaled(xp, self, other, alpha, half=None):
    """self + alpha * other as torch's add kernel computes it: on floats one fused multiply-add (its vectorised
    fmadd(other, alpha, self)), alpha in the computation dtype.  Half types (`half`: their NumPy dtype) arrive
    computed in float32, alpha and a number operand already rounded to the half type by the registry: the
    vectorised loop's product is then exact, but its scalar loop, which takes the last n % 32 elements (those
    after the whole 32-lane vectors, in memory order), rounds alpha * other to the half type before adding."""
    dt = fused_dtype(xp, self, other)
    if dt is None:
        return xp.add(self, xp.multiply(other, alpha))
    a = np.asarray(alpha, dt)
    r = fma(other, a, self, dt)
    tail = r.size % _HALF_LANES if half is not None else 0
    if tail:
        shape = r.shape
        r = r.reshape(-1)
        s_, o_ = (np.broadcast_to(np.asarray(v, dt), shape).reshape(-1)[-tail:] for v in (self, other))
        r[-tail:] = s_ + (o_ * a).astype(half).astype(dt)
        r = r.reshape(shape)
    return r


_HALF_LANES = 32  # Vectorized<Half/BFloat16>::size() on torch's AVX-512 build


def _int_zero_check(xp, other):
    """Integer division by zero raises in torch (NumPy would warn and return 0)."""
    if getattr(other, "dtype", None) is not None and other.dtype.kind in "iub":
        if (other == 0).any():
            raise RuntimeError("ZeroDivisionError")
    elif isinstance(other, int) and other == 0:
        raise RuntimeError("ZeroDivisionError")


# ---- arithmetic ----------------------------------------------------------------------------------

@pointwise(DEFAULT, dunder="add", reject=_WIDE_UINT, kernel_name="add_stub", half_numbers=True, number_self="always")
def add(xp, self, other, *, alpha=1, _half=None):
    _alpha_check(self, alpha)
    if alpha != 1:
        return _add_scaled(xp, self, other, alpha, _half)
    return xp.add(self, other)


add.derivative(self=lambda grad: grad, other=lambda grad, alpha: grad if alpha == 1 else grad * alpha)


_BOOL_DT = D.bool_


def _is_bool(x):
    return getattr(x, "_dtype", None) is D.bool_ or isinstance(x, (bool, np.bool_))


def _sub_check(self, other, *_):
    """torch rejects bool operands of subtraction (tensors or scalars) before promoting."""
    if type(self) is Tensor and self._dtype is not _BOOL_DT and (
            type(other) is Tensor and other._dtype is not _BOOL_DT or type(other) in (int, float)):
        return  # the common case, decided in a few attribute reads (this runs on every `a - b`)
    if _is_bool(self) and _is_bool(other):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` "
                           "or `logical_xor()` operator instead.")
    if _is_bool(self) or _is_bool(other):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying "
                           "to invert a mask, use the `~` or `logical_not()` operator instead.")


def _rsub_reflected(a, b):
    return rsub(a, b)


@pointwise(DEFAULT, dunder="sub", reflected=_rsub_reflected, aliases=("subtract",), reject=_WIDE_UINT,
           kernel_name="add_stub", check=_sub_check, half_numbers=True, number_self="always")
def sub(xp, self, other, *, alpha=1, _half=None):
    _alpha_check(self, alpha)
    if alpha != 1:
        return _add_scaled(xp, self, other, -alpha, _half)
    return xp.subtract(self, other)


sub.derivative(self=lambda grad: grad, other=lambda grad, alpha: -grad if alpha == 1 else grad * -alpha)


@pointwise(DEFAULT, inplace=False, out=False, reject=_WIDE_UINT, kernel_name="add_stub", check=_sub_check,
           half_numbers=True)
def rsub(xp, self, other, *, alpha=1, _half=None):
    _alpha_check(self, alpha)
    if alpha != 1:
        return _add_scaled(xp, other, self, -alpha, _half)
    return xp.subtract(other, self)


rsub.derivative(node="RsubBackward0", scalar_node="RsubBackward1",
                self=lambda grad, alpha: -grad if alpha == 1 else grad * -alpha, other=lambda grad: grad)


@pointwise(DEFAULT, dunder="mul", aliases=("multiply",), number_self="always")
def mul(xp, self, other):
    return xp.multiply(self, other)


mul.derivative(self=lambda grad, other: grad * _conj(other), other=lambda grad, self: grad * _conj(self))


def _conj(x):
    return x.conj() if getattr(x, "_dtype", None) is not None and x._dtype.is_complex else x


def _rtruediv(a, b):
    return a.reciprocal() * b


@pointwise(INT_TO_FLOAT, dunder="truediv", reflected=_rtruediv, name="true_divide",
           reject=(D.complex32,), kernel_name="div_cpu", number_self="always")
def true_divide(xp, self, other):
    return xp.true_divide(self, other)


true_divide.derivative(node="DivBackward0", self=lambda grad, other: grad / _conj(other),
                       other=lambda grad, self, other: -grad * _conj(self) / _conj(other * other))


@pointwise(NO_OPMATH, method=False, inplace=False, name="_div_rounding", number_self="always")
def _div_rounding(xp, self, other, *, rounding_mode):
    _int_zero_check(xp, other)
    if rounding_mode == "trunc":
        if _half_by_scalar(self, other):
            a, b = self.astype(_F32), xp.asarray(other, _F32)
            return xp.trunc(xp.true_divide(a, b)).astype(self.dtype)
        if self.dtype.kind in "iu":
            q = xp.floor_divide(self, other)
            r = xp.remainder(self, other)
            return q + ((r != 0) & ((q < 0) | ((q == 0) & ((self < 0) != (xp.asarray(other) < 0)))))
        return xp.trunc(xp.true_divide(self, other))
    if rounding_mode == "floor":
        return _floor_divide(xp, self, other)
    raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                       f"'{rounding_mode}'")


_div_rounding.derivative(node="DivBackward2",  # (torch's binding wraps a number other: div.Tensor_mode)
                         self=lambda grad: grad * 0, other=lambda grad: grad * 0)


def _div_dispatch(inplace):
    def div(input, other, *, rounding_mode=None, out=None):
        if rounding_mode is None:
            if inplace:
                return input.true_divide_(other)
            return FUNCTIONS["true_divide"](input, other, out=out)
        if inplace:
            return _div_rounding_inplace(input, other, rounding_mode=rounding_mode)
        return _div_rounding.fn(input, other, rounding_mode=rounding_mode, out=out)
    div.__name__ = "div_" if inplace else "div"
    return div


def _div_rounding_inplace(input, other, *, rounding_mode):
    from ._registry import _inplace
    return _inplace(_div_rounding, input, (other,), {"rounding_mode": rounding_mode})


div = export(_div_dispatch(False), name="div", method=True, aliases=("divide",))
export(_div_dispatch(True), name="div_", method=True, function=False, method_aliases=("divide_",))


@pointwise(NO_OPMATH, dunder="floordiv", reject=_COMPLEX | _WIDE_UINT | _BOOL, kernel_name="div_floor_cpu",
           number_self="always")
def floor_divide(xp, self, other):
    _int_zero_check(xp, other)
    return _floor_divide(xp, self, other)


def _no_derivative(grad):
    raise RuntimeError("derivative for aten::floor_divide is not implemented")


# torch records a node that raises when the backward reaches it
floor_divide.derivative(node="torch::autograd::NotImplemented", self=_no_derivative, other=_no_derivative)


_F32 = np.dtype(np.float32)


def _half_by_scalar(a, b):
    """Whether float16/bfloat16 array `a` is divided by a scalar (a number or a 0-dim tensor): torch's rounding
    divisions then compute in float32 with the scalar's value and round once (by a tensor, step by step in
    the half type)."""
    return a.dtype.itemsize == 2 and a.dtype.kind in "fV" and getattr(b, "ndim", 0) == 0


def _floor_divide(xp, a, b):
    """floor(a / b) as torch's div_floor: NumPy's floor_divide for integers and float32/float64 (the same
    algorithm). float16/bfloat16 reach here unpromoted: by a scalar, torch divides in float32 and rounds
    once; by a tensor, it runs that algorithm op by op in the half type, each step rounded (NumPy's own
    half floor_divide rounds once)."""
    if a.dtype.itemsize != 2 or a.dtype.kind not in "fV":
        return xp.floor_divide(a, b)
    if _half_by_scalar(a, b):
        return xp.floor_divide(a.astype(_F32), xp.asarray(b, _F32)).astype(a.dtype)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        mod = xp.fmod(a, b)
        div = (a - mod) / b
        div = xp.where((mod != 0) & ((b < 0) != (mod < 0)), div - 1, div)
        floor = xp.floor(div)
        floor = xp.where(div - floor > 0.5, floor + 1, floor)
        q = a / b
        return xp.where(b == 0, q, xp.where(div != 0, floor, xp.copysign(0, q)))


@pointwise(DEFAULT, dunder="mod", reject=_COMPLEX | _WIDE_UINT | _BOOL, half_numbers=True, number_self=True)
def remainder(xp, self, other):
    _int_zero_check(xp, other)
    r = xp.remainder(self, other)
    if r.dtype.kind in "fc":
        zero = r == 0
        if zero.any():  # NumPy signs a zero as the divisor, torch keeps fmod's (the dividend's) sign
            r = xp.where(zero, xp.copysign(r, self), r)
    return r


remainder.derivative(node="RemainderBackward1", scalar_node="RemainderBackward0", self=lambda grad: grad,
                     other=lambda grad, self, other: -grad * (self / other).floor())


@pointwise(DEFAULT, reject=_COMPLEX | _WIDE_UINT | _BOOL, half_numbers=True)
def fmod(xp, self, other):
    _int_zero_check(xp, other)
    return xp.fmod(self, other)


fmod.derivative(node="FmodBackward1", scalar_node="FmodBackward0", self=lambda grad: grad,
                other=lambda grad, self, other: -grad * (self / other).trunc())


def _pow_check(self, exponent):
    if (getattr(self, "_dtype", None) is D.bool_ or type(self) is bool) and getattr(exponent, "_dtype", None) \
            is D.bool_:
        raise NotImplementedError("\"pow\" not implemented for 'Bool'")


@pointwise(DEFAULT, dunder="pow", reject=_WIDE_UINT, kernel_name="pow", check=_pow_check, half_numbers=True,
           number_self=True)
def pow(xp, self, exponent):
    if self.dtype.kind in "iub" and type(exponent) not in (float, bool, complex):
        if type(exponent) is int:
            if exponent < 0:
                raise RuntimeError("Integers to negative integer powers are not allowed.")
        elif exponent.dtype.kind in "iu" and (exponent < 0).any():
            # integer tensor exponents: x ** -n truncates to 0 except for x = 1 and x = -1
            neg = exponent < 0
            r = xp.power(self, xp.where(neg, 0, exponent))
            ones = xp.where(exponent % 2 == 0, 1, self)
            return xp.where(neg, xp.where((self == 1) | (self == -1), ones, 0), r).astype(r.dtype)
    elif self.dtype.kind == "f" and type(exponent) in (int, float) and exponent in _POW_STEPS:
        # torch's pow_tensor_scalar specialisations, rounded step by step (not pow's single rounding; older
        # NumPy's power is not even x * x for 2).
        # NOTE(torch parity): its -0.5 (rsqrt) applies to float32/float64 but not to the half types, which
        # reach this kernel as float32 too, so x ** -0.5 stays pow; bfloat16 also rounds x * x to bfloat16.
        with np.errstate(all="ignore"):
            return _POW_STEPS[exponent](self)
    return xp.power(self, exponent)


_POW_STEPS = {2: lambda x: x * x, 3: lambda x: x * x * x, -1: lambda x: 1 / x, -2: lambda x: 1 / (x * x)}


def _pow_self(grad, self, exponent):
    if isinstance(exponent, (int, float)) and exponent == 0:
        return grad * 0
    return grad * exponent * self.pow(exponent - 1)


def _pow_exponent(grad, self, exponent, result):
    # d(x**e)/de = x**e * log(x), taken as its limit 0 where x == 0 and e >= 0 (torch's masking)
    if not isinstance(self, Tensor):  # pow(number, tensor): PowBackward2, with the number's log
        r = result * _number_log(self)
        return grad * (r.masked_fill(exponent >= 0, 0) if self == 0 else r)
    return grad * (result * self.log()).masked_fill((self == 0) & (exponent >= 0), 0)


def _number_log(v):
    """log of a Python number as torch's Scalar log: -inf at 0, NaN for a negative real."""
    if isinstance(v, complex):
        return cmath.log(v) if v else complex(-math.inf, 0.0)
    v = float(v)
    return math.log(v) if v > 0 else -math.inf if v == 0 else math.nan


pow.derivative(node="PowBackward1", scalar_node="PowBackward0", number_self_node="PowBackward2", self=_pow_self,
               exponent=_pow_exponent)


def _float_power_dtype(*vals):
    cplx = any(isinstance(v, complex) or getattr(getattr(v, "_dtype", None), "is_complex", False) for v in vals)
    return D.complex128 if cplx else D.float64


def _float_power_operands(self, exponent):
    dt = _float_power_dtype(self, exponent)
    cast = [v.to(dt) if hasattr(v, "_dtype") else v for v in (self, exponent)]
    return dt, cast


@export(method=True)
def float_power(input, exponent, *, out=None):
    """Mirrors `torch.float_power`: pow computed in float64 (complex128 for complex operands)."""
    if not hasattr(input, "_dtype"):
        from .creation import tensor
        input = tensor(input, dtype=_float_power_dtype(input, exponent))
    _, (b, e) = _float_power_operands(input, exponent)
    return pow(b, e, out=out) if out is not None else pow(b, e)


def _float_power_(self, exponent):
    dt, (_, e) = _float_power_operands(self, exponent)
    if self._dtype is not dt:
        raise RuntimeError(f"the base given to float_power_ has dtype {P.torch_name(self._dtype)} but the "
                           f"operation's result requires dtype {P.torch_name(dt)}")
    return self.pow_(e)


export(_float_power_, name="float_power_", method=True, function=False)


# ---- sign and magnitude --------------------------------------------------------------------------

@pointwise(NO_OPMATH, dunder="neg", aliases=("negative",), reject=_WIDE_UINT)
def neg(xp, self):
    if self.dtype == bool:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")
    return xp.negative(self)


neg.derivative(self=lambda grad: -grad)


@pointwise(COMPLEX_TO_FLOAT, dunder="abs", aliases=("absolute",), reject=_WIDE_UINT | _BOOL, kernel_name="abs_cpu")
def abs(xp, self):
    return xp.absolute(self)


abs.derivative(self=lambda grad, self: grad * self.sgn())


@pointwise(DEFAULT, reject=_WIDE_UINT)
def sign(xp, self):
    if self.dtype.kind == "c":
        raise NotImplementedError("Unlike NumPy, torch.sign is not intended to support complex numbers. Please use "
                                  "torch.sgn instead.")
    return xp.sign(self) if self.dtype != bool else self.copy()


sign.derivative(self=lambda grad: grad * 0)


@pointwise(DEFAULT, reject=_WIDE_UINT, kernel_name="sign_cpu")
def sgn(xp, self):
    if self.dtype.kind == "c":
        a = xp.absolute(self)
        return xp.where(a == 0, 0, self / xp.where(a == 0, 1, a)).astype(self.dtype)
    return xp.sign(self) if self.dtype != bool else self.copy()


sgn.derivative(self=lambda grad: grad * 0)


# ---- comparisons ---------------------------------------------------------------------------------

def _cmp(name, ufunc_name, dunder, aliases=(), reject=()):
    def kernel(xp, self, other):
        return getattr(xp, ufunc_name)(self, other)
    kernel.__name__ = name
    return pointwise(ALWAYS_BOOL, dunder=dunder, aliases=aliases, reflected=False, reject=reject)(kernel)


eq = _cmp("eq", "equal", "eq")
ne = _cmp("ne", "not_equal", "ne", aliases=("not_equal",))
lt = _cmp("lt", "less", "lt", aliases=("less",), reject=_COMPLEX | _WIDE_UINT)
le = _cmp("le", "less_equal", "le", aliases=("less_equal",), reject=_COMPLEX | _WIDE_UINT)
gt = _cmp("gt", "greater", "gt", aliases=("greater",), reject=_COMPLEX | _WIDE_UINT)
ge = _cmp("ge", "greater_equal", "ge", aliases=("greater_equal",), reject=_COMPLEX | _WIDE_UINT)


# ---- bitwise and logical -------------------------------------------------------------------------

def _bitwise(name, ufunc_name, dunder):
    def kernel(xp, self, other):
        return getattr(xp, ufunc_name)(self, other)
    kernel.__name__ = name
    return pointwise(DEFAULT, dunder=dunder, reject=_FLOATS | _COMPLEX | _WIDE_UINT,
                     kernel_name=f"{name}_cpu", number_self=True)(kernel)


bitwise_and = _bitwise("bitwise_and", "bitwise_and", "and")
bitwise_or = _bitwise("bitwise_or", "bitwise_or", "or")
bitwise_xor = _bitwise("bitwise_xor", "bitwise_xor", "xor")


@pointwise(DEFAULT, dunder="invert", reject=_FLOATS | _COMPLEX | _WIDE_UINT, kernel_name="bitwise_not_cpu")
def bitwise_not(xp, self):
    return xp.invert(self)


@pointwise(DEFAULT, dunder="lshift", reject=_FLOATS | _COMPLEX | _BOOL | _WIDE_UINT, kernel_name="lshift_cpu",
           number_self=True)
def bitwise_left_shift(xp, self, other):
    return xp.left_shift(self, other)


@pointwise(DEFAULT, dunder="rshift", reject=_FLOATS | _COMPLEX | _BOOL | _WIDE_UINT, kernel_name="rshift_cpu",
           number_self=True)
def bitwise_right_shift(xp, self, other):
    return xp.right_shift(self, other)


def _logical(name):
    def kernel(xp, self, other):
        return getattr(xp, name)(self, other)
    kernel.__name__ = name
    return pointwise(ALWAYS_BOOL)(kernel)


logical_and = _logical("logical_and")
logical_or = _logical("logical_or")
logical_xor = _logical("logical_xor")


@pointwise(ALWAYS_BOOL)
def logical_not(xp, self):
    return xp.logical_not(self)


# ---- unary math (integers promote to the default float) ------------------------------------------

@pointwise(INT_TO_FLOAT)
def exp(xp, self):
    return xp.exp(self)


exp.derivative(self=lambda grad, result: grad * _conj(result))


@pointwise(INT_TO_FLOAT)
def log(xp, self):
    return xp.log(self)


log.derivative(self=lambda grad, self: grad / _conj(self))


@pointwise(INT_TO_FLOAT)
def sqrt(xp, self):
    return xp.sqrt(self)


sqrt.derivative(self=lambda grad, result: grad / (2 * _conj(result)))


@pointwise(INT_TO_FLOAT)
def sin(xp, self):
    return xp.sin(self)


sin.derivative(self=lambda grad, self: grad * _conj(self.cos()))


@pointwise(INT_TO_FLOAT)
def cos(xp, self):
    return xp.cos(self)


cos.derivative(self=lambda grad, self: grad * -_conj(self.sin()))


@pointwise(INT_TO_FLOAT, aliases=("arcsin",))
def asin(xp, self):
    return xp.arcsin(self)


asin.derivative(self=lambda grad, self: grad * (1 - self * self).rsqrt())


@pointwise(INT_TO_FLOAT)
def tanh(xp, self):
    return xp.tanh(self)


# Fused backward kernels (torch's aten tanh_backward / sigmoid_backward): one temporary instead of
# three keeps backward's peak memory at torch's, and as ops of their own they differentiate again.
@pointwise(DEFAULT, function=False, method=False, inplace=False, out=False)
def tanh_backward(xp, grad_output, output):
    t = xp.multiply(output, output)
    xp.subtract(1, t, out=t)
    t *= grad_output
    return t


tanh_backward.derivative(grad_output=lambda grad, output: grad * (1 - output * output),
                         output=lambda grad, grad_output, output: grad * grad_output * -2 * output)
tanh.derivative(self=lambda grad, result: tanh_backward(grad, result))


@pointwise(INT_TO_FLOAT)
def rsqrt(xp, self):
    return 1 / xp.sqrt(self)  # 1/0 = inf silently (Note [floating-point warnings])


rsqrt.derivative(self=lambda grad, result: grad * -0.5 * result * result * result)


@pointwise(INT_TO_FLOAT)
def reciprocal(xp, self):
    return xp.reciprocal(self)


reciprocal.derivative(self=lambda grad, result: grad * -(result * result))


@pointwise(INT_TO_FLOAT)
def sigmoid(xp, self):
    # 1 / (1 + exp(-x)) in one buffer, four ufunc calls; for very negative x exp overflows to inf and the
    # result is 0, silently (Note [floating-point warnings])
    if not self.ndim:
        return 1 / (1 + xp.exp(-self))
    t = xp.negative(self)
    xp.exp(t, t)
    xp.add(t, number_array(1, self.dtype) if xp is np else 1, t)
    return xp.reciprocal(t, t)


@pointwise(DEFAULT, function=False, method=False, inplace=False, out=False)
def sigmoid_backward(xp, grad_output, output):
    t = xp.subtract(1, output)
    t *= output
    t *= grad_output
    return t


sigmoid_backward.derivative(grad_output=lambda grad, output: grad * output * (1 - output),
                            output=lambda grad, grad_output, output: grad * grad_output * (1 - 2 * output))
sigmoid.derivative(self=lambda grad, result: sigmoid_backward(grad, result))


@pointwise(DEFAULT, reject=_COMPLEX, kernel_name="clamp_min_scalar_cpu")
def relu(xp, self):
    if self.dtype.kind == "b":
        raise RuntimeError("Boolean inputs not supported for relu")
    # max(0, x) keeps x's dtype (NEP 50) and NaN, as torch's relu does. NOTE(torch parity): torch gives
    # relu(-0.0) = -0.0; NumPy's maximum returns its second operand on ties (float32/float64; half types
    # compute in float32), so x goes second
    return xp.maximum(number_array(0, self.dtype) if xp is np else 0, self)


relu.derivative(self=lambda grad, result: grad * (result > 0))


# ---- rounding (integers pass through) -------------------------------------------------------------

@pointwise(DEFAULT, reject=_BOOL, kernel_name="floor_vml_cpu")
def floor(xp, self):
    if self.dtype.kind == "c":
        raise NotImplementedError("floor is not supported for complex inputs")
    return xp.floor(self) if self.dtype.kind == "f" else self.copy()


floor.derivative(self=lambda grad: grad * 0)


@pointwise(DEFAULT, reject=_BOOL, kernel_name="ceil_vml_cpu")
def ceil(xp, self):
    if self.dtype.kind == "c":
        raise NotImplementedError("ceil is not supported for complex inputs")
    return xp.ceil(self) if self.dtype.kind == "f" else self.copy()


ceil.derivative(self=lambda grad: grad * 0)


@pointwise(DEFAULT, reject=_BOOL, kernel_name="trunc_vml_cpu", aliases=("fix",))
def trunc(xp, self):
    if self.dtype.kind == "c":
        raise NotImplementedError("trunc is not supported for complex inputs")
    return xp.trunc(self) if self.dtype.kind == "f" else self.copy()


trunc.derivative(self=lambda grad: grad * 0)
