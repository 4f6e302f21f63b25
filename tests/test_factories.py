"""Factories against torch: tensor/as_tensor/asarray/from_numpy inference and copying, empty/zeros/ones/full,
arange/linspace/logspace/eye/empty_strided, *_like (layout preservation), new_* methods, argument forms."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from conftest import DTYPE_NAMES, assert_same, outcome, same_error, to_nt

import numtorch

DATA = [1, 2.5, True, 1 + 2j, [1, 2, 3], [1, 2.0], [True, False], [[1, 2], [3, 4]], (1, 2), [(1, 2), (3, 4)],
        [1, True], [1.5, 2j], [], [[]], [[], []], np.int32(3), np.float16(1.5), np.bool_(True), np.float64(2),
        [np.int8(1), 2], [np.float32(1.5), 2.0], np.arange(4, dtype=np.int16), np.ones((2, 2), np.float32),
        np.array([1 + 1j], np.complex64), np.array(5, np.uint8), 2 ** 62, -(2 ** 63),
        [float("inf"), float("nan")], np.arange(6.0).reshape(2, 3).T, np.array([True, False])]


def _data(d):
    return d.copy() if isinstance(d, np.ndarray) else d


@pytest.mark.parametrize("i", range(len(DATA)))
def test_tensor_inference(i):
    d = DATA[i]
    a, b = outcome(lambda: numtorch.tensor(_data(d))), outcome(lambda: torch.tensor(_data(d)))
    assert a[0] == b[0], (a, b)
    if a[0] == "ok":
        assert_same(a[1], b[1])
        assert a[1].is_contiguous()
    for dt in ("float64", "int32", "bool", "complex64"):
        a = outcome(lambda: numtorch.tensor(_data(d), dtype=getattr(numtorch, dt)))
        b = outcome(lambda: torch.tensor(_data(d), dtype=getattr(torch, dt)))
        assert a[0] == b[0], (dt, a, b)
        if a[0] == "ok":
            assert_same(a[1], b[1])
        else:
            assert a[1] == b[1]


def test_tensor_errors():
    for bad in ([[1, 2], [3]], [1, [2]], ["a"], [[1], 2], {1: 2}, None, "abc", [None]):
        a, b = outcome(lambda: numtorch.tensor(bad)), outcome(lambda: torch.tensor(bad))
        assert a[:2] == b[:2], (bad, a, b)
        assert a == b, (bad, a, b)
    same_error(lambda: numtorch.tensor([1, 2], dtype=numtorch.int64, requires_grad=True),
               lambda: torch.tensor([1, 2], dtype=torch.int64, requires_grad=True))
    same_error(lambda: numtorch.tensor(2 ** 64), lambda: torch.tensor(2 ** 64))


def test_tensor_copies_and_warns():
    src = np.array([1.0, 2.0])
    t = numtorch.tensor(src)
    src[0] = 9
    assert t[0].item() == 1.0
    ta, tb = numtorch.ones(2), torch.ones(2)
    with warnings.catch_warnings(record=True) as wa:
        warnings.simplefilter("always")
        ca = numtorch.tensor(ta)
    with warnings.catch_warnings(record=True) as wb:
        warnings.simplefilter("always")
        cb = torch.tensor(tb)
    assert [str(w.message) for w in wa] == [str(w.message) for w in wb]
    assert [w.category for w in wa] == [w.category for w in wb]
    assert ca.data_ptr() != ta.data_ptr() and cb.data_ptr() != tb.data_ptr()
    assert_same(numtorch.tensor([numtorch.tensor(1.5), 2]), torch.tensor([torch.tensor(1.5), 2]))
    r = numtorch.tensor([1.0], requires_grad=True)
    assert r.requires_grad and r.is_leaf


def test_as_tensor_asarray_from_numpy():
    arr = np.arange(6.0).reshape(2, 3)
    a = numtorch.as_tensor(arr)
    arr[0, 0] = 7
    assert a[0, 0].item() == 7  # shares memory
    b = numtorch.as_tensor(arr, dtype=numtorch.float32)
    arr[0, 0] = 8
    assert b[0, 0].item() == 7  # copies on cast
    t = numtorch.ones(3)
    assert numtorch.as_tensor(t) is t and numtorch.asarray(t) is t
    assert numtorch.as_tensor(t, dtype=numtorch.int64).dtype is numtorch.int64
    assert_same(numtorch.as_tensor([1, 2.5]), torch.as_tensor([1, 2.5]))
    assert_same(numtorch.asarray([1, 2]), torch.asarray([1, 2]))
    assert_same(numtorch.asarray(np.ones(2, np.float16)), torch.asarray(np.ones(2, np.float16)))
    assert_same(numtorch.asarray(3.5), torch.asarray(3.5))
    c = numtorch.asarray(arr, copy=True)
    arr[0, 0] = 1
    assert c[0, 0].item() == 8
    assert numtorch.asarray(t, dtype=numtorch.float64).dtype is numtorch.float64
    f = numtorch.from_numpy(arr)
    assert_same(f, torch.from_numpy(arr.copy()))
    same_error(lambda: numtorch.from_numpy([1, 2]), lambda: torch.from_numpy([1, 2]))
    for dt in (np.int8, np.uint16, np.uint32, np.uint64, np.float16, np.complex64, np.bool_):
        assert_same(numtorch.from_numpy(np.ones(3, dt)), torch.from_numpy(np.ones(3, dt)))


SIZES = [((2, 3),), (2, 3), ([2, 3],), (torch.Size([2, 3]),), (0,), ((),), (4,), (np.int64(2), 3)]


def _size_args(lib, s):
    return tuple(lib.Size(x) if isinstance(x, torch.Size) else x for x in s)


@pytest.mark.parametrize("name", ["zeros", "ones", "empty"])
@pytest.mark.parametrize("si", range(len(SIZES)))
def test_filled_factories(name, si):
    s = SIZES[si]
    a, b = getattr(numtorch, name)(*_size_args(numtorch, s)), getattr(torch, name)(*s)
    if name == "empty":
        a, b = a.zero_(), b.zero_()
    assert_same(a, b, strides=True)
    for dt in ("int32", "bool", "complex64", "float64", "bfloat16"):
        a = getattr(numtorch, name)(*_size_args(numtorch, s), dtype=getattr(numtorch, dt))
        b = getattr(torch, name)(*s, dtype=getattr(torch, dt))
        assert str(a.dtype) == str(b.dtype) and a.shape == b.shape


@pytest.mark.parametrize("name", ["zeros", "ones", "empty", "rand", "randn"])
def test_size_keyword(name):
    """torch's `*size` factories also take the size as a keyword (as a tuple, list or Size), not both."""
    for size in ((2, 3), [4], ()):
        a, b = getattr(numtorch, name)(size=size), getattr(torch, name)(size=size)
        assert tuple(a.shape) == tuple(b.shape) and a.dtype == getattr(numtorch, str(b.dtype)[6:])
    assert tuple(getattr(numtorch, name)(size=numtorch.Size([3])).shape) == (3,)
    with pytest.raises(TypeError):
        getattr(numtorch, name)(2, size=(2,))
    with pytest.raises(TypeError):
        getattr(torch, name)(2, size=(2,))


