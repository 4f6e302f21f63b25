"""Factories: tensor, as_tensor, from_numpy, zeros/ones/empty/full, arange/linspace/logspace, eye, *_like,
new_*, and the legacy `torch.Tensor(...)` constructor."""
from __future__ import annotations

import math
import operator
import warnings

import numpy as np

from .. import _dtype as D
from .._backends import cast, meta_empty, move, xp_for
from .._device import CPU, META, canonical
from .._factory_defaults import _stack as _default_devices
from .._tensor import Tensor, wrap
from . import _promotion as P
from ._meta import parse_size, sizes_or_keyword
from ._registry import export


def _dev(device):
    if device is None:
        return _default_devices[-1]
    return device if device is CPU else canonical(device)


def _finish(t, requires_grad):
    if requires_grad:
        if t._dtype._category < 2:
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t.requires_grad_(True)
    return t


def _alloc(shape, dt, dev, fill=None):
    """A new contiguous array of `shape` on `dev`, filled with `fill` (None: uninitialised)."""
    if dev is META:
        return meta_empty(shape, dt.np)
    for n in shape:
        if n < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {list(shape)}")
    xp = np if dev is CPU else xp_for(dev)
    if fill is None:
        return xp.empty(shape, dt.np)
    if fill == 0 and type(fill) is not complex:
        return xp.zeros(shape, dt.np)
    P.check_number(fill, dt)
    return xp.full(shape, _np_scalar(fill, dt) if dev is CPU else fill, dt.np)


def _sizes(name, size):
    if len(size) == 1 and type(size[0]) is tuple:
        size = size[0]
    for n in size:
        if type(n) is not int or n < 0:
            break
    else:  # plain non-negative ints: nothing to check or convert
        return tuple(size)
    try:
        s = parse_size(size)
    except TypeError:
        bad = size[0] if len(size) == 1 else size
        raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, not "
                        f"{type(bad).__name__ if not isinstance(bad, (tuple, list)) else type(bad[0]).__name__}") \
            from None
    for n in s:
        if n < 0:
            if name == "zeros":  # zeros checks on its own, with its own text
                raise RuntimeError("zeros: Dimension size must be non-negative.")
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {list(s)}")
    return s


def check_pin_memory():
    """torch's error for pin_memory=True where nothing can pin host memory.  With an accelerator numtorch
    takes the flag and allocates ordinary memory: pinning only speeds up copies to the device."""
    from .. import cuda
    if not cuda.is_available():
        raise RuntimeError("pin_memory=True requires a CUDA or other accelerator backend; no pinned memory "
                           "allocator is available on this system.")


def factory_sizes(name, sizes, size, pin_memory):
    """A `*size` factory's sizes, or torch's `size=` keyword (not both), after torch's pin_memory check
    (callers skip the call when neither keyword is given)."""
    if pin_memory:
        check_pin_memory()
    return sizes if size is None else sizes_or_keyword(name, sizes, size)


def _filled(name, size, fill, dtype, device, requires_grad, out):
    if out is None and device is None and not requires_grad and _default_devices[-1] is CPU and \
            (fill is None or type(fill) is int and 0 <= fill <= 1):
        # hot path: `zeros(2, 3)` on the CPU, sizes as plain non-negative ints
        for n in size:
            if type(n) is not int or n < 0:
                break
        else:
            dt = dtype or D._default[0]
            a = np.empty(size, dt.np) if fill is None else np.zeros(size, dt.np) if fill == 0 else \
                np.ones(size, dt.np)
            return wrap(a, dt, CPU)
    shape = _sizes(name, size)
    dt = dtype or D._default[0]
    if out is not None:
        from ._registry import check_out, resize_out
        check_out(name, out, out._dtype, ())
        resize_out(out, shape)
        if fill is not None:
            out.fill_(fill)
        return out
    dev = _dev(device)
    return _finish(wrap(_alloc(shape, dt, dev, fill), dt, dev), requires_grad)


@export
def zeros(*sizes, size=None, out=None, dtype=None, layout=None, device=None, pin_memory=False,
          requires_grad=False, names=None):
    """Mirrors `torch.zeros`."""
    if size is not None or pin_memory:
        sizes = factory_sizes("zeros", sizes, size, pin_memory)
    return _filled("zeros", sizes, 0, dtype, device, requires_grad, out)


