"""Tensor core against torch: geometry, torch.Size, dtypes and their info, legacy types, arithmetic through
the registry (dunders, in-place, out=, errors), copies and conversions, the Python protocol."""
from __future__ import annotations

import operator
import re
import warnings

import numpy as np
import pytest
import torch
from conftest import DTYPE_NAMES, assert_same, outcome, same_error, same_result, to_nt

import numtorch

pytestmark = pytest.mark.filterwarnings("ignore:overflow encountered", "ignore:invalid value encountered",
                                        "ignore:divide by zero encountered")


def _views(lib):
    """The same family of views built with each library's own ops."""
    base = lib.arange(24.0).reshape(2, 3, 4)
    return {"base": base, "t": base.transpose(0, 2), "slice": base[1], "step": base[:, ::2],
            "narrow": base[:, 1:, 2:], "0d": base[1, 2, 3], "empty": lib.zeros(0, 3), "expand":
            lib.ones(3, 1).expand(3, 4), "scalar": lib.tensor(5)}


@pytest.mark.parametrize("name", list(_views(torch)))
def test_geometry(name):
    a, b = _views(numtorch)[name], _views(torch)[name]
    assert a.shape == b.shape and type(a.shape).__name__ == "Size"
    assert a.size() == b.size() and repr(a.size()) == repr(b.size())
    for d in range(-b.dim(), b.dim()):
        assert a.size(d) == b.size(d) and a.stride(d) == b.stride(d)
    assert (a.dim(), a.ndim, a.ndimension(), a.numel(), a.nelement()) == \
        (b.dim(), b.ndim, b.ndimension(), b.numel(), b.nelement())
    assert a.stride() == b.stride()
    assert a.storage_offset() == b.storage_offset()
    assert a.is_contiguous() == b.is_contiguous()
    assert (a.element_size(), a.itemsize, a.nbytes) == (b.element_size(), b.itemsize, b.nbytes)
    assert str(a.dtype) == str(b.dtype) and str(a.device) == str(b.device)
    same_error(lambda: a.size(b.dim() + 1), lambda: b.size(b.dim() + 1))
    same_error(lambda: a.stride(-b.dim() - 2), lambda: b.stride(-b.dim() - 2))


def test_data_ptr_relations():
    for lib in (numtorch, torch):
        x = lib.arange(12).reshape(3, 4)
        assert x[1].data_ptr() == x.data_ptr() + 4 * 8
        assert x.t().data_ptr() == x.data_ptr()
        assert x.clone().data_ptr() != x.data_ptr()
        assert x.view(-1).data_ptr() == x.data_ptr()
        assert x[:, 2:].data_ptr() - x.data_ptr() == 2 * x.element_size()


def test_to_nt_roundtrip():
    t = torch.arange(30.0).reshape(5, 6)[1:, ::2].t()
    n = to_nt(t)
    assert_same(n, t, strides=True)
    assert n.storage_offset() == t.storage_offset()


# ---- torch.Size --------------------------------------------------------------------------------------

def test_size():
    for lib in (numtorch, torch):
        pass
    a, b = numtorch.Size([2, 3, 4]), torch.Size([2, 3, 4])
    assert repr(a) == repr(b) and str(a) == str(b)
    assert a.numel() == b.numel() and numtorch.Size([]).numel() == torch.Size([]).numel()
    assert repr(a[1:]) == repr(b[1:]) and a[1] == b[1]
    assert repr(a + (5,)) == repr(b + (5,))
    assert repr((1,) + a) == repr((1,) + b)
    assert repr(a * 2) == repr(b * 2)
    assert a == (2, 3, 4) and isinstance(a, tuple)
    assert repr(numtorch.Size()) == repr(torch.Size())
    assert repr(numtorch.Size((np.int64(2), 3))) == repr(torch.Size((np.int64(2), 3)))
    same_error(lambda: numtorch.Size([2.0]), lambda: torch.Size([2.0]))
    same_error(lambda: numtorch.Size(["a"]), lambda: torch.Size(["a"]))
    import pickle
    assert pickle.loads(pickle.dumps(a)) == a and type(pickle.loads(pickle.dumps(a))) is numtorch.Size