def test_factory_errors_and_options():
    same_error(lambda: numtorch.zeros(-1), lambda: torch.zeros(-1))
    same_error(lambda: numtorch.ones(2, -3), lambda: torch.ones(2, -3))
    same_error(lambda: numtorch.zeros(2.5), lambda: torch.zeros(2.5))
    same_error(lambda: numtorch.zeros("a"), lambda: torch.zeros("a"))
    same_error(lambda: numtorch.full((2,), -1, dtype=numtorch.uint8) if False else numtorch.empty(2, -1),
               lambda: torch.empty(2, -1))
    a = numtorch.zeros(2, 3, requires_grad=True)
    assert a.requires_grad and a.is_leaf
    assert numtorch.ones(2, device="cpu").device == numtorch.device("cpu")
    oa, ob = numtorch.empty(5), torch.empty(5)
    assert numtorch.zeros(2, 3, out=oa) is oa
    torch.zeros(2, 3, out=ob)
    assert_same(oa, ob)
    assert_same(numtorch.ones(2, 3, out=numtorch.empty(6, dtype=numtorch.int32)),
                torch.ones(2, 3, out=torch.empty(6, dtype=torch.int32)))


@pytest.mark.parametrize("fill", [2, 2.5, True, 1 + 1j, -3])
def test_full(fill):
    a = outcome(lambda: numtorch.full((2, 3), fill))
    b = outcome(lambda: torch.full((2, 3), fill))
    assert a[0] == b[0]
    if a[0] == "ok":
        assert_same(a[1], b[1])
    for dt in ("int32", "float16", "bool", "uint8"):
        a = outcome(lambda: numtorch.full([2], fill, dtype=getattr(numtorch, dt)))
        b = outcome(lambda: torch.full([2], fill, dtype=getattr(torch, dt)))
        assert a[0] == b[0], (dt, a, b)
        if a[0] == "ok":
            assert_same(a[1], b[1])


ARANGE = [(5,), (2, 7), (0, 10, 3), (10, 0, -2), (0.0, 1.0, 0.1), (1, 2.5, 0.5), (-3,), (0, -5, -1),
          (-3.7, 2, 1.3),
          (0, 5, 0.7), (1.5,), (0, 1, 0.3333), (3, 3)]


