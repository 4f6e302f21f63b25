"""`repr`/`str` of tensors against torch's, character for character (numtorch/_tensor_str.py).

Only `make_pair` knows how a numtorch tensor is built; everything else builds NumPy values and compares
`repr(ours)` with what torch prints for the same values.
"""
from __future__ import annotations

import math
import zlib

import ml_dtypes
import numpy as np
import pytest
import torch

import numtorch
from numtorch import _dtype as D
from numtorch import _tensor_str as ts
from numtorch._device import device as nt_device

# float16 of 1e8 is inf and inf * 1j has a nan part, on purpose
pytestmark = pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning",
                                        "ignore:invalid value encountered:RuntimeWarning")

INTS = ["uint8", "int8", "int16", "int32", "int64", "uint16", "uint32", "uint64"]
FLOATS = ["float16", "bfloat16", "float32", "float64"]
COMPLEX = ["complex64", "complex128"]
ALL_DTYPES = ["bool"] + INTS + FLOATS + COMPLEX
INEXACT = FLOATS + COMPLEX


# ---- the numtorch side: a stand-in for Tensor until the core lands -----------------------------------

class _FakeNode:
    def __init__(self, name):
        self._name = name

    def name(self):
        return self._name


class _FakeTensor:
    """What `_tensor_str.format_tensor` reads of a tensor."""

    def __init__(self, data, dtype, device="cpu", requires_grad=False, grad_fn=None):
        self._data = data
        self.shape = tuple(data.shape)
        self.dtype = dtype
        self.device = nt_device(device)
        self.grad_fn = None if grad_fn is None else _FakeNode(grad_fn)
        self.requires_grad = requires_grad or grad_fn is not None
        self.is_leaf = grad_fn is None

    def __repr__(self):
        return ts.format_tensor(self)

    __str__ = __repr__


def make_pair(np_array, dtype_name, *, device="cpu", requires_grad=False, grad_fn=None):
    """(numtorch tensor, torch's repr) for the values `np_array` cast to `dtype_name`.

    `grad_fn`: None or "MulBackward0" (the tensor is `leaf * 1`, which keeps every value, -0. and nan
    included). This is the one function to change when switching to real numtorch tensors."""
    dt = D._NAMES[dtype_name]
    values = np.asarray(np_array)
    if dtype_name == "complex32":  # no NumPy dtype: complex64 holding float16-rounded parts
        values = values.astype(np.complex64)
        values = np.asarray(values.real.astype(np.float16) + 1j * values.imag.astype(np.float16),
                            dtype=np.complex64)
    else:
        values = values.astype(dt.np)
    if dtype_name == "complex32" or device.startswith("cuda"):
        # no complex32 arrays and no GPU here: the printing code gets a stand-in with the same fields
        ours = _FakeTensor(values, dt, device=device, requires_grad=requires_grad, grad_fn=grad_fn)
    elif device == "meta":
        ours = numtorch.empty(values.shape, dtype=dt, device="meta")
    else:
        ours = numtorch.from_numpy(np.array(values, copy=True, order="C"))
    if not isinstance(ours, _FakeTensor):
        if requires_grad or grad_fn:
            ours.requires_grad_()
        if grad_fn == "MulBackward0":
            ours = ours * 1
    return ours, torch_repr(values, dtype_name, device=device, requires_grad=requires_grad, grad_fn=grad_fn)


# ---- the oracle --------------------------------------------------------------------------------------

class tensor(torch.Tensor):  # noqa: N801 - the class name is torch's repr prefix
    """A CPU tensor that says it lives on cuda:0, so that torch's own printing code shows the device."""

    @property
    def device(self):
        return torch.device("cuda", 0)


