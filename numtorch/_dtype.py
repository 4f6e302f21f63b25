"""torch dtypes: objects, their NumPy counterparts, the default dtype.

Only NumPy dtypes (never arrays) are touched here; bfloat16 comes from ml_dtypes.
"""
from __future__ import annotations

import math

import numpy as np

try:  # bfloat16 on the CPU: ml_dtypes is a runtime dependency, but keep import failures readable
    from ml_dtypes import bfloat16 as _np_bfloat16
except ImportError:  # pragma: no cover
    _np_bfloat16 = None


class dtype:
    """Mirrors `torch.dtype`: a singleton per type; `repr` is `torch.<name>`."""

    __slots__ = ("name", "np", "itemsize", "is_floating_point", "is_complex", "is_signed",
                 "_category", "_rank")

    def __init__(self, name, np_dtype, category, rank, is_signed):
        self.name = name
        self.np = np.dtype(np_dtype) if np_dtype is not None else None
        self.itemsize = self.np.itemsize if self.np is not None else 4  # complex32: two float16s
        self.is_floating_point = category == 2
        self.is_complex = category == 3
        self.is_signed = is_signed
        # Note [promotion categories]: 0 bool, 1 integral, 2 floating, 3 complex.
        self._category = category
        self._rank = rank

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


bool_ = dtype("bool", np.bool_, 0, 0, False)
uint8 = dtype("uint8", np.uint8, 1, 1, False)
int8 = dtype("int8", np.int8, 1, 2, True)
int16 = dtype("int16", np.int16, 1, 3, True)
int32 = dtype("int32", np.int32, 1, 4, True)
int64 = dtype("int64", np.int64, 1, 5, True)
uint16 = dtype("uint16", np.uint16, 1, 6, False)
uint32 = dtype("uint32", np.uint32, 1, 7, False)
uint64 = dtype("uint64", np.uint64, 1, 8, False)
float16 = dtype("float16", np.float16, 2, 1, True)
bfloat16 = dtype("bfloat16", _np_bfloat16, 2, 2, True)
float32 = dtype("float32", np.float32, 2, 3, True)
float64 = dtype("float64", np.float64, 2, 4, True)
complex32 = dtype("complex32", None, 3, 1, True)
complex64 = dtype("complex64", np.complex64, 3, 2, True)
complex128 = dtype("complex128", np.complex128, 3, 3, True)

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
_FROM_NP = {d.np: d for d in ALL if d.np is not None}


def from_numpy_dtype(npdt, *, strict=True):
    """The torch dtype of a NumPy dtype; TypeError (torch's text) for one torch lacks."""
    d = _FROM_NP.get(npdt)
    if d is None:
        try:
            d = _FROM_NP.get(np.dtype(npdt))
        except TypeError:
            d = None
    if d is None and strict:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(npdt).type.__name__}. The only supported types are: "
            "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint64, "
            "uint32, uint16, uint8, and bool.")
    return d


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
    return ml_dtypes.finfo(_np_bfloat16)


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