@export
def ones(*sizes, size=None, out=None, dtype=None, layout=None, device=None, pin_memory=False,
         requires_grad=False, names=None):
    """Mirrors `torch.ones`."""
    if size is not None or pin_memory:
        sizes = factory_sizes("ones", sizes, size, pin_memory)
    return _filled("ones", sizes, 1, dtype, device, requires_grad, out)


@export
def empty(*sizes, size=None, out=None, dtype=None, layout=None, device=None, pin_memory=False,
          requires_grad=False, memory_format=None, names=None):
    """Mirrors `torch.empty` (NumPy's uninitialised memory, like torch's)."""
    if size is not None or pin_memory:
        sizes = factory_sizes("empty", sizes, size, pin_memory)
    return _filled("empty", sizes, None, dtype, device, requires_grad, out)


@export
def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, pin_memory=False,
         requires_grad=False):
    """Mirrors `torch.full`: the dtype follows `fill_value` when none is given."""
    if pin_memory:
        check_pin_memory()
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if dtype is None:
        dtype = P.scalar_dtype(fill_value)
    return _filled("full", (size,), fill_value, dtype, device, requires_grad, out)


@export
def empty_strided(size, stride, *, dtype=None, layout=None, device=None, pin_memory=False,
                  requires_grad=False):
    """Mirrors `torch.empty_strided`: storage just large enough for the strided geometry."""
    if pin_memory:
        check_pin_memory()
    size, stride = parse_size((size,)), parse_size((stride,))
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    dt = dtype or D._default[0]
    dev = _dev(device)
    n = 1 + sum((s - 1) * st for s, st in zip(size, stride)) if all(size) else 0
    if dev is META:
        return _finish(wrap(meta_empty(size, dt.np, stride), dt, dev), requires_grad)
    xp = xp_for(dev)
    root = xp.empty(n, dt.np)
    isz = dt.itemsize
    arr = xp.lib.stride_tricks.as_strided(root, size, tuple(s * isz for s in stride))
    t = wrap(arr, dt, dev)
    t._st = root
    return _finish(t, requires_grad)


def _like(name, input, fill, dtype, device, requires_grad, memory_format):
    dt = dtype or input._dtype
    dev = input._device if device is None else _dev(device)
    shape = input._data.shape
    if memory_format is None or memory_format is _preserve():
        # torch keeps a dense non-contiguous layout (e.g. of a transpose); others get contiguous strides
        strides = input._strides()
        from .._tensor import _c_contiguous
        if not _c_contiguous(shape, strides) and _dense_permutation(shape, strides) is not None:
            perm = _dense_permutation(shape, strides)
            base = _alloc(tuple(shape[p] for p in perm), dt, dev, fill)
            inv = [0] * len(perm)
            for i, p in enumerate(perm):
                inv[p] = i
            return _finish(wrap(base.transpose(inv), dt, dev), requires_grad)
    return _finish(wrap(_alloc(shape, dt, dev, fill), dt, dev), requires_grad)


def _preserve():
    from .._memory_format import preserve_format
    return preserve_format


def _dense_permutation(shape, strides):
    """The dim order (outermost first) if the strides describe a dense permuted layout, else None."""
    perm = sorted(range(len(shape)), key=lambda i: (-strides[i], i))
    acc = 1
    for i in reversed(perm):
        if shape[i] != 1 and strides[i] != acc:
            return None
        acc *= shape[i]
    return perm


@export
def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """Mirrors `torch.zeros_like`."""
    return _like("zeros_like", input, 0, dtype, device, requires_grad, memory_format)


@export
def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """Mirrors `torch.ones_like`."""
    return _like("ones_like", input, 1, dtype, device, requires_grad, memory_format)


@export
def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    """Mirrors `torch.empty_like`."""
    return _like("empty_like", input, None, dtype, device, requires_grad, memory_format)


@export
def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    """Mirrors `torch.full_like`."""
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    return _like("full_like", input, fill_value, dtype, device, requires_grad, memory_format)


# ---- new_* methods: the dtype and device default to self's ----------------------------------------

def _new(fill, name):
    def method(self, *sizes, size=None, dtype=None, device=None, requires_grad=False, layout=None,
               pin_memory=False):
        if size is not None or pin_memory:
            sizes = factory_sizes(name, sizes, size, pin_memory)
        return _filled("new", sizes, fill, dtype or self._dtype, self._device if device is None else device,
                       requires_grad, None)
    return method