def torch_repr(values, dtype_name, *, device="cpu", requires_grad=False, grad_fn=None):
    dt = getattr(torch, dtype_name)
    if device == "meta":
        t = torch.empty(values.shape, dtype=dt, device="meta")
    elif dtype_name in ("bfloat16", "complex32"):
        t = torch.from_numpy(values.astype(np.complex64 if dtype_name == "complex32" else np.float32)).to(dt)
    else:
        t = torch.from_numpy(np.array(values, copy=True, order="C"))
    if requires_grad or grad_fn:
        t.requires_grad_()
    if grad_fn == "MulBackward0":
        t = t * 1
    elif grad_fn is not None:
        raise ValueError(grad_fn)
    if device.startswith("cuda"):
        assert device == "cuda:0" and grad_fn is None
        t = torch.Tensor._make_subclass(tensor, t.detach(), requires_grad)
    r = repr(t)
    assert str(t) == r
    return r


@pytest.fixture(autouse=True)
def _reset_options():
    yield
    ts.set_printoptions(profile="default")
    torch.set_printoptions(profile="default")
    D.set_default_dtype(D.float32)
    torch.set_default_dtype(torch.float32)


def both_printoptions(**kw):
    ts.set_printoptions(**kw)
    torch.set_printoptions(**kw)


def check(np_array, dtype_name, **kw):
    ours, expected = make_pair(np_array, dtype_name, **kw)
    got = repr(ours)
    assert got == expected, f"\nours:\n{got}\ntorch:\n{expected}"
    assert str(ours) == expected


# ---- value generators ----------------------------------------------------------------------------------

def _rng(*key):  # deterministic across runs (str hashes are salted per process)
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def random_values(dtype_name, shape, scale=1.0, seed=0):
    rng = _rng(dtype_name, shape, scale, seed)
    if dtype_name == "bool":
        return rng.random(shape) > 0.5
    if dtype_name in INTS:
        info = np.iinfo(dtype_name)
        if seed % 2:  # the full range: widest numbers
            return rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=dtype_name)
        return rng.integers(max(info.min, -100), 100, size=shape, dtype=np.int64).astype(dtype_name)
    real = rng.standard_normal(shape) * scale
    if dtype_name in COMPLEX:
        return real + 1j * rng.standard_normal(shape) * scale
    return real


SHAPES = [(), (1,), (5,), (2, 3), (3, 1), (2, 3, 4), (2, 1, 2, 3), (1, 2, 1, 2, 2), (2, 2, 2, 2, 2)]
EMPTY_SHAPES = [(0,), (0, 3), (2, 0), (2, 0, 3), (0, 0, 0, 0)]


# ---- every dtype, every rank -----------------------------------------------------------------------

@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype_name", ALL_DTYPES)
def test_dtypes_and_ranks(dtype_name, shape):
    check(random_values(dtype_name, shape, seed=1), dtype_name)
    check(random_values(dtype_name, shape, seed=2), dtype_name)


@pytest.mark.parametrize("shape", EMPTY_SHAPES, ids=str)
@pytest.mark.parametrize("dtype_name", ALL_DTYPES)
def test_empty(dtype_name, shape):
    check(np.zeros(shape), dtype_name)


@pytest.mark.parametrize("dtype_name", ALL_DTYPES)
@pytest.mark.parametrize("shape", [(), (0,), (2, 3), (0, 4), (1, 2, 3)], ids=str)
def test_meta(dtype_name, shape):
    check(np.zeros(shape), dtype_name, device="meta")


# ---- floating values: magnitudes, int-valued, special values ----------------------------------------

SCALES = [1e-10, 1e-5, 1e-4, 1e-3, 0.1, 1.0, 10.0, 1e3, 1e5, 1e8, 1e10]


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("dtype_name", INEXACT)
def test_magnitudes(dtype_name, scale):
    check(random_values(dtype_name, (3, 4), scale=scale), dtype_name)
    check(np.abs(random_values(dtype_name, (7,), scale=scale, seed=3)), dtype_name)


