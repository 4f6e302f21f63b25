"""torch dtypes: objects, their NumPy counterparts, the default dtype.

Only NumPy dtypes (never arrays) are touched here; bfloat16 comes from ml_dtypes, imported on first use
(`bfloat16.np`): ml_dtypes 0.7 takes over half a second to import, ten times all of numtorch.
"""
from __future__ import annotations

import math

import numpy as np

_LAZY = object()  # bfloat16's NumPy dtype: loaded when first asked for


class dtype:
    """Mirrors `torch.dtype`: a singleton per type; `repr` is `torch.<name>`."""

    __slots__ = ("name", "np", "itemsize", "is_floating_point", "is_complex", "is_signed",
                 "_category", "_rank")

    def __init__(self, name, np_dtype, category, rank, is_signed, itemsize):
        self.name = name
        if np_dtype is not _LAZY:
            self.np = np.dtype(np_dtype) if np_dtype is not None else None
        self.itemsize = itemsize
        self.is_floating_point = category == 2
        self.is_complex = category == 3
        self.is_signed = is_signed
        # Note [promotion categories]: 0 bool, 1 integral, 2 floating, 3 complex.
        self._category = category
        self._rank = rank

    def __getattr__(self, attr):
        # reached only while a slot is unset: bfloat16's `np` before its first use
        if attr == "np" and self.name == "bfloat16":
            try:  # ml_dtypes is a runtime dependency, but keep its absence readable
                from ml_dtypes import bfloat16 as np_bfloat16
            except ImportError:  # pragma: no cover
                self.np = None
            else:
                self.np = np.dtype(np_bfloat16)
                _FROM_NP[self.np] = self
            return self.np
        raise AttributeError(f"'torch.dtype' object has no attribute '{attr}'")

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))

    def to_real(self):
        return _TO_REAL.get(self, self)

    def to_complex(self):
        return _TO_COMPLEX.get(self, self)


def _by_name(name):
    return _NAMES[name]


bool_ = dtype("bool", np.bool_, 0, 0, False, 1)
uint8 = dtype("uint8", np.uint8, 1, 1, False, 1)
int8 = dtype("int8", np.int8, 1, 2, True, 1)
int16 = dtype("int16", np.int16, 1, 3, True, 2)
int32 = dtype("int32", np.int32, 1, 4, True, 4)
int64 = dtype("int64", np.int64, 1, 5, True, 8)
uint16 = dtype("uint16", np.uint16, 1, 6, False, 2)
uint32 = dtype("uint32", np.uint32, 1, 7, False, 4)
uint64 = dtype("uint64", np.uint64, 1, 8, False, 8)
float16 = dtype("float16", np.float16, 2, 1, True, 2)
bfloat16 = dtype("bfloat16", _LAZY, 2, 2, True, 2)
float32 = dtype("float32", np.float32, 2, 3, True, 4)
float64 = dtype("float64", np.float64, 2, 4, True, 8)
complex32 = dtype("complex32", None, 3, 1, True, 4)  # two float16s; NumPy has no such dtype
complex64 = dtype("complex64", np.complex64, 3, 2, True, 8)
complex128 = dtype("complex128", np.complex128, 3, 3, True, 16)

ALL = (bool_, uint8, int8, int16, int32, int64, uint16, uint32, uint64,
       float16, bfloat16, float32, float64, complex32, complex64, complex128)
_NAMES = {d.name: d for d in ALL}

_TO_REAL = {complex32: float16, complex64: float32, complex128: float64}
_TO_COMPLEX = {float16: complex32, float32: complex64, float64: complex128}

# torch's aliases, exported from numtorch/__init__.py
ALIASES = {
    "bool": bool_, "uint8": uint8, "int8": int8, "int16": int16, "int32": int32, "int64": int64,
    "uint16": uint16, "uint32": uint32, "uint64": uint64,
    "float16": float16, "bfloat16": bfloat16, "float32": float32, "float64": float64,
    "complex32": complex32, "complex64": complex64, "complex128": complex128,
    "half": float16, "float": float32, "double": float64, "short": int16, "int": int32,
    "long": int64, "chalf": complex32, "cfloat": complex64, "cdouble": complex128,
}

# NumPy dtype -> torch dtype (for from_numpy, tensor(ndarray), kernel outputs)
_FROM_NP = {d.np: d for d in ALL if d is not bfloat16 and d.np is not None}  # bfloat16 joins when loaded


def from_numpy_dtype(npdt, *, strict=True):
    """The torch dtype of a NumPy dtype; TypeError (torch's text) for one torch lacks."""
    d = _FROM_NP.get(npdt)
    if d is None:
        try:
            npdt = np.dtype(npdt)
        except TypeError:
            return _unsupported(npdt, strict)
        d = _FROM_NP.get(npdt)
        if d is None and npdt.kind == "V" and npdt == bfloat16.np:  # ml_dtypes' bfloat16, before numtorch's first
            d = bfloat16
    return d if d is not None else _unsupported(npdt, strict)


def _unsupported(npdt, strict):
    if strict:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(npdt).type.__name__}. The only supported types are: "
            "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint64, "
            "uint32, uint16, uint8, and bool.")
    return None


# Note [default dtype]: module-level, like torch's global default.
_default = [float32]


def get_default_dtype():
    """Mirrors `torch.get_default_dtype`."""
    return _default[0]


def set_default_dtype(d):
    """Mirrors `torch.set_default_dtype` (only float32/float64/float16/bfloat16 are allowed)."""
    if not isinstance(d, dtype):
        raise TypeError("invalid dtype object: only floating-point types are supported as the default type")
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _default[0] = d


def default_complex():
    """The complex partner of the default dtype as torch's printing sees it (cdouble or cfloat)."""
    return complex128 if _default[0] is float64 else complex64


def scalar_complex():
    """The dtype of a Python complex number: the complex type of the default dtype (float16: complex32)."""
    d = _default[0]
    return complex128 if d is float64 else complex32 if d is float16 else complex64


def is_floating_point(t):
    return t.dtype.is_floating_point


def is_complex(t):
    return t.dtype.is_complex


# ---- finfo / iinfo --------------------------------------------------------------------------------

class finfo:
    """Mirrors `torch.finfo`."""

    def __init__(self, type=None):
        d = get_default_dtype() if type is None else type
        if not isinstance(d, dtype) or not (d.is_floating_point or d.is_complex):
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            "'torch.finfo'")
        if d.is_complex:
            d = _TO_REAL[d]
        fi = np.finfo(d.np) if d is not bfloat16 else _bf16_finfo()
        self.dtype = d.name
        self.bits = d.itemsize * 8
        self.eps = float(fi.eps)
        self.max = float(fi.max)
        self.min = float(fi.min)
        self.tiny = float(fi.tiny)
        self.smallest_normal = self.tiny
        # torch: 10 ** -floor(-log10(eps)), so bfloat16 reads 0.01 (ml_dtypes says 0.0100097...)
        self.resolution = 10.0 ** -int(-math.log10(self.eps))

    def __repr__(self):
        return (f"finfo(resolution={self.resolution}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


def _bf16_finfo():
    import ml_dtypes
    return ml_dtypes.finfo(bfloat16.np)


class iinfo:
    """Mirrors `torch.iinfo`."""

    def __init__(self, type):
        if not isinstance(type, dtype) or type._category > 1:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'")
        ii = np.iinfo(type.np) if type is not bool_ else None
        self.dtype = type.name
        self.bits = type.itemsize * 8
        self.max = int(ii.max) if ii else 1
        self.min = int(ii.min) if ii else 0

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"
