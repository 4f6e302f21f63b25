"""Pointwise ops: arithmetic, comparisons, bitwise/logical, and the unary math family.

Each op is one kernel over backend arrays plus its derivative formulas in numtorch ops
(see `_registry.pointwise`). Kernels never choose dtypes: operands arrive in the computation dtype.
"""
from __future__ import annotations

from .. import _dtype as D
from ._registry import (ALWAYS_BOOL, COMPLEX_TO_FLOAT, DEFAULT, FUNCTIONS, INT_TO_FLOAT, NO_OPMATH, export,
                        pointwise)

_FLOATS = frozenset((D.float16, D.bfloat16, D.float32, D.float64))
_COMPLEX = frozenset((D.complex32, D.complex64, D.complex128))
_NOT_INT = _FLOATS | _COMPLEX | {D.bool_}
_BOOL = frozenset((D.bool_,))


def _int_zero_check(xp, other):
    """Integer division by zero raises in torch (NumPy would warn and return 0)."""
    if getattr(other, "dtype", None) is not None and other.dtype.kind in "iub":
        if (other == 0).any():
            raise ZeroDivisionError
    elif isinstance(other, int) and other == 0:
        raise ZeroDivisionError


# ---- arithmetic ----------------------------------------------------------------------------------

@pointwise(DEFAULT, dunder="add")
def add(xp, self, other, *, alpha=1):
    if alpha != 1:
        other = xp.multiply(other, alpha) if not isinstance(other, (int, float, complex)) else other * alpha
    return xp.add(self, other)


add.derivative(self=lambda grad: grad, other=lambda grad, alpha: grad if alpha == 1 else grad * alpha)