@pytest.mark.parametrize("dtype_name", INEXACT)
@pytest.mark.parametrize("values", [
    [1.0, 2.0, -3.0], [100.0, -2.0, 0.0], [1e5, 1.0], [1e8, 1.0], [1e9, -5.0], [123456789.0],
    [1.0, 1001.0], [1.0, 1000.0], [1e-4, 0.05], [9.9e-5, 1.0], [0.5, 1000.0], [0.5, 501.0],
    [999999.5], [0.99999], [0.123456789, -12.5], [-1e-8], [2.0 ** 60, 1.0], [65504.0, -65504.0],
    [0.3333, 3.3333, 33.333], [1.25e-3, 0.5], [9.99996, 99.99996], [1e-300, 1.0],
], ids=str)
def test_value_sets(dtype_name, values):
    check(np.array(values), dtype_name)
    if dtype_name in COMPLEX:
        check(np.array(values) * 1j, dtype_name)
        check(np.array(values) * (0.5 - 2j), dtype_name)


NAN, INF = math.nan, math.inf


@pytest.mark.parametrize("dtype_name", INEXACT)
@pytest.mark.parametrize("values", [
    [NAN], [INF], [-INF], [-0.0], [0.0], [0.0, -0.0], [NAN, INF, -INF], [1.5, NAN, -INF], [1.0, NAN],
    [-0.0, 2.0], [-0.0, 2.5], [1e-5, INF], [100000.0, -0.0, NAN], [INF, 1.0], [-INF, 1.5],
    [[NAN, 1e10], [-0.0, 3.0]], [1e-10, -0.0],
], ids=str)
def test_special_values(dtype_name, values):
    check(np.array(values), dtype_name)
    check(np.array(values)[..., None].repeat(2, -1), dtype_name)
    if dtype_name in COMPLEX:
        v = np.array(values, dtype=np.complex128)
        check(v * 1j, dtype_name)
        check(v + 1j * v[::-1], dtype_name)
        check(-v - 0.0j * v, dtype_name)


@pytest.mark.parametrize("dtype_name", ["complex64", "complex128"])
def test_complex_signed_zero_and_nan_parts(dtype_name):
    vals = np.array([complex(0.0, -0.0), complex(-0.0, 0.0), complex(NAN, 1.0), complex(1.0, NAN),
                     complex(INF, -INF), complex(2.5, -1.0)])
    check(vals, dtype_name)
    check(vals[:1].reshape(()), dtype_name)
    check(np.array(complex(1.0, -INF)), dtype_name)


@pytest.mark.parametrize("dtype_name", ALL_DTYPES)
def test_scalars(dtype_name):
    for seed in range(4):
        check(random_values(dtype_name, (), scale=10.0 ** (3 * seed - 4), seed=seed), dtype_name)


@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (0,), (2000,)], ids=str)
def test_complex32(shape):
    import warnings
    with warnings.catch_warnings():  # torch: "ComplexHalf support is experimental"
        warnings.simplefilter("ignore", UserWarning)
        check(random_values("complex64", shape, seed=1), "complex32")
        check(random_values("complex64", shape, scale=1e4, seed=1), "complex32", requires_grad=True)
        check(np.zeros(shape), "complex32", device="meta")


# ---- summarisation and line wrapping ----------------------------------------------------------------

@pytest.mark.parametrize("shape", [(1001,), (2000,), (40, 30), (3, 400), (400, 3), (7, 7, 7, 7), (2, 3, 200),
                                   (10, 10, 11), (1, 1, 1001), (2, 2, 2, 2, 70)], ids=str)
@pytest.mark.parametrize("dtype_name", ["bool", "int64", "uint8", "float32", "bfloat16", "complex128"])
def test_summarized(dtype_name, shape):
    check(random_values(dtype_name, shape, seed=1), dtype_name)


def test_summarized_formatter_sees_only_edges():
    # the middle element would force sci mode and widen the columns if it were looked at
    v = np.ones(2001)
    v[1000] = 1e20
    check(v, "float32")
    v = np.arange(2001 * 3, dtype=np.int64).reshape(3, 2001)
    v[1, 1000] = -10 ** 15
    check(v, "int64")


@pytest.mark.parametrize("shape", [(1, 30), (2, 60), (100,), (3, 2, 40), (1, 200)], ids=str)
@pytest.mark.parametrize("dtype_name", ["bool", "int8", "int64", "uint64", "float16", "float64", "complex64"])
def test_wrapped(dtype_name, shape):
    check(random_values(dtype_name, shape, scale=100.0, seed=1), dtype_name)