# ---- dtypes -------------------------------------------------------------------------------------------

ALIASES = ["float", "double", "half", "long", "int", "short", "bool", "cfloat", "cdouble", "chalf",
           "bfloat16", "uint8", "int8", "complex32", "float32", "float64", "float16", "int16", "int32",
           "int64",
           "complex64", "complex128", "uint16", "uint32", "uint64"]


@pytest.mark.parametrize("name", ALIASES)
def test_dtype_aliases(name):
    a, b = getattr(numtorch, name), getattr(torch, name)
    assert repr(a) == repr(b) and str(a) == str(b)
    assert (a.is_floating_point, a.is_complex, a.is_signed, a.itemsize) == \
        (b.is_floating_point, b.is_complex, b.is_signed, b.itemsize)
    assert isinstance(a, numtorch.dtype)


@pytest.mark.parametrize("name", DTYPE_NAMES)
def test_finfo_iinfo(name):
    a, b = getattr(numtorch, name), getattr(torch, name)
    if b.is_floating_point or b.is_complex:
        fa, fb = numtorch.finfo(a), torch.finfo(b)
        for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
            assert getattr(fa, attr) == getattr(fb, attr), attr
        assert repr(fa) == repr(fb) and str(fa) == str(fb)
        same_error(lambda: numtorch.iinfo(a), lambda: torch.iinfo(b), match_message=False)
    elif b is not torch.bool:
        ia, ib = numtorch.iinfo(a), torch.iinfo(b)
        for attr in ("bits", "max", "min", "dtype"):
            assert getattr(ia, attr) == getattr(ib, attr), attr
        assert repr(ia) == repr(ib)
        same_error(lambda: numtorch.finfo(a), lambda: torch.finfo(b), match_message=False)


def test_finfo_default():
    assert repr(numtorch.finfo()) == repr(torch.finfo())


def test_default_dtype():
    assert str(numtorch.get_default_dtype()) == str(torch.get_default_dtype())
    for name in ("float64", "float16", "bfloat16", "float32"):
        numtorch.set_default_dtype(getattr(numtorch, name))
        torch.set_default_dtype(getattr(torch, name))
        try:
            for data in (1.5, [1.0, 2], 3) + ((1j,) if name != "bfloat16" else ()):
                assert str(numtorch.tensor(data).dtype) == str(torch.tensor(data).dtype)
            assert str(numtorch.zeros(2).dtype) == str(torch.zeros(2).dtype)
            assert str(numtorch.arange(2.0).dtype) == str(torch.arange(2.0).dtype)
            assert str((numtorch.ones(2, dtype=numtorch.int64) / 2).dtype) == \
                str((torch.ones(2, dtype=torch.int64) / 2).dtype)
        finally:
            numtorch.set_default_dtype(numtorch.float32)
            torch.set_default_dtype(torch.float32)
    for bad in ("int64", "complex64"):
        same_error(lambda: numtorch.set_default_dtype(getattr(numtorch, bad)),
                   lambda: torch.set_default_dtype(getattr(torch, bad)))


def test_is_dtype_predicates():
    for name in DTYPE_NAMES:
        a, b = numtorch.ones(2, dtype=getattr(numtorch, name)), torch.ones(2, dtype=getattr(torch, name))
        assert (a.is_floating_point(), a.is_complex(), numtorch.is_floating_point(a),
                numtorch.is_complex(a)) == \
            (b.is_floating_point(), b.is_complex(), torch.is_floating_point(b), torch.is_complex(b))
        assert a.is_signed() == b.is_signed(), name


# ---- legacy types -------------------------------------------------------------------------------------

LEGACY = ["FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor", "LongTensor", "IntTensor",
          "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor"]


@pytest.mark.parametrize("name", LEGACY)
def test_legacy_types(name):
    A, B = getattr(numtorch, name), getattr(torch, name)
    assert repr(A) == repr(B)
    assert_same(A(2, 3).zero_(), B(2, 3).zero_())
    assert_same(A([1, 2]), B([1, 2]))
    assert_same(A(), B())
    assert isinstance(A([1]), A) and not isinstance(numtorch.ones(1, dtype=numtorch.complex64), A)
    a, b = numtorch.ones(2), torch.ones(2)
    assert a.type(name if False else f"torch.{name}").type() == b.type(f"torch.{name}").type()
    assert_same(a.type(A), b.type(B))
    assert a.type(A).type() == b.type(B).type()


