"""Legacy tensor types: `torch.FloatTensor` & co. (constructors and isinstance checks), `Tensor.type()`."""
from __future__ import annotations

from . import _dtype as D
from ._device import CPU

_TYPE_NAMES = {D.bool_: "Bool", D.uint8: "Byte", D.int8: "Char", D.int16: "Short", D.int32: "Int",
               D.int64: "Long", D.uint16: "UInt16", D.uint32: "UInt32", D.uint64: "UInt64",
               D.float16: "Half", D.bfloat16: "BFloat16", D.float32: "Float", D.float64: "Double",
               D.complex32: "ComplexHalf", D.complex64: "ComplexFloat", D.complex128: "ComplexDouble"}


def type_name(dt, device):
    prefix = "torch.cuda." if device.type == "cuda" else "torch."
    return f"{prefix}{_TYPE_NAMES[dt]}Tensor"


def tensor_type_name(t):
    return type_name(t._dtype, t._device)


class tensortype(type):
    """Metaclass of the legacy types: `isinstance(t, torch.FloatTensor)` checks dtype and device."""

    def __instancecheck__(cls, obj):
        from ._tensor import Tensor
        return isinstance(obj, Tensor) and obj._dtype is cls.dtype and (obj._device.type == "cuda") == cls.is_cuda

    def __call__(cls, *args, **kwargs):
        from ._ops.creation import legacy_new
        from ._tensor import Tensor
        device = "cuda" if cls.is_cuda else None
        return legacy_new(Tensor, cls.dtype, args, dict(kwargs), device=device)

    def __repr__(cls):
        return f"<class '{cls.__module__.replace('numtorch', 'torch')}.{cls.__name__}'>"


def _make(dt, cuda):
    name = f"{_TYPE_NAMES[dt]}Tensor"
    return tensortype(name, (), {"dtype": dt, "is_cuda": cuda, "__module__": "torch.cuda" if cuda else "torch"})


CPU_TYPES = {f"{_TYPE_NAMES[d]}Tensor": _make(d, False) for d in _TYPE_NAMES if d is not D.complex32}
CUDA_TYPES = {f"{_TYPE_NAMES[d]}Tensor": _make(d, True) for d in _TYPE_NAMES if d is not D.complex32}


def parse_type(spec):
    """(dtype, device or None) from `Tensor.type(...)`'s argument: a dtype, a type name, or a legacy type."""
    if isinstance(spec, D.dtype):
        return spec, None
    if isinstance(spec, tensortype):
        return spec.dtype, ("cuda" if spec.is_cuda else CPU)
    if isinstance(spec, str):
        for table, dev in ((CPU_TYPES, CPU), (CUDA_TYPES, "cuda")):
            for name, cls in table.items():
                if spec == ("torch.cuda." if dev == "cuda" else "torch.") + name:
                    return cls.dtype, dev
    raise ValueError(f"invalid type: '{spec}'")
