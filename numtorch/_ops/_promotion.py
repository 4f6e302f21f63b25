"""torch's type promotion: `promote_types`, `result_type` over tensors and Python scalars, `can_cast`.

Note [type promotion]: torch ranks operands in three priority groups: tensors with dims, 0-dim tensors,
and Python numbers ("wrapped" scalars). Each group folds `promote_types` over its members; groups combine
by category (bool < integral < floating < complex), a lower-priority group only raising the category.
A Python float counts as the default dtype and a Python complex as the default complex dtype.
NumPy must never pick a result dtype: the op layer casts to what this module says.
"""
from __future__ import annotations

import numbers
import operator

from .. import _dtype as D

_UNSIGNED_WIDE = (D.uint16, D.uint32, D.uint64)
_SIGNED_INT = (D.int8, D.int16, D.int32, D.int64)
_INT_BY_SIZE = {1: D.int8, 2: D.int16, 4: D.int32, 8: D.int64}
_FLOAT_BY_SIZE = {2: D.float16, 4: D.float32, 8: D.float64}
_COMPLEX_OF = {D.float16: D.complex32, D.bfloat16: D.complex64, D.float32: D.complex64,
               D.float64: D.complex128}
_TORCH_NAME = {D.bool_: "Bool", D.uint8: "Byte", D.int8: "Char", D.int16: "Short", D.int32: "Int",
               D.int64: "Long", D.uint16: "UInt16", D.uint32: "UInt32", D.uint64: "UInt64",
               D.float16: "Half", D.bfloat16: "BFloat16", D.float32: "Float", D.float64: "Double",
               D.complex32: "ComplexHalf", D.complex64: "ComplexFloat", D.complex128: "ComplexDouble"}


def torch_name(d):
    """The C++ ScalarType name torch's messages use ("Float", "Long")."""
    return _TORCH_NAME[d]


def _promote(a, b):
    if a is b:
        return a
    if a in _UNSIGNED_WIDE or b in _UNSIGNED_WIDE:
        # torch promotes the wide unsigned types only with (real) floating types
        other = b if a in _UNSIGNED_WIDE else a
        if other._category == 2:
            return other
        raise RuntimeError("Promotion for uint16, uint32, uint64 types is not supported, attempted to "
                           f"promote {_TORCH_NAME[a]} and {_TORCH_NAME[b]}")
    ca, cb = a._category, b._category
    if ca != cb:
        hi, lo = (a, b) if ca > cb else (b, a)
        if hi.is_complex and lo.is_floating_point:
            # complex absorbs the float's precision: complex64 + float64 -> complex128
            return _COMPLEX_OF[_promote(hi.to_real(), lo)]
        return hi
    if ca == 1:  # two integral types
        if a is D.uint8 or b is D.uint8:
            other = b if a is D.uint8 else a
            return D.int16 if other is D.int8 else other
        return a if a.itemsize > b.itemsize else b
    if ca == 2:
        if a.itemsize == b.itemsize:  # float16 with bfloat16
            return D.float32
        return a if a.itemsize > b.itemsize else b
    if ca == 3:
        return a if a.itemsize > b.itemsize else b
    return a


_table: dict = {}


def promote_types(a, b):
    """Mirrors `torch.promote_types`."""
    key = (a, b)
    r = _table.get(key)
    if r is None:
        r = _table[key] = _promote(a, b)
    return r