@pytest.mark.parametrize("args", ARANGE)
def test_arange(args):
    a, b = outcome(lambda: numtorch.arange(*args)), outcome(lambda: torch.arange(*args))
    assert a[0] == b[0] and (a[0] == "ok" or a == b), (a, b)
    if a[0] == "ok":
        assert_same(a[1], b[1], exact=False, atol=1e-6)
    for dt in ("int32", "float64", "float16", "int8"):
        a = outcome(lambda: numtorch.arange(*args, dtype=getattr(numtorch, dt)))
        b = outcome(lambda: torch.arange(*args, dtype=getattr(torch, dt)))
        assert a[0] == b[0]
        if a[0] == "ok":
            assert_same(a[1], b[1], exact=False, atol=1e-3)


def test_arange_errors_and_tensors():
    same_error(lambda: numtorch.arange(0, 5, 0), lambda: torch.arange(0, 5, 0))
    same_error(lambda: numtorch.arange(5, 0, 1), lambda: torch.arange(5, 0, 1))
    same_error(lambda: numtorch.arange(0, 5, -1), lambda: torch.arange(0, 5, -1))
    assert_same(numtorch.arange(numtorch.tensor(4)), torch.arange(torch.tensor(4)))
    assert_same(numtorch.arange(end=3), torch.arange(end=3))
    assert_same(numtorch.arange(np.int64(3)), torch.arange(np.int64(3)))


@pytest.mark.parametrize("args", [(0, 1, 5), (-2, 2, 4), (1, 1, 1), (0, 10, 0), (3, -3, 7), (0, 1, 2)])
def test_linspace_logspace(args):
    assert_same(numtorch.linspace(*args), torch.linspace(*args), exact=False)
    assert_same(numtorch.logspace(*args), torch.logspace(*args), exact=False, rtol=1e-5)
    assert_same(numtorch.logspace(*args, base=2), torch.logspace(*args, base=2), exact=False, rtol=1e-5)
    for dt in ("float64", "int64", "complex64"):
        assert_same(numtorch.linspace(*args, dtype=getattr(numtorch, dt)),
                    torch.linspace(*args, dtype=getattr(torch, dt)), exact=False)
    same_error(lambda: numtorch.linspace(0, 1, -1), lambda: torch.linspace(0, 1, -1))


def test_eye_empty_strided():
    for args in ((3,), (2, 4), (4, 2), (0,), (1, 0)):
        assert_same(numtorch.eye(*args), torch.eye(*args), strides=True)
        assert_same(numtorch.eye(*args, dtype=numtorch.bool), torch.eye(*args, dtype=torch.bool))
    same_error(lambda: numtorch.eye(-1), lambda: torch.eye(-1))
    a, b = numtorch.empty_strided((2, 3), (1, 2)), torch.empty_strided((2, 3), (1, 2))
    assert a.stride() == b.stride() and a.shape == b.shape and not a.is_contiguous()
    a, b = numtorch.empty_strided((2, 3), (0, 1)), torch.empty_strided((2, 3), (0, 1))
    assert a.stride() == b.stride()


@pytest.mark.parametrize("name", ["zeros_like", "ones_like", "empty_like", "full_like"])
@pytest.mark.parametrize("layout", ["contig", "transposed", "sliced", "permuted3", "expanded", "0d"])
def test_like(name, layout):
    base = {"contig": torch.ones(2, 3), "transposed": torch.ones(3, 2).t(),
            "sliced": torch.ones(4, 6)[::2, 1:4],
            "permuted3": torch.ones(2, 3, 4).permute(2, 0, 1), "expanded": torch.ones(3, 1).expand(3, 4),
            "0d": torch.tensor(2.0)}[layout]
    na = to_nt(base)
    args = (7,) if name == "full_like" else ()
    if name == "rand_like" and not hasattr(numtorch, "rand_like"):
        pytest.skip("rand_like not there")
    a, b = getattr(numtorch, name)(na, *args), getattr(torch, name)(base, *args)
    assert a.shape == b.shape and a.stride() == b.stride() and str(a.dtype) == str(b.dtype)
    if name not in ("empty_like", "rand_like"):
        assert_same(a, b)
    a = getattr(numtorch, name)(na, *args, dtype=numtorch.int32)
    b = getattr(torch, name)(base, *args, dtype=torch.int32)
    assert a.stride() == b.stride() and str(a.dtype) == str(b.dtype) if name != "rand_like" else True
    from numtorch import contiguous_format
    a = getattr(numtorch, name)(na, *args, memory_format=contiguous_format) if name != "rand_like" else a
    if name != "rand_like":
        assert a.is_contiguous()
    r = getattr(numtorch, name)(na, *args, requires_grad=True) if name != "rand_like" else None
    assert r is None or r.requires_grad