# ---- print options ------------------------------------------------------------------------------------

OPTION_SETS = [
    dict(precision=0), dict(precision=1), dict(precision=2), dict(precision=8), dict(precision=12),
    dict(threshold=5), dict(threshold=0), dict(threshold=10, edgeitems=1), dict(threshold=10, edgeitems=0),
    dict(edgeitems=0), dict(threshold=20, edgeitems=5), dict(threshold=1, edgeitems=2),
    dict(linewidth=20), dict(linewidth=40), dict(linewidth=1), dict(linewidth=120), dict(linewidth=200),
    dict(profile="short"), dict(profile="full"), dict(profile="default"),
    dict(profile="short", precision=6), dict(profile="full", linewidth=50),
    dict(sci_mode=True), dict(sci_mode=False), dict(sci_mode=True, precision=2),
    dict(sci_mode=False, precision=1, linewidth=30), dict(threshold=math.inf),
]
OPTION_TENSORS = [
    ("float32", (3, 4), 1.0), ("float64", (20,), 1e-6), ("float32", (50, 50), 1e3),
    ("bfloat16", (2, 3, 4), 10.0),
    ("float16", (30,), 1.0), ("int64", (6, 7), 1.0), ("bool", (4, 5), 1.0), ("complex64", (2, 10), 1.0),
    ("complex128", (7,), 1e9), ("int32", (), 1.0), ("float64", (), 1e-9), ("uint8", (3, 3, 3, 3), 1.0),
]


@pytest.mark.parametrize("opts", OPTION_SETS, ids=str)
def test_printoptions(opts):
    both_printoptions(**opts)
    assert ts.get_printoptions() == torch._tensor_str.get_printoptions()
    for i, (dtype_name, shape, scale) in enumerate(OPTION_TENSORS):
        check(random_values(dtype_name, shape, scale=scale, seed=i), dtype_name)
    check(np.array([1.0, 1e-20, -0.0, NAN]), "float32")
    check(np.array([1.0, 25.0, -3.0]), "float64")
    check(np.zeros(3), "float64")
    check(np.array([0.0, NAN, -INF]), "complex64")
    check(np.zeros((0, 2)), "int16")
    check(np.zeros((4, 5)), "float32", device="meta")
    check(random_values("float32", (4, 5)), "float32", requires_grad=True)


def test_get_set_printoptions_semantics():
    assert ts.get_printoptions() == torch._tensor_str.get_printoptions()
    both_printoptions(precision=3, sci_mode=True)
    both_printoptions(linewidth=50)  # as in torch, this switches sci_mode back to automatic
    assert ts.get_printoptions() == torch._tensor_str.get_printoptions()
    assert ts.PRINT_OPTS.sci_mode is None and ts.PRINT_OPTS.precision == 3
    both_printoptions(profile="no-such-profile")
    assert ts.get_printoptions() == torch._tensor_str.get_printoptions()


def test_printoptions_context_manager():
    before = ts.get_printoptions()
    with ts.printoptions(precision=2, sci_mode=True), \
            torch._tensor_str.printoptions(precision=2, sci_mode=True):
        assert ts.get_printoptions() == torch._tensor_str.get_printoptions()
        check(np.array([1.23456, 2.0]), "float32")
    assert ts.get_printoptions() == before == torch._tensor_str.get_printoptions()
    with pytest.raises(ZeroDivisionError):
        with ts.printoptions(precision=1):
            1 / 0
    assert ts.get_printoptions() == before


# ---- suffixes: dtype, device, requires_grad, grad_fn, wrapping of suffixes --------------------------

@pytest.mark.parametrize("dtype_name", INEXACT)
@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (0,), (2, 0), (40, 40)], ids=str)
def test_requires_grad_and_grad_fn(dtype_name, shape):
    v = random_values(dtype_name, shape)
    check(v, dtype_name, requires_grad=True)
    check(v, dtype_name, grad_fn="MulBackward0")