def _combine(higher, lower):
    """Combine a higher-priority group's dtype with a lower one's (None: group empty)."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.is_complex:
        return higher
    if lower.is_complex:
        return _COMPLEX_OF[higher] if higher.is_floating_point else lower
    if higher.is_floating_point:
        return higher
    if higher is D.bool_ or lower.is_floating_point:
        return promote_types(higher, lower)
    return higher


def scalar_dtype(s):
    """The dtype a Python scalar takes when it is the only operand (`torch.tensor(s).dtype`)."""
    t = type(s)
    if t is bool:
        return D.bool_
    if t is int:
        return D.int64
    if t is float:
        return D._default[0]
    if t is complex:
        return D.scalar_complex()
    return _numpy_scalar_dtype(s)


def _numpy_scalar_dtype(s):
    if isinstance(s, bool):
        return D.bool_
    if isinstance(s, int):
        return D.int64
    if isinstance(s, float):
        return D._default[0]
    if isinstance(s, complex):
        return D.scalar_complex()
    npdt = getattr(s, "dtype", None)  # NumPy scalars behave as Python numbers of their kind
    if npdt is not None:
        kind = npdt.kind
        if kind == "b":
            return D.bool_
        if kind in "iu":
            return D.int64
        if kind == "f":
            return D._default[0]
        if kind == "c":
            return D.scalar_complex()
    raise TypeError(f"unsupported scalar type {type(s).__name__}")


def result_type(*operands):
    """dtype of an op over tensors and Python scalars, as `torch.result_type` (folded over all)."""
    dim = zero = wrapped = None
    for x in operands:
        dt = getattr(x, "_dtype", None)
        if dt is None:
            d = scalar_dtype(x)
            wrapped = d if wrapped is None else promote_types(wrapped, d)
        elif x._data.ndim:
            dim = dt if dim is None else promote_types(dim, dt)
        else:
            zero = dt if zero is None else promote_types(zero, dt)
    return _combine(dim, _combine(zero, wrapped))


# Hot-path cache for the binary case: (dtype_a, a_has_dims, dtype_b_or_scalar_type, b_kind) -> dtype
_binary_cache: dict = {}


def binary_result(a, b):
    """`result_type(a, b)` for a tensor `a` and a tensor or Python scalar `b`, cached by kind."""
    bd = getattr(b, "_dtype", None)
    if bd is not None:
        key = (a._dtype, a._data.ndim != 0, bd, b._data.ndim != 0)
    else:
        key = (a._dtype, a._data.ndim != 0, type(b), D._default[0])
    r = _binary_cache.get(key)
    if r is None:
        r = _binary_cache[key] = result_type(a, b)
    return r


_CAST_OK = {}


def can_cast(from_, to):
    """Mirrors `torch.can_cast`: no cast down a category (float -> int, complex -> float, non-bool -> bool)."""
    key = (from_, to)
    r = _CAST_OK.get(key)
    if r is None:
        r = _CAST_OK[key] = from_._category <= to._category
    return r


def int_to_float(d):
    """Result dtype of an op that turns integers into the default float (exp, sin, true division)."""
    return d if d._category >= 2 else D._default[0]


def computation_dtype(d):
    """float16/bfloat16 compute in float32 (torch's opmath); complex32 in complex64."""
    if d is D.float16 or d is D.bfloat16:
        return D.float32
    if d is D.complex32:
        return D.complex64
    return d


# ---- checked conversion of Python numbers ---------------------------------------------------------

# The C++ type names of torch's "value cannot be converted to type ... without overflow" (c10::checked_convert)
_C_TYPE = {D.bool_: "bool", D.uint8: "uint8_t", D.int8: "int8_t", D.int16: "int16_t", D.int32: "int",
           D.int64: "int64_t", D.uint16: "uint16_t", D.uint32: "uint32_t", D.uint64: "uint64_t",
           D.float16: "c10::Half", D.bfloat16: "c10::BFloat16", D.float32: "float", D.float64: "double",
           D.complex32: "c10::complex<c10::Half>", D.complex64: "c10::complex<float>",
           D.complex128: "c10::complex<double>"}
_INF = float("inf")
INT_RANGE = {d: ((0, (1 << 8 * d.itemsize) - 1) if d is D.uint8 or d in _UNSIGNED_WIDE else
                 (-(1 << 8 * d.itemsize - 1), (1 << 8 * d.itemsize - 1) - 1))
             for d in D.ALL if d._category == 1}  # (min, max) of each integer dtype
FLOAT_MAX = {D.float16: 65504.0, D.bfloat16: 3.3895313892515355e38, D.float32: 3.4028234663852886e38,
              D.float64: 1.7976931348623157e308}


# C++'s own names of the integer types, which torch's clamp_ with a number bound names in its cast error
_CXX_INT_NAME = {D.bool_: "bool", D.uint8: "unsigned char", D.int8: "signed char", D.int16: "short int",
                 D.int32: "int", D.int64: "long int", D.uint16: "short unsigned int", D.uint32: "unsigned int",
                 D.uint64: "long unsigned int"}


def cxx_double(v):
    """A double as torch's C++ messages print it (an ostream: six significant digits, "-0", "nan")."""
    return format(float(v), "g")


def cxx_int_name(d):
    """C++'s name of integer dtype `d` ("signed char"); torch's ScalarType name for other dtypes."""
    return _CXX_INT_NAME.get(d) or _TORCH_NAME[d]


def check_number(v, d):
    """Raise torch's RuntimeError if Python number `v` overflows dtype `d`.

    torch range-checks the Scalar arguments its kernels convert (clamp's bounds, fill values, alpha, where's
    number), while a number joining arithmetic (`x + 1000`, `x < 1000`) wraps instead. The rules
    (c10::overflows): an integer must fit, except that unsigned types also take negatives down to -max (two's
    complement); a float must lie within the type's range, where inf fits a floating type and NaN does not
    fit an integer type; a complex number needs a zero imaginary part unless `d` is complex."""
    if d is D.bool_ or type(v) is bool:
        return
    if not isinstance(v, numbers.Real):  # a complex number (Python's or NumPy's)
        if not d.is_complex and v.imag != 0:
            raise RuntimeError(f"value cannot be converted to type {_C_TYPE[d]} without overflow")
        v = v.real
    r = d.to_real() if d.is_complex else d
    if r._category == 1:
        lo, hi = INT_RANGE[r]
        try:
            v = operator.index(v)  # a Python or NumPy integer
            ok = (-hi if lo == 0 else lo) <= v <= hi  # unsigned types wrap negatives down to -max
        except TypeError:
            ok = lo <= v <= hi  # a float (NaN compares false)
    else:
        m = FLOAT_MAX[r]
        ok = -m <= v <= m or v != v or abs(v) == _INF
    if not ok:
        raise RuntimeError(f"value cannot be converted to type {_C_TYPE[d]} without overflow")


def number_as(v, d):
    """`v` checked as by `check_number`, then as torch stores it in `d`: a negative integer wraps into an
    unsigned type (-200 is 56 for uint8)."""
    check_number(v, d)
    if v < 0 and type(v) is int and d._category == 1 and INT_RANGE[d][0] == 0:
        v += INT_RANGE[d][1] + 1
    return v