def _sub_guard(self, other):
    if getattr(self, "dtype", None) == bool and (getattr(other, "dtype", None) == bool or type(other) is bool):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` "
                           "or `logical_xor()` operator instead.")


def _rsub_reflected(a, b):
    return rsub(a, b)


@pointwise(DEFAULT, dunder="sub", reflected=_rsub_reflected, aliases=("subtract",))
def sub(xp, self, other, *, alpha=1):
    _sub_guard(self, other)
    if alpha != 1:
        other = xp.multiply(other, alpha) if not isinstance(other, (int, float, complex)) else other * alpha
    return xp.subtract(self, other)


sub.derivative(self=lambda grad: grad, other=lambda grad, alpha: -grad if alpha == 1 else grad * -alpha)


@pointwise(DEFAULT, inplace=False, out=False)
def rsub(xp, self, other, *, alpha=1):
    _sub_guard(self, other)
    if alpha != 1:
        self = xp.multiply(self, alpha)
    return xp.subtract(other, self)


rsub.derivative(node="RsubBackward0", scalar_node="RsubBackward1",
                self=lambda grad, alpha: -grad if alpha == 1 else grad * -alpha, other=lambda grad: grad)


@pointwise(DEFAULT, dunder="mul", aliases=("multiply",))
def mul(xp, self, other):
    return xp.multiply(self, other)


mul.derivative(self=lambda grad, other: grad * _conj(other), other=lambda grad, self: grad * _conj(self))


def _conj(x):
    return x.conj() if getattr(x, "_dtype", None) is not None and x._dtype.is_complex else x


def _rtruediv(a, b):
    return a.reciprocal() * b


@pointwise(INT_TO_FLOAT, dunder="truediv", reflected=_rtruediv, name="true_divide")
def true_divide(xp, self, other):
    return xp.true_divide(self, other)


true_divide.derivative(node="DivBackward0", self=lambda grad, other: grad / _conj(other),
                       other=lambda grad, self, other: -grad * _conj(self) / _conj(other * other))


@pointwise(DEFAULT, method=False, inplace=False, out=False, name="_div_rounding")
def _div_rounding(xp, self, other, *, rounding_mode):
    _int_zero_check(xp, other)
    if rounding_mode == "trunc":
        if self.dtype.kind in "iu":
            q = xp.floor_divide(self, other)
            r = xp.remainder(self, other)
            return q + ((r != 0) & ((q < 0) | ((q == 0) & ((self < 0) != (xp.asarray(other) < 0)))))
        return xp.trunc(xp.true_divide(self, other))
    if rounding_mode == "floor":
        return xp.floor_divide(self, other)
    raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                       f"'{rounding_mode}'")


_div_rounding.derivative(node="DivBackward1", scalar_node="DivBackward2",
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


@pointwise(DEFAULT, dunder="floordiv")
def floor_divide(xp, self, other):
    _int_zero_check(xp, other)
    return xp.floor_divide(self, other)


@pointwise(DEFAULT, dunder="mod")
def remainder(xp, self, other):
    _int_zero_check(xp, other)
    return xp.remainder(self, other)


remainder.derivative(self=lambda grad: grad,
                     other=lambda grad, self, other: -grad * (self / other).floor())


@pointwise(DEFAULT)
def fmod(xp, self, other):
    _int_zero_check(xp, other)
    return xp.fmod(self, other)


fmod.derivative(self=lambda grad: grad, other=lambda grad, self, other: -grad * (self / other).trunc())


def _rpow(a, b):
    from .creation import scalar_tensor_like
    return pow(scalar_tensor_like(b, a), a)


@pointwise(DEFAULT, dunder="pow", reflected=_rpow)
def pow(xp, self, exponent):
    if self.dtype.kind in "iu" and (getattr(exponent, "dtype", None) is not None and exponent.dtype.kind in "iu"
                                    or type(exponent) is int):
        if (xp.asarray(exponent) < 0).any():
            raise ValueError("Integers to negative integer powers are not allowed.")
    return xp.power(self, exponent)


def _pow_self(grad, self, exponent):
    if isinstance(exponent, (int, float)) and exponent == 0:
        return grad * 0
    return grad * exponent * self.pow(exponent - 1)


def _pow_exponent(grad, self, result):
    mask = (self == 0) & (result == 0) if False else None
    del mask
    return grad * result * self.log().masked_fill(self == 0, 0) if _has_zero_safe() else grad * result * self.log()


def _has_zero_safe():
    return "masked_fill" in FUNCTIONS


pow.derivative(node="PowBackward1", scalar_node="PowBackward0", self=_pow_self, exponent=_pow_exponent)


@pointwise(DEFAULT, method=False, inplace=False)
def float_power(xp, self, exponent):
    return xp.power(self, exponent)


# ---- sign and magnitude --------------------------------------------------------------------------

@pointwise(NO_OPMATH, dunder="neg", aliases=("negative",))
def neg(xp, self):
    if self.dtype == bool:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")
    return xp.negative(self)


neg.derivative(self=lambda grad: -grad)


@pointwise(COMPLEX_TO_FLOAT, dunder="abs", aliases=("absolute",))
def abs(xp, self):
    return xp.absolute(self)


abs.derivative(self=lambda grad, self: grad * self.sgn())


@pointwise(DEFAULT, reject=_COMPLEX)
def sign(xp, self):
    return xp.sign(self)


sign.derivative(self=lambda grad: grad * 0)


@pointwise(DEFAULT)
def sgn(xp, self):
    if self.dtype.kind == "c":
        a = xp.absolute(self)
        return xp.where(a == 0, 0, self / xp.where(a == 0, 1, a)).astype(self.dtype)
    return xp.sign(self)


sgn.derivative(self=lambda grad: grad * 0)


# ---- comparisons ---------------------------------------------------------------------------------

def _cmp(name, ufunc_name, dunder, aliases=()):
    def kernel(xp, self, other):
        return getattr(xp, ufunc_name)(self, other)
    kernel.__name__ = name
    return pointwise(ALWAYS_BOOL, dunder=dunder, aliases=aliases, reflected=False)(kernel)


eq = _cmp("eq", "equal", "eq")
ne = _cmp("ne", "not_equal", "ne", aliases=("not_equal",))
lt = _cmp("lt", "less", "lt", aliases=("less",))
le = _cmp("le", "less_equal", "le", aliases=("less_equal",))
gt = _cmp("gt", "greater", "gt", aliases=("greater",))
ge = _cmp("ge", "greater_equal", "ge", aliases=("greater_equal",))


# ---- bitwise and logical -------------------------------------------------------------------------

def _bitwise(name, ufunc_name, dunder):
    def kernel(xp, self, other):
        return getattr(xp, ufunc_name)(self, other)
    kernel.__name__ = name
    return pointwise(DEFAULT, dunder=dunder, reject=_FLOATS | _COMPLEX, kernel_name=f"{name}_cpu")(kernel)


bitwise_and = _bitwise("bitwise_and", "bitwise_and", "and")
bitwise_or = _bitwise("bitwise_or", "bitwise_or", "or")
bitwise_xor = _bitwise("bitwise_xor", "bitwise_xor", "xor")


@pointwise(DEFAULT, dunder="invert", reject=_FLOATS | _COMPLEX, kernel_name="bitwise_not_cpu")
def bitwise_not(xp, self):
    return xp.invert(self)


@pointwise(DEFAULT, dunder="lshift", reject=_COMPLEX | _BOOL, kernel_name="lshift_cpu")
def bitwise_left_shift(xp, self, other):
    return xp.left_shift(self, other)


@pointwise(DEFAULT, dunder="rshift", reject=_COMPLEX | _BOOL, kernel_name="rshift_cpu")
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


tanh.derivative(self=lambda grad, result: grad * (1 - result * result))


@pointwise(INT_TO_FLOAT)
def rsqrt(xp, self):
    with _errstate(xp):
        return 1 / xp.sqrt(self)


rsqrt.derivative(self=lambda grad, result: grad * -0.5 * result * result * result)


@pointwise(INT_TO_FLOAT)
def reciprocal(xp, self):
    with _errstate(xp):
        return xp.reciprocal(self)


reciprocal.derivative(self=lambda grad, result: grad * -(result * result))


@pointwise(INT_TO_FLOAT)
def sigmoid(xp, self):
    # 1 / (1 + exp(-x)) overflows harmlessly to 0 for very negative x
    with _errstate(xp):
        return 1 / (1 + xp.exp(-self))


sigmoid.derivative(self=lambda grad, result: grad * result * (1 - result))


@pointwise(DEFAULT, reject=_BOOL | _COMPLEX, kernel_name="clamp_min_scalar_cpu")
def relu(xp, self):
    return xp.maximum(self, 0).astype(self.dtype, copy=False)


relu.derivative(self=lambda grad, result: grad * (result > 0))


def _errstate(xp):
    import numpy as np
    return np.errstate(divide="ignore", over="ignore", invalid="ignore")


# ---- rounding (integers pass through) -------------------------------------------------------------

@pointwise(DEFAULT, reject=_COMPLEX)
def floor(xp, self):
    return xp.floor(self) if self.dtype.kind in "fc" else self.copy()


floor.derivative(self=lambda grad: grad * 0)


@pointwise(DEFAULT, reject=_COMPLEX)
def ceil(xp, self):
    return xp.ceil(self) if self.dtype.kind in "fc" else self.copy()


ceil.derivative(self=lambda grad: grad * 0)


@pointwise(DEFAULT, reject=_COMPLEX, aliases=("fix",))
def trunc(xp, self):
    return xp.trunc(self) if self.dtype.kind in "fc" else self.copy()


trunc.derivative(self=lambda grad: grad * 0)