def test_tensor_type_and_legacy_constructor():
    assert numtorch.ones(2).type() == torch.ones(2).type()
    assert numtorch.ones(2, dtype=numtorch.int8).type() == torch.ones(2, dtype=torch.int8).type()
    assert_same(numtorch.ones(2).type(numtorch.float64), torch.ones(2).type(torch.float64))
    assert_same(numtorch.Tensor(2, 3).zero_(), torch.Tensor(2, 3).zero_())
    assert_same(numtorch.Tensor([1, 2]), torch.Tensor([1, 2]))
    assert_same(numtorch.Tensor(), torch.Tensor())
    assert_same(numtorch.Tensor(numtorch.Size([2])).zero_(), torch.Tensor(torch.Size([2])).zero_())
    same_error(lambda: numtorch.ones(2).type("torch.Foo"), lambda: torch.ones(2).type("torch.Foo"),
               match_message=False)
    assert isinstance(numtorch.ones(2), numtorch.Tensor)


# ---- arithmetic through the registry -----------------------------------------------------------------

BINOPS = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "truediv": operator.truediv,
          "floordiv": operator.floordiv, "mod": operator.mod, "pow": operator.pow,
          "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le, "gt": operator.gt,
          "ge": operator.ge, "and": operator.and_, "or": operator.or_, "xor": operator.xor}
VALUES = {"float32": [[1.5, -2.0, 3.0], [0.5, 4.0, -7.25]], "int64": [[3, -7, 2], [9, 4, -5]],
          "int32": [[1, 2, 3], [4, 5, 6]], "bool": [[True, False, True], [False, False, True]],
          "float64": [[-1.0, 2.0, 0.25], [8.0, -3.0, 1.0]]}


def _pair(dtype, values=None):
    v = values if values is not None else VALUES[dtype]
    return (numtorch.tensor(v, dtype=getattr(numtorch, dtype)), torch.tensor(v, dtype=getattr(torch, dtype)))


def _cmp_outcomes(f_nt, f_th):
    a, b = outcome(f_nt), outcome(f_th)
    if a[0] == "ok" and b[0] == "ok":
        assert_same(a[1], b[1], exact=False, rtol=1e-6)
    else:
        assert a[:2] == b[:2] and a[2] == b[2], (a, b)


@pytest.mark.parametrize("op", list(BINOPS))
@pytest.mark.parametrize("lhs", ["float32", "int64", "bool"])
@pytest.mark.parametrize("rhs", ["float32", "int64", "int32", "bool", 2, -3, 2.5, True])
def test_binary_dunders(op, lhs, rhs):
    f = BINOPS[op]
    xa, xb = _pair(lhs)
    if isinstance(rhs, str):
        ya, yb = _pair(rhs)
        ya, yb = ya[1], yb[1]  # broadcast (2, 3) with (3,)
    else:
        ya = yb = rhs
    _cmp_outcomes(lambda: f(xa, ya), lambda: f(xb, yb))
    if not isinstance(rhs, str):  # reflected
        _cmp_outcomes(lambda: f(ya, xa), lambda: f(yb, xb))