Tensor.new_zeros = _new(0, "new_zeros")
Tensor.new_ones = _new(1, "new_ones")
Tensor.new_empty = _new(None, "new_empty")


def _new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None,
              pin_memory=False):
    return full(size, fill_value, dtype=dtype or self._dtype, device=self._device if device is None else device,
                requires_grad=requires_grad, pin_memory=pin_memory)


def _new_empty_strided(self, size, stride, *, dtype=None, device=None, requires_grad=False, layout=None,
                       pin_memory=False):
    return empty_strided(size, stride, dtype=dtype or self._dtype,
                         device=self._device if device is None else device, requires_grad=requires_grad,
                         pin_memory=pin_memory)


Tensor.new_full = _new_full
Tensor.new_empty_strided = _new_empty_strided


# ---- from data -----------------------------------------------------------------------------------

def _infer(data):
    """torch's dtype for Python data: bool < int64 < default float < default complex, by what occurs."""
    if isinstance(data, np.generic):  # NumPy scalars keep their dtype (np.float64 is also a float)
        return D.from_numpy_dtype(data.dtype, strict=False)
    if isinstance(data, (bool, np.bool_)):
        return D.bool_
    if isinstance(data, (int, np.integer)):
        return D.int64 if isinstance(data, int) else D.from_numpy_dtype(data.dtype)
    if isinstance(data, (float, np.floating)):
        return D._default[0] if isinstance(data, float) else D.from_numpy_dtype(data.dtype, strict=False) or \
            D._default[0]
    if isinstance(data, (complex, np.complexfloating)):
        return D.scalar_complex() if isinstance(data, complex) else D.from_numpy_dtype(data.dtype)
    return None


def _scan(data, depth=0, shape=None):
    """(dtype folded with promote_types or None, shape) of nested sequences, with torch's errors for
    ragged or bad data. Python numbers count as int64/default float/complex, NumPy scalars as their dtype."""
    if shape is None:
        shape = []
    best = None
    leaf_depth = None
    stack = [(data, 0)]
    while stack:
        x, d = stack.pop()
        if isinstance(x, Tensor):
            if x._data.ndim:
                raise _Nested(x)
            best = x._dtype if best is None else P.promote_types(best, x._dtype)
            continue
        if isinstance(x, np.ndarray):
            raise _Nested(x)
        if isinstance(x, (list, tuple)):
            if leaf_depth is not None and d >= leaf_depth:
                raise TypeError(f"'{type(x).__name__}' object cannot be interpreted as an integer")
            n = len(x)
            if d == len(shape):
                shape.append(n)
            elif shape[d] != n:
                raise ValueError(f"expected sequence of length {shape[d]} at dim {d} (got {n})")
            for y in reversed(x):
                stack.append((y, d + 1))
            continue
        if d < len(shape):
            raise TypeError("not a sequence")
        if isinstance(x, str):
            raise ValueError("too many dimensions 'str'")
        leaf_depth = d
        k = _infer(x)
        if k is None:
            raise RuntimeError(f"Could not infer dtype of {type(x).__name__}")
        best = k if best is None else P.promote_types(best, k)
    return best, shape


from collections.abc import Sequence as _Sequence  # noqa: E402


class _Nested(Exception):
    pass


