"""Printing: `repr`/`str` of tensors, character-identical to torch's, mirroring torch/_tensor_str.py.

Note [printing on the host]: torch formats a tensor with tensor ops (reshape, masked_select, stack, ...).
We never touch tensor ops or autograd here: `_summarized_host` copies to a NumPy array only the elements
that will be shown (the `edgeitems` first and last along every dimension that gets a `...`), and every
later step works on that small host array. Floating values are widened to float64 (exact for every
floating dtype, like torch's `.item()`/`.tolist()`), so Python's float formatting sees the same numbers
torch's does.

The contract with the tensor object `t` (duck-typed, so this module imports nothing from `_tensor.py`):
`t.shape` (ints), `t.dtype` (a `_dtype.dtype`), `t.device` (`.type` and `str()`), `t.requires_grad`,
`t.grad_fn` (None or a node with `name()`), and `t._data`: an array (numpy, or cupy with `.get()`)
supporting basic slicing; never read on `meta`.
"""
from __future__ import annotations

import contextlib
import dataclasses
import itertools
import math

import numpy as np  # Note [printing on the host]: the one place outside `_backends/` that needs NumPy

from . import _dtype


@dataclasses.dataclass
class _PrinterOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrinterOptions()

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None,
                     sci_mode=None):
    """Mirrors `torch.set_printoptions`. As in torch, `sci_mode` is always assigned (None: automatic),
    so any call that leaves it out switches it back to automatic; an unknown `profile` is ignored."""
    if profile is not None:
        for name, value in _PROFILES.get(profile, {}).items():
            setattr(PRINT_OPTS, name, value)
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """Mirrors `torch._tensor_str.get_printoptions`: a dict accepted by `set_printoptions(**d)`."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Mirrors `torch._tensor_str.printoptions`: set options for the duration of a `with` block."""
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


class _Formatter:
    """Chooses one width and notation for all the values of a tensor (or of its real/imag parts).

    `values`: a flat host array of the summarised values, float64 when `floating`."""

    def __init__(self, values, floating):
        self.floating_dtype = floating
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        if values.size == 0:
            return
        if not floating:
            # ints and bools: the longest text is that of the smallest or the largest value
            lo, hi = values.min().item(), values.max().item()
            self.max_width = max(1, len(str(lo)), len(str(hi)))
            return
        # Python floats, not NumPy temporaries: see Note [printing allocates no small NumPy blocks]
        items = [v for v in values.tolist() if v != 0 and math.isfinite(v)]
        if not items:  # only zeros, nan, inf: integer notation, width 1
            return
        mags = [abs(v) for v in items]
        lo, hi = min(mags), max(mags)
        self.int_mode = all(v == math.ceil(v) for v in items)
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
        else:
            self.sci_mode = PRINT_OPTS.sci_mode
        p = PRINT_OPTS.precision
        if self.sci_mode:
            self.max_width = max(self.max_width, max(len(f"{v:.{p}e}") for v in items))
        elif self.int_mode:  # the "." that marks a floating tensor takes a column
            self.max_width = max(self.max_width, max(len(f"{v:.0f}") for v in items) + 1)
        else:
            self.max_width = max(self.max_width, max(len(f"{v:.{p}f}") for v in items))

    def width(self):
        return self.max_width

    def format(self, value):
        if self.floating_dtype:
            if self.sci_mode:
                text = f"{value:{self.max_width}.{PRINT_OPTS.precision}e}"
            elif self.int_mode:
                text = f"{value:.0f}"
                if math.isfinite(value):
                    text += "."
            else:
                text = f"{value:.{PRINT_OPTS.precision}f}"
        else:
            text = str(value)
        return " " * (self.max_width - len(text)) + text


def _complex_str(value, formatter1, formatter2):
    real = formatter1.format(value.real)
    imag = (formatter2.format(value.imag) + "j").lstrip()
    if imag[0] in "+-":  # negative numbers, -0., -inf
        return real + imag
    return real + "+" + imag


def _scalar_str(value, formatter1, formatter2=None):
    """`value`: a Python scalar."""
    if formatter2 is not None:
        return _complex_str(value, formatter1, formatter2)
    return formatter1.format(value)