@pytest.mark.parametrize("op", ["add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "and", "or"])
@pytest.mark.parametrize("lhs", ["float32", "int64", "bool"])
@pytest.mark.parametrize("rhs", ["float32", "int64", "bool", 2, 2.5])
def test_inplace_dunders(op, lhs, rhs):
    iop = getattr(operator, "i" + op.rstrip("_").replace("truediv", "truediv"))
    xa, xb = _pair(lhs)
    ya, yb = (_pair(rhs)[0][0], _pair(rhs)[1][0]) if isinstance(rhs, str) else (rhs, rhs)
    ra, rb = outcome(lambda: iop(xa, ya)), outcome(lambda: iop(xb, yb))
    assert ra[0] == rb[0], (ra, rb)
    if ra[0] == "ok":
        assert ra[1] is xa
        assert_same(xa, xb, exact=False)
    else:
        assert ra[1:] == rb[1:]


def test_unary_and_functions():
    xa, xb = _pair("float32")
    for f in (operator.neg, abs, operator.pos, lambda x: x.abs(), lambda x: x.neg(), lambda x: -x.exp()):
        _cmp_outcomes(lambda: f(xa), lambda: f(xb))
    ia, ib = _pair("int64")
    _cmp_outcomes(lambda: ~ia, lambda: ~ib)
    ba, bb = _pair("bool")
    _cmp_outcomes(lambda: ~ba, lambda: ~bb)
    _cmp_outcomes(lambda: -ba, lambda: -bb)
    for lib, x, i in ((numtorch, xa, ia), (torch, xb, ib)):
        pass
    cases = [lambda lib, x, i: lib.add(x, i, alpha=2), lambda lib, x, i: lib.sub(x, 1, alpha=3),
             lambda lib, x, i: x.add(i, alpha=0.5), lambda lib, x, i: lib.add(i, i, alpha=2.5),
             lambda lib, x, i: lib.mul(x, i), lambda lib, x, i: lib.div(x, i),
             lambda lib, x, i: lib.div(i, 3, rounding_mode="floor"),
             lambda lib, x, i: lib.div(i, 3, rounding_mode="trunc"),
             lambda lib, x, i: lib.div(x, 3, rounding_mode="trunc"),
             lambda lib, x, i: lib.div(i, 3, rounding_mode="bad"),
             lambda lib, x, i: lib.true_divide(i, 2), lambda lib, x, i: lib.subtract(i, x),
             lambda lib, x, i: lib.multiply(2, x) if False else lib.multiply(x, 2),
             lambda lib, x, i: lib.remainder(i, -3), lambda lib, x, i: lib.fmod(i, -3),
             lambda lib, x, i: lib.floor_divide(x, -2.0), lambda lib, x, i: lib.pow(i, 2),
             lambda lib, x, i: lib.pow(i, -1), lambda lib, x, i: 2 ** i,
             lambda lib, x, i: lib.rsub(x, 1), lambda lib, x, i: i.div_(2),
             lambda lib, x, i: x.clone().div_(2, rounding_mode="floor"), lambda lib, x, i: i.true_divide(4)]
    for c in cases:
        _cmp_outcomes(lambda: c(numtorch, xa.clone(), ia.clone()), lambda: c(torch, xb.clone(), ib.clone()))


def test_arithmetic_errors():
    xa, xb = numtorch.ones(2, 3), torch.ones(2, 3)
    same_error(lambda: xa + numtorch.ones(4), lambda: xb + torch.ones(4))
    same_error(lambda: xa * numtorch.ones(2), lambda: xb * torch.ones(2))
    ia, ib = numtorch.tensor([1, 2]), torch.tensor([1, 2])
    same_error(lambda: ia // 0, lambda: ib // 0)
    same_error(lambda: ia % numtorch.tensor([0, 1]), lambda: ib % torch.tensor([0, 1]))
    ba, bb = numtorch.tensor([True]), torch.tensor([True])
    same_error(lambda: ba - ba, lambda: bb - bb)
    same_error(lambda: ia - ba, lambda: ib - bb)
    same_error(lambda: ba - 1, lambda: bb - 1)
    same_error(lambda: ia.sub_(True), lambda: ib.sub_(True))
    same_error(lambda: -ba, lambda: -bb)
    same_error(lambda: ia.add_(1.5), lambda: ib.add_(1.5))
    same_error(lambda: ia.div_(2), lambda: ib.div_(2))
    same_error(lambda: ia.__iadd__(numtorch.ones(2)), lambda: ib.__iadd__(torch.ones(2)))
    same_error(lambda: ba.mul_(2), lambda: bb.mul_(2))
    same_error(lambda: numtorch.ones(3).add_(numtorch.ones(2, 3)),
               lambda: torch.ones(3).add_(torch.ones(2, 3)))
    same_error(lambda: xa + "a", lambda: xb + "a")
    same_error(lambda: numtorch.add(xa, "a"), lambda: torch.add(xb, "a"))
    same_error(lambda: numtorch.ones(2, dtype=numtorch.float32) & 1,
               lambda: torch.ones(2, dtype=torch.float32) & 1)
    same_error(lambda: ia ** -1, lambda: ib ** -1)


def test_int_overflow_wraps():
    for dt in ("int8", "uint8", "int32", "int64"):
        info = np.iinfo(dt)
        a, b = _pair(dt, [int(info.max), int(info.min)]) if dt in ("int64",) else \
            (numtorch.tensor([int(info.max), int(info.min)], dtype=getattr(numtorch, dt)),
             torch.tensor([int(info.max), int(info.min)], dtype=getattr(torch, dt)))
        assert_same(a + 1, b + 1)
        assert_same(a * 3, b * 3)
        assert_same(a - 1, b - 1)
        assert_same(a + 300, b + 300)


def test_out_argument():
    xa, xb = numtorch.ones(2, 3), torch.ones(2, 3)
    oa, ob = numtorch.empty(2, 3), torch.empty(2, 3)
    assert numtorch.add(xa, 1, out=oa) is oa
    torch.add(xb, 1, out=ob)
    assert_same(oa, ob)
    oa, ob = numtorch.empty(5), torch.empty(5)
    with warnings.catch_warnings(record=True) as wa:
        warnings.simplefilter("always")
        numtorch.mul(xa, 2, out=oa)
    with warnings.catch_warnings(record=True) as wb:
        warnings.simplefilter("always")
        torch.mul(xb, 2, out=ob)
    assert_same(oa, ob)
    assert [str(w.message) for w in wa] == [str(w.message).split(" (Triggered")[0] for w in wb]
    oa, ob = numtorch.empty(0), torch.empty(0)
    numtorch.sub(xa, 2, out=oa), torch.sub(xb, 2, out=ob)
    assert_same(oa, ob)
    same_error(lambda: numtorch.add(xa, 1.5, out=numtorch.empty(2, 3, dtype=numtorch.int64)),
               lambda: torch.add(xb, 1.5, out=torch.empty(2, 3, dtype=torch.int64)))
    oa, ob = numtorch.empty(2, 3, dtype=numtorch.float64), torch.empty(2, 3, dtype=torch.float64)
    numtorch.add(xa, 1, out=oa), torch.add(xb, 1, out=ob)
    assert_same(oa, ob)
    oa, ob = numtorch.empty(2, 3, dtype=numtorch.bool), torch.empty(2, 3, dtype=torch.bool)
    numtorch.gt(xa, 0, out=oa), torch.gt(xb, 0, out=ob)
    assert_same(oa, ob)
    ra, rb = numtorch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    same_error(lambda: numtorch.add(ra, 1, out=numtorch.empty(2)),
               lambda: torch.add(rb, 1, out=torch.empty(2)))


# ---- copies and conversions ---------------------------------------------------------------------------

def test_clone_copy_detach_contiguous():
    ta = torch.arange(6.0).reshape(2, 3).t()
    na = to_nt(ta)
    assert_same(na.clone(), ta.clone(), strides=True)
    assert_same(na.contiguous(), ta.contiguous(), strides=True)
    assert na.contiguous() is not na and na.clone().contiguous() is not None
    c = numtorch.ones(2)
    assert c.contiguous() is c
    d = na.detach()
    assert d.data_ptr() == na.data_ptr() and not d.requires_grad
    d.fill_(7)
    assert float(na[0, 0]) == 7.0
    # copy_: broadcast and cast
    da, db = numtorch.zeros(2, 3, dtype=numtorch.int32), torch.zeros(2, 3, dtype=torch.int32)
    assert da.copy_(numtorch.tensor([1.7, -2.2, 3.9])) is da
    db.copy_(torch.tensor([1.7, -2.2, 3.9]))
    assert_same(da, db)
    same_error(lambda: da.copy_(numtorch.ones(4)), lambda: db.copy_(torch.ones(4)))
    same_error(lambda: numtorch.ones(3).copy_(numtorch.ones(2, 3)),
               lambda: torch.ones(3).copy_(torch.ones(2, 3)))
    fa, fb = numtorch.zeros(3, dtype=numtorch.float32), torch.zeros(3, dtype=torch.float32)
    assert_same(fa.copy_(numtorch.tensor([True, False, True])), fb.copy_(torch.tensor([True, False, True])))


@pytest.mark.parametrize("method", ["float", "double", "half", "bfloat16", "long", "int", "short", "char",
                                    "byte", "bool", "cfloat", "cdouble"])
def test_conversion_methods(method):
    ta = torch.tensor([[1.5, -2.7, 0.0], [3.2, 250.0, -0.5]])
    na = to_nt(ta)
    assert_same(getattr(na, method)(), getattr(ta, method)())
    assert getattr(na.to(getattr(numtorch, ta.dtype.__str__()[6:])), method)() is not None


def test_to():
    ta = torch.arange(6.0).reshape(2, 3).t()
    na = to_nt(ta)
    assert na.to(numtorch.float32) is na
    assert na.to("cpu") is na and na.to(numtorch.device("cpu")) is na
    assert na.to(numtorch.float32, copy=True) is not na
    assert_same(na.to(numtorch.float64), ta.to(torch.float64), strides=True)
    assert_same(na.to("cpu", numtorch.int32), ta.to("cpu", torch.int32), strides=True)
    assert_same(na.to(dtype=numtorch.int8), ta.to(dtype=torch.int8))
    assert_same(na.to(numtorch.ones(1, dtype=numtorch.float16)), ta.to(torch.ones(1, dtype=torch.float16)))
    assert na.cpu() is na
    assert_same(na.to(device="cpu", dtype=numtorch.complex64), ta.to(device="cpu", dtype=torch.complex64))
    same_error(lambda: na.to("gpu"), lambda: ta.to("gpu"))


def test_scalars_and_protocol():
    for v in (3, -2.5, True, 1 + 2j):
        a, b = numtorch.tensor(v), torch.tensor(v)
        assert_same(a.item(), b.item())
        assert_same(a.tolist(), b.tolist())
        for f in (float, complex, bool) if isinstance(v, complex) is False else (complex, bool):
            assert_same(f(a), f(b))
        if not isinstance(v, complex):
            assert_same(int(a), int(b))
    same_error(lambda: float(numtorch.tensor(1j)), lambda: float(torch.tensor(1j)), match_message=False)
    ta = torch.tensor([[1.5, 2.0], [3.0, 4.0]])
    na = to_nt(ta)
    assert_same(na.tolist(), ta.tolist())
    assert len(na) == len(ta)
    assert [x.tolist() for x in na] == [x.tolist() for x in ta]
    assert (1.5 in na) == (1.5 in ta) and (7 in na) == (7 in ta)
    same_error(lambda: bool(na), lambda: bool(ta))
    same_error(lambda: bool(numtorch.ones(0)), lambda: bool(torch.ones(0)))
    same_error(lambda: na.item(), lambda: ta.item())
    same_error(lambda: float(na), lambda: float(ta))
    same_error(lambda: int(na), lambda: int(ta))
    same_error(lambda: len(numtorch.tensor(1)), lambda: len(torch.tensor(1)))
    same_error(lambda: iter(numtorch.tensor(1)), lambda: iter(torch.tensor(1)))
    assert [10, 20, 30][numtorch.tensor(1)] == [10, 20, 30][torch.tensor(1)]
    same_error(lambda: [1, 2][numtorch.tensor(1.0)], lambda: [1, 2][torch.tensor(1.0)])
    same_error(lambda: [1, 2][numtorch.tensor([1, 0])], lambda: [1, 2][torch.tensor([1, 0])])
    assert bool(numtorch.tensor([0.0])) == bool(torch.tensor([0.0]))
    assert numtorch.tensor([[7]]).item() == 7 and numtorch.is_nonzero(numtorch.tensor([1]))
    same_error(lambda: numtorch.is_nonzero(numtorch.ones(2)), lambda: torch.is_nonzero(torch.ones(2)))
    assert numtorch.is_tensor(na) and not numtorch.is_tensor(1) and numtorch.numel(na) == 4
    same_error(lambda: hash(na) and {na: 1}[numtorch.ones(1)], lambda: hash(ta) and {ta: 1}[torch.ones(1)],
               match_message=False)


def test_requires_grad_flags():
    a, b = numtorch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    assert (a.requires_grad, a.is_leaf, a.grad_fn) == (b.requires_grad, b.is_leaf, b.grad_fn)
    same_error(lambda: numtorch.ones(2, dtype=numtorch.int64, requires_grad=True),
               lambda: torch.ones(2, dtype=torch.int64, requires_grad=True))
    same_error(lambda: numtorch.ones(2, dtype=numtorch.int64).requires_grad_(),
               lambda: torch.ones(2, dtype=torch.int64).requires_grad_())
    same_error(lambda: a.add_(1), lambda: b.add_(1))
    same_error(lambda: a.numpy(), lambda: b.numpy())


@pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "true_divide", "floor_divide", "multiply",
                                  "subtract", "divide"])
def test_numbers_as_tensors(name):
    """torch's numbers-as-tensors ops wrap a Python number given as `input`, even when no operand is a tensor
    (torch.add(1, 2) is tensor(3)); errors (bool subtraction, complex floor division) as torch's."""
    for args in [(1, 2), (1.5, 2), (True, True), (2, 3.5j), (7, 2), (True, 2), (2.5, True)]:
        same_result(lambda L: getattr(L, name)(*args))
    same_result(lambda L: getattr(L, name)(1.5, L.ones(2, dtype=L.int32)))
    same_result(lambda L: getattr(L, name)(3, 2, out=L.empty(0)))


def test_numbers_as_tensors_options():
    for f in (lambda L: L.add(1, 2, alpha=3), lambda L: L.div(7, 2, rounding_mode="floor"),
              lambda L: L.sub(1.5, 2, alpha=2)):
        same_result(f)
    with pytest.raises(TypeError, match="must be Tensor, not int"):  # not one of torch's list
        numtorch.remainder(1, 2)


def test_constants_settings_and_version():
    """torch's constants; the settings numtorch records and reports back (checked as torch checks them);
    torch.version's fields on a build without CUDA."""
    import math
    assert (numtorch.inf, numtorch.pi, numtorch.e, numtorch.newaxis) == (torch.inf, torch.pi, torch.e, None)
    assert math.isnan(numtorch.nan)
    n = numtorch.get_num_threads()
    numtorch.set_num_threads(3)
    assert numtorch.get_num_threads() == 3
    numtorch.set_num_threads(n)
    for bad in (0, 2.5):
        with pytest.raises(RuntimeError) as th:
            torch.set_num_threads(bad)
        with pytest.raises(RuntimeError, match=re.escape(str(th.value))):
            numtorch.set_num_threads(bad)
    numtorch.set_float32_matmul_precision("high")
    assert numtorch.get_float32_matmul_precision() == "high"
    with pytest.warns(UserWarning, match="is not one of"):
        numtorch.set_float32_matmul_precision("fast")
    assert numtorch.get_float32_matmul_precision() == "high"
    numtorch.set_float32_matmul_precision("highest")
    numtorch.use_deterministic_algorithms(True, warn_only=True)
    assert numtorch.are_deterministic_algorithms_enabled() and numtorch.is_deterministic_algorithms_warn_only_enabled()
    numtorch.use_deterministic_algorithms(False)
    assert not numtorch.are_deterministic_algorithms_enabled()
    with pytest.raises(TypeError):
        numtorch.use_deterministic_algorithms("yes")
    if not numtorch.cuda.is_available():
        assert numtorch.version.cuda is None
    assert numtorch.version.__version__ == numtorch.__version__


def test_ravel():
    for make in (lambda L: L.arange(6.0).view(2, 3), lambda L: L.arange(6.0).view(2, 3).t()):
        a, b = make(numtorch).requires_grad_(), make(torch).requires_grad_()
        ra, rb = (a * 1).ravel(), (b * 1).ravel()
        assert ra.tolist() == rb.tolist() and ra.grad_fn.name() == rb.grad_fn.name()
        assert numtorch.ravel(a).tolist() == torch.ravel(b).tolist()