def _from_data(data, dtype, device, copy):
    """(array on `device`, dtype) for `data`: a tensor, ndarray, scalar, or nested sequences."""
    dev = _dev(device)
    if isinstance(data, Tensor):
        dt = dtype or data._dtype
        arr = move(data._data, data._device, dev)
        if dt is not data._dtype:
            arr = cast(arr, dt.np) if dev is not META else meta_empty(arr.shape, dt.np)
        elif copy and arr is data._data and dev is not META:
            arr = arr.copy()
        return arr, dt, dev
    if isinstance(data, np.ndarray):
        src = D.from_numpy_dtype(data.dtype)
        dt = dtype or src
        arr = cast(data, dt.np) if dt is not src else np.array(data, copy=True) if copy else data
        return move(arr, CPU, dev), dt, dev
    if hasattr(data, "__cuda_array_interface__") and not isinstance(data, (list, tuple)):
        cp = xp_for(canonical("cuda"))
        arr = cp.asarray(data)
        dt = dtype or D.from_numpy_dtype(arr.dtype)
        arr = arr.astype(dt.np, copy=bool(copy))
        return move(arr, canonical("cuda"), dev), dt, dev
    k = _infer(data)
    if k is not None:  # a single number
        dt = dtype or k
        arr = _np_scalar(data, dt)
        return move(arr, CPU, dev), dt, dev
    if not isinstance(data, (list, tuple)):
        if hasattr(data, "__array__") or hasattr(data, "__array_interface__"):
            return _from_data(np.asarray(data), dtype, device, copy)
        if isinstance(data, str):
            raise TypeError("new(): invalid data type 'str'")
        if not isinstance(data, _Sequence):
            raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")
        data = list(data)
    try:
        inferred, shape = _scan(data)
        dt = dtype or inferred or D._default[0]
        flat = _flatten(data)
        arr = _np_from_flat(flat, dt).reshape(shape)
    except _Nested:
        # sequences of tensors / arrays: convert the elements, then stack
        parts = [_from_data(x, None, CPU, False) for x in data]
        dts = [p[1] for p in parts]
        dt = dtype or _common(dts)
        arr = np.stack([np.asarray(p[0]).astype(dt.np) for p in parts]) if parts else np.zeros(0, dt.np)
    return move(arr, CPU, dev), dt, dev


def _common(dts):
    r = dts[0]
    for d in dts[1:]:
        r = P.promote_types(r, d)
    return r


def _flatten(data):
    out = []
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(reversed(x))
        elif isinstance(x, Tensor):
            out.append(x.item())
        else:
            out.append(x)
    return out


def _type_name(v):
    t = type(v)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__name__}"


def _np_scalar(x, dt):
    return _np_from_flat([x], dt).reshape(())


def _np_from_flat(flat, dt):
    if dt._category == 1 and dt is not D.bool_:
        # torch truncates floats toward zero; values out of range raise, except that unsigned types take
        # negative values down to -max (two's complement wrap, as C++ does)
        for v in flat:  # torch's Python-level conversions reject these
            if isinstance(v, complex) or isinstance(v, np.generic) and not isinstance(
                    v, (int, float, np.integer, np.bool_)):
                raise TypeError(f"'{_type_name(v)}' object cannot be interpreted as an integer")
        info = np.iinfo(dt.np)
        try:
            # np.bool_ converts through its __index__, as in torch: NumPy 2.0 allows it, later NumPys raise
            vals = [operator.index(v) if isinstance(v, np.bool_) else int(v) for v in flat]
        except (OverflowError, ValueError):  # inf, nan
            raise RuntimeError(f"value cannot be converted to type {dt.name} without overflow") from None
        lo = -int(info.max) if info.min == 0 else int(info.min)
        for v in vals:
            if not -(1 << 63) <= v < (1 << 64):
                raise ValueError("Overflow when unpacking long long")
            if not lo <= v <= info.max:
                raise RuntimeError(f"value cannot be converted to type {dt.name} without overflow")
        return np.array([v & ((1 << (8 * dt.itemsize)) - 1) for v in vals], dtype=np.uint64).astype(dt.np)
    if dt._category == 2:
        for v in flat:
            if isinstance(v, complex):
                raise TypeError("must be real number, not complex")
    elif dt is D.bool_:
        for v in flat:
            if isinstance(v, np.generic) and not isinstance(v, (int, float, complex, np.integer, np.bool_)):
                raise TypeError(f"'{_type_name(v)}' object cannot be interpreted as an integer")
        flat = [bool(v) for v in flat]
    if dt is D.bfloat16 or dt is D.float16:  # torch converts a Python float to a half type through float
        return np.array(flat, dtype=np.float32).astype(dt.np)
    return np.array(flat, dtype=dt.np)


@export
def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """Mirrors `torch.tensor`: always copies `data`."""
    if pin_memory:
        check_pin_memory()
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
                      "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
    arr, dt, dev = _from_data(data, dtype, device, True)
    if isinstance(data, np.ndarray) and data.ndim and any(s < 0 for s in data.strides):
        raise ValueError("At least one stride in the given numpy array is negative, and tensors with negative "
                         "strides are not currently supported. (You can probably work around this by making a "
                         "copy of your array  with array.copy().) ")
    t = wrap(arr, dt, dev)
    if requires_grad:
        if not (dt.is_floating_point or dt.is_complex):
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t._rg = True
    return t