def _vector_str(arr, cut, indent, formatter1, formatter2=None):
    """`arr`: a 1-d host array; `cut`: whether its middle is elided (it then holds 2 * edgeitems values)."""
    element_length = formatter1.width() + 2
    if formatter2 is not None:
        element_length += formatter2.width() + 1
    elements_per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))

    if formatter2 is not None:
        def fmt(v):
            return _complex_str(v, formatter1, formatter2)
    else:
        fmt = formatter1.format

    edge = PRINT_OPTS.edgeitems
    if cut and not edge:
        data = ["..."]
    elif cut:
        items = arr.tolist()
        data = [fmt(v) for v in items[:edge]] + [" ..."] + [fmt(v) for v in items[edge:]]
    else:
        data = [fmt(v) for v in arr.tolist()]

    lines = [", ".join(data[i:i + elements_per_line]) for i in range(0, len(data), elements_per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str_with_formatter(arr, cut, indent, formatter1, formatter2=None):
    """`arr`: the summarised host array; `cut[d]`: whether dimension d is elided (see `_vector_str`)."""
    dim = arr.ndim
    if dim == 0:
        return _scalar_str(arr.item(), formatter1, formatter2)
    if dim == 1:
        return _vector_str(arr, cut[0], indent, formatter1, formatter2)

    def sub(i):
        return _tensor_str_with_formatter(arr[i], cut[1:], indent + 1, formatter1, formatter2)

    if cut[0]:
        edge = PRINT_OPTS.edgeitems
        slices = [sub(i) for i in range(edge)] + ["..."] + [sub(i) for i in range(edge, 2 * edge)]
    else:
        slices = [sub(i) for i in range(arr.shape[0])]
    return "[" + ("," + "\n" * (dim - 1) + " " * (indent + 1)).join(slices) + "]"


def _tensor_str(self, indent):
    """The bracketed values of a non-meta tensor."""
    shape = tuple(self.shape)
    numel = math.prod(shape)
    if numel == 0:
        return "[]"
    summarize = numel > PRINT_OPTS.threshold
    edge = PRINT_OPTS.edgeitems
    arr = _summarized_host(self, edge if summarize else None)
    cut = tuple(summarize and n > 2 * edge for n in shape)

    dt = self.dtype
    if dt.is_complex:
        arr = _widen(arr, np.complex128)
        flat = arr.reshape(-1)
        return _tensor_str_with_formatter(arr, cut, indent, _Formatter(flat.real, True),
                                          _Formatter(flat.imag, True))
    if dt.is_floating_point:
        arr = _widen(arr, np.float64)
    return _tensor_str_with_formatter(arr, cut, indent, _Formatter(arr.reshape(-1), dt.is_floating_point))


# Note [printing allocates no small NumPy blocks]: NumPy keeps freed data blocks under 1 KiB and hands
# them to the next array of that size, so `print(t); np.empty(...)` shows whatever printing last freed.
# torch's printing touches no NumPy memory, and scripts (the seed tutorial among them) print np.empty
# after a tensor, so printing widens into blocks of at least 1 KiB, which NumPy never caches.
_NO_CACHE_BYTES = 1024


def _widen(arr, dtype):
    """`arr` as `dtype` in a scratch block too large for NumPy's small-block cache."""
    dtype = np.dtype(dtype)
    n = arr.size
    buf = np.empty(max(n, _NO_CACHE_BYTES // dtype.itemsize + 1), dtype)[:n].reshape(arr.shape)
    buf[...] = arr
    return buf


def _add_suffixes(tensor_str, suffixes, indent, force_newline):
    parts = [tensor_str]
    # torch's count: two more than the length of the last line
    last_line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    for suffix in suffixes:
        if force_newline or last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
            force_newline = False
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def _to_host(a):
    if isinstance(a, np.ndarray):
        return a
    if hasattr(a, "get"):  # cupy
        a = a.get()
    return np.asarray(a)


def _summarized_host(t, edgeitems):
    """A host NumPy array of what is printed of `t` (torch's `get_summarized_data`, but copying only that).

    `edgeitems=None`: the whole tensor. Otherwise every dimension longer than `2 * edgeitems` keeps its
    first and last `edgeitems` entries (so has length `2 * edgeitems`). Only basic slicing is applied
    to `t._data`, one block per combination of first/last ends of the elided dimensions."""
    data = t._data
    shape = tuple(data.shape)
    cut = [] if edgeitems is None else [d for d, n in enumerate(shape) if n > 2 * edgeitems]
    target = t.dtype.np
    if not cut:
        out = _to_host(data)
    else:
        e = edgeitems
        out_shape = tuple(2 * e if d in cut else n for d, n in enumerate(shape))
        out = None
        if math.prod(out_shape) == 0:  # edgeitems == 0: nothing is shown
            out = np.empty(out_shape, dtype=np.dtype(data.dtype))
        else:
            for ends in itertools.product((0, 1), repeat=len(cut)):
                src = [slice(None)] * len(shape)
                dst = [slice(None)] * len(shape)
                for d, end in zip(cut, ends):
                    src[d] = slice(0, e) if end == 0 else slice(shape[d] - e, shape[d])
                    dst[d] = slice(0, e) if end == 0 else slice(e, 2 * e)
                block = _to_host(data[tuple(src)])
                if out is None:
                    out = np.empty(out_shape, dtype=block.dtype)
                out[tuple(dst)] = block
    if target is not None and out.dtype != target:
        if out.dtype.kind in "iu" and target.kind not in "biu" and out.dtype.itemsize == target.itemsize:
            out = out.view(target)  # raw bits of a floating dtype the backend cannot hold (bfloat16)
        else:
            out = out.astype(target)
    return out


def _grad_fn_name(grad_fn):
    name = grad_fn.name() if hasattr(grad_fn, "name") else type(grad_fn).__name__
    return name.rsplit("::", 1)[-1]


def _str_intern(inp, *, tensor_contents=None, prefix="tensor("):
    indent = len(prefix)
    suffixes = []
    dt = inp.dtype
    default = _dtype.get_default_dtype()
    shape = tuple(inp.shape)
    dev = inp.device

    # Note [Print tensor device]: shown unless the default (cpu). numtorch has no default-cuda tensor type.
    if dev.type != "cpu":
        suffixes.append("device='" + str(dev) + "'")

    has_default_dtype = dt in (default, _dtype.default_complex(), _dtype.int64, _dtype.bool_)
    if dev.type == "meta":
        suffixes.append("size=" + str(shape))
        if dt is not default:  # sic: unlike the dense case, int64 and bool are spelled out
            suffixes.append("dtype=" + repr(dt))
        tensor_str = "..."
    elif math.prod(shape) == 0:
        if len(shape) != 1:  # NumPy's rule: the size is implied only by `[]` of one dimension
            suffixes.append("size=" + str(shape))
        if dt is not default:  # nothing to infer the dtype from
            suffixes.append("dtype=" + repr(dt))
        tensor_str = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append("size=" + str(shape))
        if not has_default_dtype:
            suffixes.append("dtype=" + repr(dt))
        tensor_str = None if tensor_contents is not None else _tensor_str(inp, indent)
    if tensor_contents is not None:
        tensor_str = tensor_contents

    grad_fn = inp.grad_fn
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{_grad_fn_name(grad_fn)}>")
    elif inp.requires_grad:
        suffixes.append("requires_grad=True")

    return _add_suffixes(prefix + tensor_str, suffixes, indent, force_newline=False)


def _str(self, *, tensor_contents=None, prefix="tensor("):
    return _str_intern(self, tensor_contents=tensor_contents, prefix=prefix)


def format_tensor(t, *, tensor_contents=None, prefix="tensor("):
    """`repr(t)` (== `str(t)`) as torch prints it.

    `tensor_contents` replaces the bracketed values (torch's `Tensor.__repr__(tensor_contents=)`);
    `prefix` is `"tensor("` for plain tensors and parameters, `type(t).__name__ + "("` for subclasses."""
    return _str_intern(t, tensor_contents=tensor_contents, prefix=prefix)
