"""`torch.device`: parsing, repr, equality. Devices are interned so the hot path compares with `is`."""
from __future__ import annotations

_KNOWN = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
          "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")
_SUPPORTED = ("cpu", "cuda", "meta")
_interned: dict = {}


class device:
    """Mirrors `torch.device`: `device('cuda:1')`, `device('cuda', 1)`, `device(0)`."""

    __slots__ = ("type", "index")

    def __new__(cls, type=None, index=None):
        if isinstance(type, device):
            if index is not None:
                raise TypeError("device(): argument 'type' must be str, not torch.device")
            return type
        if isinstance(type, int) and not isinstance(type, bool):
            type, index = "cuda", type
            from . import cuda
            if not cuda.is_available():
                raise RuntimeError("Cannot access accelerator device when none is available.")
        if not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments - got ({_tname(type)})")
        key = (type, index)
        d = _interned.get(key)
        if d is not None:
            return d
        kind, idx = _parse(type)
        if index is not None:
            if idx is not None:
                raise RuntimeError(f"type (string) must not include an index because index was passed "
                                   f"explicitly: {type}")
            if not isinstance(index, int):
                raise TypeError(f"device(): argument 'index' (position 2) must be int, not "
                                f"{_tname(index)}")
            if index < 0:
                raise RuntimeError("Device index must not be negative")
            idx = index
        d = _interned.get((kind, idx))
        if d is None:
            d = object.__new__(cls)
            object.__setattr__(d, "type", kind)
            object.__setattr__(d, "index", idx)
            _interned[(kind, idx)] = d
        _interned[key] = d
        return d

    def __setattr__(self, name, value):
        raise AttributeError(f"attribute '{name}' of 'torch.device' objects is not writable")

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if not isinstance(other, device):  # torch: a device never equals a string
            return NotImplemented
        return self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))

    def __enter__(self):  # torch.device is a context manager setting the default device
        from . import _factory_defaults
        self._prev = None
        _factory_defaults.push_device(self)
        return self

    def __exit__(self, *exc):
        from . import _factory_defaults
        _factory_defaults.pop_device()
        return False


def _tname(x):
    return type(x).__name__


def _parse(s):
    if not s:
        raise RuntimeError("Device string must not be empty")
    kind, sep, rest = s.partition(":")
    if kind not in _KNOWN:
        raise RuntimeError(f"Expected one of {', '.join(_KNOWN)} device type at start of device string: {s}")
    if not sep:
        return kind, None
    if not rest.isdigit() or (len(rest) > 1 and rest[0] == "0"):
        raise RuntimeError(f"Invalid device string: '{s}'")
    return kind, int(rest)


CPU = device("cpu")
META = device("meta")


def canonical(d):
    """The device a tensor lives on: `cuda` gets an index (the current device), cpu none."""
    if d is None:
        return CPU
    if type(d) is not device:
        d = device(d)
    if d.type == "cpu":
        return CPU
    if d.type == "cuda":
        if d.index is None:
            from . import cuda
            cuda._require()
            return device("cuda", cuda.current_device())
        return d
    if d.type == "meta":
        return META
    raise RuntimeError(f"numtorch supports the devices cpu, cuda and meta, not '{d.type}'")