@export
def as_tensor(data, dtype=None, device=None):
    """Mirrors `torch.as_tensor`: shares memory when dtype and device already match."""
    if isinstance(data, Tensor):
        if (dtype is None or dtype is data._dtype) and (device is None or canonical(device) is data._device):
            return data
        return data.to(device=device if device is not None else data._device, dtype=dtype or data._dtype)
    if isinstance(data, np.ndarray) and (device is None or canonical(device) is CPU):
        t = from_numpy(data)
        return t if dtype is None or dtype is t._dtype else t.to(dtype)
    arr, dt, dev = _from_data(data, dtype, device, False)
    return wrap(arr, dt, dev)


@export
def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """Mirrors `torch.asarray`."""
    if copy:
        t = tensor(obj.detach() if isinstance(obj, Tensor) else obj, dtype=dtype, device=device)
    else:
        t = as_tensor(obj, dtype=dtype, device=device)
        if copy is False and isinstance(obj, (Tensor, np.ndarray)) and t._data is not getattr(obj, "_data", obj):
            if not (isinstance(obj, np.ndarray) and t._data.base is obj or t._data is obj):
                raise ValueError("can't alias the input without a copy")
    if requires_grad:
        t.requires_grad_(True)
    return t


_warned_readonly = [False]


@export
def from_numpy(ndarray):
    """Mirrors `torch.from_numpy`: the tensor and the array share memory."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    dt = D.from_numpy_dtype(ndarray.dtype)
    if any(s < 0 for s in ndarray.strides):
        raise ValueError("At least one stride in the given numpy array is negative, and tensors with negative "
                         "strides are not currently supported. (You can probably work around this by making a "
                         "copy of your array  with array.copy().) ")
    if any(s % ndarray.itemsize for s in ndarray.strides):
        raise ValueError("given numpy array strides not a multiple of the element byte size. Copy the numpy "
                         "array to reallocate the memory.")
    if not ndarray.flags.writeable and not _warned_readonly[0]:
        _warned_readonly[0] = True
        warnings.warn("The given NumPy array is not writable, and PyTorch does not support non-writable tensors. "
                      "This means writing to this tensor will result in undefined behavior. You may want to copy "
                      "the array to protect its data or make it writable before converting it to a tensor. This "
                      "type of warning will be suppressed for the rest of this program.", UserWarning, stacklevel=2)
    if not ndarray.flags.writeable:
        # torch writes anyway; NumPy would refuse, so give the tensor a writable view of the same memory
        ndarray = np.lib.stride_tricks.as_strided(ndarray, writeable=True) if ndarray.base is not None else ndarray
    return wrap(ndarray, dt, CPU)


@export
def scalar_tensor(s, *, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False):
    """Mirrors `torch.scalar_tensor` (default dtype)."""
    if pin_memory:
        check_pin_memory()
    dt = dtype or D._default[0]
    return _finish(wrap(move(_np_scalar(s, dt), CPU, _dev(device)), dt, _dev(device)), requires_grad)


def scalar_tensor_like(s, like):
    """A 0-dim tensor holding Python number `s`, typed as torch types a wrapped number next to `like`."""
    dt = P.result_type(like, s)
    if dt is not like._dtype and not (dt._category > like._dtype._category):
        dt = like._dtype
    if P.scalar_dtype(s)._category <= like._dtype._category:
        dt = like._dtype
    t = wrap(_np_scalar(s, dt), dt, CPU)
    return t


# ---- ranges --------------------------------------------------------------------------------------

def _num(x):
    return x.item() if isinstance(x, Tensor) else x


@export
def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, pin_memory=False,
           requires_grad=False):
    """Mirrors `torch.arange`: int64 for integer bounds, the default dtype otherwise."""
    if pin_memory:
        check_pin_memory()
    start, end, step = _num(start), _num(end), _num(step)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0 if not (math.isnan(end - start)) else True:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    for v in (start, end, step):
        if isinstance(v, float) and not math.isfinite(v):
            raise RuntimeError(f"unsupported range: {start} -> {end}")
    if dtype is None:
        dtype = D.int64 if all(isinstance(v, (int, np.integer)) for v in (start, end, step)) else D._default[0]
    n = math.ceil((end - start) / step) if not all(isinstance(v, int) for v in (start, end, step)) \
        else max(0, -((start - end) // step))
    n = max(n, 0)
    dev = _dev(device)
    if dtype in (D.float16, D.bfloat16, D.float32):
        vals = _arange_float(start, step, n, dtype)
    elif dtype._category >= 2:
        # NOTE(torch parity): float64 (and complex) values are start + i * step unfused: torch's per-vector
        # fused form differs by an ulp for non-integral steps, and exact float64 fma is too slow here
        vals = (start + np.arange(n, dtype=np.float64) * step).astype(dtype.np)
    else:
        # integral dtypes: torch truncates start and step to integers first (the count uses the originals)
        vals = (np.arange(n, dtype=np.int64) * int(step) + int(start)).astype(dtype.np)
    if out is not None:
        from ._registry import write_out
        return write_out("arange", out, vals, dtype, ())
    return _finish(wrap(move(vals, CPU, dev), dtype, dev), requires_grad)


def _arange_float(start, step, n, dt):
    """torch's float16/bfloat16/float32 arange, computed in its accumulate type (float32 for the half types,
    double for float32) over at::parallel_for's chunks (one per thread, for more than 32768 elements).  In a chunk,
    each vector of `lanes` starts from base = start + step * i rounded to the dtype and fills base + k * step;
    the elements after the chunk's last whole pair of vectors (its loop's unroll) are start + j * step, one by
    one.  The half types' fills and tail are float32 fused multiply-adds, as torch's build contracts them (their
    bases are not); in double, fused and unfused agree once rounded to float32."""
    from .._fma import fma32
    from .._settings import get_num_threads
    half = dt is D.float16 or dt is D.bfloat16
    acc, lanes = (np.float32, 16) if half else (np.float64, 8)
    s, st = acc(start), acc(step)
    tasks = 1 if n <= _GRAIN else min(get_num_threads(), -(-n // _GRAIN))
    size = -(-n // tasks) if n else 0
    out = np.empty(n, dt.np)
    lane = np.arange(lanes, dtype=acc)
    for lo in range(0, n, size or 1):
        hi = min(lo + size, n)
        body = (hi - lo) - (hi - lo) % (2 * lanes)
        starts = np.arange(lo, lo + body, lanes, dtype=np.int64).astype(acc)
        base = (s + st * starts).astype(dt.np).astype(acc)
        vectors = out[lo:lo + body].reshape(-1, lanes)
        j = np.arange(lo + body, hi).astype(acc)
        if half:
            vectors[...] = fma32(lane, st, base[:, None])
            out[lo + body:hi] = fma32(st, j, s)
        else:  # in double, rounded to float32 as it is written
            np.add(lane * st, base[:, None], out=vectors, casting="unsafe")
            out[lo + body:hi] = st * j + s
    return out


_GRAIN = 32768  # at::internal::GRAIN_SIZE


@export(name="range")  # not `def range`: that would shadow the builtin in this module
def range_(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Mirrors the deprecated `torch.range` (end inclusive)."""
    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in "
                  "[start, end).", UserWarning, stacklevel=2)
    start, end, step = _num(start), _num(end), _num(step)
    n = int(math.floor((end - start) / step)) + 1
    dt = dtype or D._default[0]
    vals = (start + np.arange(n, dtype=np.float64) * step).astype(dt.np)
    return _finish(wrap(move(vals, CPU, _dev(device)), dt, _dev(device)), requires_grad)