@pytest.mark.parametrize("default", ["float64", "float16", "bfloat16"])
@pytest.mark.parametrize("dtype_name", ALL_DTYPES)
def test_default_dtype(default, dtype_name):
    D.set_default_dtype(D._NAMES[default])
    torch.set_default_dtype(getattr(torch, default))
    check(random_values(dtype_name, (2, 3)), dtype_name)
    check(np.zeros((0,)), dtype_name)
    check(np.zeros((2,)), dtype_name, device="meta")


@pytest.mark.parametrize("dtype_name", ["float32", "float64", "int64", "bool", "complex64", "int8"])
@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (0,), (1, 0), (2000,), (3, 12)], ids=str)
def test_cuda_device(dtype_name, shape):
    check(random_values(dtype_name, shape, scale=1e4, seed=1), dtype_name, device="cuda:0")
    if dtype_name.startswith(("float", "complex")):
        check(random_values(dtype_name, shape), dtype_name, device="cuda:0", requires_grad=True)


@pytest.mark.parametrize("linewidth", [10, 30, 45, 60, 70, 75, 80])
def test_suffix_wrapping(linewidth):
    both_printoptions(linewidth=linewidth)
    for i, n in enumerate([1, 2, 3, 4, 6, 8]):
        v = random_values("float64", (n,), seed=i)
        check(v, "float64", requires_grad=True)
        check(v, "float16", grad_fn="MulBackward0")
        check(v.reshape(1, n), "complex128", device="cuda:0", requires_grad=True)
        check(np.zeros((n, 0)), "uint32", device="cuda:0")
        check(np.zeros((n, 3)), "int64", device="meta")


# ---- the host summary: backends other than NumPy, raw-bits storage ------------------------------------

class _DeviceArray:
    """Like a cupy array: basic slicing gives another device array; `.get()` copies to the host."""

    def __init__(self, a):
        self._a = a
        self.shape = a.shape
        self.dtype = a.dtype

    def __getitem__(self, index):
        return _DeviceArray(self._a[index])

    def get(self):
        return self._a.copy()


@pytest.mark.parametrize("shape", [(), (5,), (2000,), (3, 400), (7, 7, 7, 7), (1001, 1)], ids=str)
def test_non_numpy_backend_array(shape):
    values = random_values("float32", shape).astype(np.float32)
    ours, expected = make_pair(values, "float32")
    ours = _FakeTensor(_DeviceArray(values), D.float32)
    assert repr(ours) == expected
    bits = values.astype(ml_dtypes.bfloat16)
    ours, expected = make_pair(bits, "bfloat16")
    ours = _FakeTensor(_DeviceArray(bits.view(np.uint16)), D.bfloat16)  # raw bits of a dtype cupy lacks
    assert repr(ours) == expected


def test_summarized_host_copies_only_edges():
    values = np.arange(10 * 20 * 30, dtype=np.int64).reshape(10, 20, 30)
    out = ts._summarized_host(_FakeTensor(values, D.int64), 3)
    expect = values[np.ix_([0, 1, 2, 7, 8, 9], [0, 1, 2, 17, 18, 19], [0, 1, 2, 27, 28, 29])]
    assert out.shape == (6, 6, 6) and np.array_equal(out, expect)
    assert np.array_equal(ts._summarized_host(_FakeTensor(values, D.int64), None), values)
    assert ts._summarized_host(_FakeTensor(values, D.int64), 0).shape == (0, 0, 0)


def test_tensor_contents_and_prefix():
    ours, _ = make_pair(np.ones(3), "float64", requires_grad=True)
    t = torch.ones(3, dtype=torch.float64, requires_grad=True)
    assert ts.format_tensor(ours, tensor_contents="[...]") == t.__repr__(tensor_contents="[...]")

    class MyTensor(torch.Tensor):
        pass

    both_printoptions(linewidth=40)
    ours, _ = make_pair(np.arange(6.0).reshape(2, 3), "float64", requires_grad=True)
    t = torch.arange(6.0, dtype=torch.float64).reshape(2, 3).as_subclass(MyTensor).requires_grad_()
    assert ts.format_tensor(ours, prefix="MyTensor(") == repr(t)