def test_new_methods():
    ta = torch.ones(2, 3, dtype=torch.float64)
    na = to_nt(ta)
    for m, args in (("new_zeros", (2,)), ("new_ones", ((1, 2),)), ("new_empty", (3, 1)),
                    ("new_full", ((2,), 5)), ("new_tensor", ([1, 2],)), ("new_zeros", ([2, 2],)),
                    ("new_ones", (numtorch.Size([2]),))):
        a = getattr(na, m)(*args)
        b = getattr(ta, m)(*[torch.Size(x) if isinstance(x, numtorch.Size) else x for x in args])
        if m == "new_empty":
            a, b = a.zero_(), b.zero_()
        assert_same(a, b)
        a = getattr(na, m)(*args, dtype=numtorch.int8)
        targs = [torch.Size(x) if isinstance(x, numtorch.Size) else x for x in args]
        b = getattr(ta, m)(*targs, dtype=torch.int8)
        assert str(a.dtype) == str(b.dtype)
    assert na.new_tensor([1.5], requires_grad=True).requires_grad
    a, b = na.new_empty_strided((2, 2), (1, 2)), ta.new_empty_strided((2, 2), (1, 2))
    assert a.stride() == b.stride() and str(a.dtype) == str(b.dtype)
    assert_same(na.new_tensor(3), ta.new_tensor(3))


@pytest.mark.parametrize("dt", DTYPE_NAMES)
def test_every_dtype_roundtrip(dt):
    vals = [0, 1, 3] if dt != "bool" else [True, False, True]
    a = numtorch.tensor(vals, dtype=getattr(numtorch, dt))
    b = torch.tensor(vals, dtype=getattr(torch, dt))
    assert_same(a, b)
    assert a.tolist() == b.tolist()
    assert_same(numtorch.zeros(2, dtype=getattr(numtorch, dt)), torch.zeros(2, dtype=getattr(torch, dt)))


@pytest.mark.parametrize("call", [
    lambda L: L.zeros(2, pin_memory=True), lambda L: L.empty(2, pin_memory=True),
    lambda L: L.full((2,), 1.0, pin_memory=True), lambda L: L.tensor([1.0], pin_memory=True),
    lambda L: L.arange(3, pin_memory=True), lambda L: L.eye(2, pin_memory=True),
    lambda L: L.rand(2, pin_memory=True), lambda L: L.randint(3, (2,), pin_memory=True),
    lambda L: L.ones(2).new_zeros(2, pin_memory=True),
])
def test_pin_memory_without_accelerator(call):
    """pin_memory=True needs an accelerator's pinned allocator: without one, torch's error."""
    if numtorch.cuda.is_available() or torch.cuda.is_available():
        pytest.skip("an accelerator is present: pinning is allowed")
    same_error(lambda: call(numtorch), lambda: call(torch))


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32"])
def test_arange_float_bit_exact(dtype):
    """torch's arange kernel: per-vector bases rounded to the dtype, a scalar tail, at::parallel_for chunks
    (so the thread count matters past 32768 elements): bit for bit, with one and two threads."""
    rng = np.random.default_rng(7)
    cases = [(0, 10), (0, 1, 0.1), (-3, 3, 0.25), (0, 100000, 0.7), (3, 250000, 1.3)]
    for _ in range(40):
        s, st = float(rng.uniform(-50, 50)), float(rng.uniform(0.001, 3)) * float(rng.choice([1, -1]))
        cases.append((s, s + st * int(rng.integers(0, 3000)) + st * 0.5, st))
    threads = torch.get_num_threads(), numtorch.get_num_threads()
    try:
        for n in (1, 2):
            torch.set_num_threads(n)
            numtorch.set_num_threads(n)
            for args in cases:
                e = torch.arange(*args, dtype=getattr(torch, dtype))
                r = numtorch.arange(*args, dtype=getattr(numtorch, dtype))
                np.testing.assert_array_equal(r.double().numpy(), e.double().numpy(), err_msg=str(args))
    finally:
        torch.set_num_threads(threads[0])
        numtorch.set_num_threads(threads[1])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_linspace_float_bit_exact(dtype):
    """torch's linspace: step in the dtype, fma(step, i, start) up to halfway, fma(-step, steps - 1 - i, end)
    after: bit for bit."""
    rng = np.random.default_rng(3)
    cases = [(0, 1, 5), (0, 1, 2), (3, -2, 7), (1e30, -1e30, 11), (0, 0, 4), (-1, 1, 100001), (5, 5, 1), (0, 1, 0)]
    cases += [(float(rng.uniform(-50, 50)), float(rng.uniform(-50, 50)), int(rng.integers(2, 3000)))
              for _ in range(40)]
    for args in cases:
        e = torch.linspace(*args, dtype=getattr(torch, dtype))
        r = numtorch.linspace(*args, dtype=getattr(numtorch, dtype))
        np.testing.assert_array_equal(r.numpy(), e.numpy(), err_msg=str(args))