@export
def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, pin_memory=False,
             requires_grad=False):
    """Mirrors `torch.linspace`: the first half counts up from start, the second down from end."""
    if pin_memory:
        check_pin_memory()
    start, end = _num(start), _num(end)
    if not isinstance(steps, int) or isinstance(steps, bool):
        steps = int(_num(steps))
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dt = dtype or (D.default_complex() if isinstance(start, complex) or isinstance(end, complex)
                   else D._default[0])
    if (dt is D.float32 or dt is D.float64) and steps > 1:
        vals = _linspace_float(start, end, steps, dt.np)
    else:
        vals = _linspace_values(start, end, steps, dt)
    if out is not None:
        from ._registry import write_out
        return write_out("linspace", out, vals, dt, ())
    return _finish(wrap(move(vals, CPU, _dev(device)), dt, _dev(device)), requires_grad)


def _linspace_float(start, end, steps, npdt):
    """torch's float32/float64 linspace kernel: start, end and step = (end - start) / (steps - 1) in the dtype;
    the first half fma(step, i, start), the second fma(-step, steps - 1 - i, end) (contracted by its build)."""
    from .._fma import fma
    f = npdt.type
    s, e = f(start), f(end)
    step = (e - s) / f(steps - 1)
    half = steps // 2
    out = np.empty(steps, npdt)
    out[:half] = fma(step, np.arange(half, dtype=npdt), s, npdt)
    out[half:] = fma(-step, np.arange(steps - 1 - half, -1, -1, dtype=npdt), e, npdt)
    return out


