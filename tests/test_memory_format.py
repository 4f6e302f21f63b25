"""Memory formats (contiguous_format, channels_last, channels_last_3d) in to(), contiguous(), clone() and
is_contiguous(): strides, sharing, values, grad_fn and errors against torch."""
import pytest

torch = pytest.importorskip("torch")

import numtorch  # noqa: E402

SHAPES = [(2, 3), (2, 3, 4), (2, 3, 4, 5), (2, 3, 4, 5, 6), (1, 3, 1, 5), (2, 1, 4, 1)]
FORMATS = ["contiguous_format", "channels_last", "channels_last_3d", "preserve_format"]
CALLS = {
    "to": lambda L, x, f: x.to(memory_format=f),
    "to(dtype)": lambda L, x, f: x.to(L.float64, memory_format=f),
    "to(copy)": lambda L, x, f: x.to(memory_format=f, copy=True),
    "contiguous": lambda L, x, f: x.contiguous(memory_format=f),
    "clone": lambda L, x, f: x.clone(memory_format=f),
    "is_contiguous": lambda L, x, f: x.is_contiguous(memory_format=f),
}
SOURCES = {
    "contiguous": lambda L, s: L.arange(float(_numel(s))).reshape(s),
    "channels_last": lambda L, s: L.arange(float(_numel(s))).reshape(s).contiguous(memory_format=L.channels_last)
    if len(s) == 4 else L.arange(float(_numel(s))).reshape(s),
    "transposed": lambda L, s: L.arange(float(_numel(s))).reshape(s[::-1]).permute(*range(len(s) - 1, -1, -1)),
}


def _numel(s):
    n = 1
    for d in s:
        n *= d
    return n


def outcome(L, call, fmt, shape, source):
    x = SOURCES[source](L, shape)
    try:
        r = CALLS[call](L, x, getattr(L, fmt))
    except Exception as e:  # noqa: BLE001 - the class and text are compared
        return type(e).__name__, str(e)
    if isinstance(r, bool):
        return r
    return r.stride(), r is x, r.tolist()


@pytest.mark.parametrize("call", list(CALLS))
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("source", list(SOURCES))
def test_memory_formats(call, fmt, source):
    for shape in SHAPES:
        assert outcome(numtorch, call, fmt, shape, source) == outcome(torch, call, fmt, shape, source), shape


@pytest.mark.parametrize("fmt", ["channels_last", "contiguous_format"])
def test_to_memory_format_grad_fn(fmt):
    names = []
    for L in (torch, numtorch):
        x = L.ones(2, 3, 4, 5, requires_grad=True)
        y = x.to(memory_format=getattr(L, fmt))
        names.append(None if y.grad_fn is None else type(y.grad_fn).__name__)
    assert names[0] == names[1]