def _linspace_values(start, end, steps, dt):
    cd = P.computation_dtype(dt) if dt._category >= 2 else D.float64
    if steps == 0:
        return np.zeros(0, dt.np)
    if steps == 1:
        return np.array([start], dtype=dt.np) if dt._category != 1 else np.array([int(start)], dt.np)
    step = (end - start) / (steps - 1)
    idx = np.arange(steps, dtype=cd.np)
    half = steps // 2
    vals = np.where(idx < half, start + step * idx, end - step * (steps - 1 - idx))
    if dt._category == 1:
        return vals.astype(np.float64).astype(dt.np) if dt is not D.int64 else \
            np.trunc(vals.astype(np.float64)).astype(dt.np)
    return vals.astype(cd.np).astype(dt.np)


@export
def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             pin_memory=False, requires_grad=False):
    """Mirrors `torch.logspace`."""
    if pin_memory:
        check_pin_memory()
    dt = dtype or D._default[0]
    exps = _linspace_values(_num(start), _num(end), int(steps), D.float64 if dt._category == 2 else dt)
    vals = np.power(float(base), exps.astype(np.float64)).astype(dt.np)
    if out is not None:
        from ._registry import write_out
        return write_out("logspace", out, vals, dt, ())
    return _finish(wrap(move(vals, CPU, _dev(device)), dt, _dev(device)), requires_grad)


@export
def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False):
    """Mirrors `torch.eye`."""
    if pin_memory:
        check_pin_memory()
    if m is None:
        m = n
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    dt = dtype or D._default[0]
    dev = _dev(device)
    if out is not None:
        from ._registry import write_out
        return write_out("eye", out, np.eye(n, m, dtype=dt.np), dt, ())
    if dev is META:
        return _finish(wrap(meta_empty((n, m), dt.np), dt, dev), requires_grad)
    return _finish(wrap(xp_for(dev).eye(n, m, dtype=dt.np), dt, dev), requires_grad)


# ---- the legacy constructor ----------------------------------------------------------------------

def legacy_new(cls, dt, args, kwargs, device=None):
    """`torch.Tensor(...)`, `torch.FloatTensor(...)`: sizes make uninitialised tensors; data is copied."""
    device = kwargs.pop("device", device)
    if "size" in kwargs:
        args = tuple(kwargs.pop("size"))
    if kwargs:
        raise TypeError(f"new() received an invalid combination of arguments - got ({', '.join(kwargs)})")
    if len(args) == 0:
        t = wrap(_alloc((0,), dt, _dev(device)), dt, _dev(device))
    elif len(args) == 1 and isinstance(args[0], Tensor):
        src = args[0]
        if src._dtype is not dt:
            raise TypeError(f"expected {_legacy_name(dt)} (got {src._dtype})")
        t = src.detach()
    elif all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args) or (
            len(args) == 1 and type(args[0]).__name__ == "Size"):
        shape = parse_size(args)
        t = wrap(_alloc(shape, dt, _dev(device)), dt, _dev(device))
    elif len(args) == 1:
        arr, dt2, dev = _from_data(args[0], dt, device, True)
        t = wrap(arr, dt2, dev)
    else:
        raise TypeError(f"new(): data must be a sequence (got {type(args[0]).__name__})")
    if cls is not Tensor:
        t = Tensor._make_subclass(cls, t)
    return t


def _legacy_name(dt):
    from .._legacy import type_name
    return type_name(dt, CPU)
