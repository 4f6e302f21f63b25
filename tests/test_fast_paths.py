"""The small-op fast paths (Note [hot path] in numtorch/_ops/_registry.py) against torch: each lean path gives
what the general path gives, and hands over to it (torch's promotion, errors, autograd) whenever an input is
unusual. Also the torch-parity fixes made alongside: where's mask takes no part in promotion, softmax has no
guard for an infinite max, relu(-0.0) is -0.0."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import numtorch as nt

LIBS = (torch, nt)


def _same(t, n, signed_zeros=True):
    """Same type of result, dtype, shape, strides, grad_fn name and values (NaNs and signed zeros too)."""
    if isinstance(t, tuple):
        assert type(t).__name__ == type(n).__name__ and len(t) == len(n)
        for a, b in zip(t, n):
            _same(a, b, signed_zeros)
        return
    assert str(t.dtype) == str(n.dtype)
    assert tuple(t.shape) == tuple(n.shape)
    assert t.stride() == n.stride()
    assert (t.grad_fn is None) == (n.grad_fn is None)
    if t.grad_fn is not None:
        assert t.grad_fn.name() == n.grad_fn.name()
    if t.dtype in (torch.bfloat16, torch.float16):
        t, n = t.float(), n.float()
        rtol, atol = 1e-2, 1e-3
    else:
        rtol, atol = 1.3e-6, 1e-5
    a, b = t.detach().numpy(), n.detach().numpy()
    np.testing.assert_allclose(b, a, rtol=rtol, atol=atol, equal_nan=True)
    if signed_zeros and a.dtype.kind == "f":
        zeros = a == 0
        np.testing.assert_array_equal(np.signbit(b[zeros]), np.signbit(a[zeros]))


def _both(fn, signed_zeros=True):
    """fn(lib) under torch and numtorch: the same result, or the same exception class and message."""
    out = []
    for lib in LIBS:
        try:
            out.append(fn(lib))
        except Exception as e:  # noqa: BLE001 - the exception itself is compared
            out.append(e)
    t, n = out
    if isinstance(t, Exception):
        assert type(n) is type(t), (t, n)
        assert str(n).split("\n")[0] == str(t).split("\n")[0]
    else:
        assert not isinstance(n, Exception), n
        _same(t, n, signed_zeros)


def _x(lib, data=None, dtype="float32", rg=False, shape=(4, 8)):
    if data is None:
        data = np.random.default_rng(0).standard_normal(shape)
    return lib.tensor(data, dtype=getattr(lib, dtype), requires_grad=rg)


CLAMP_CASES = {
    "floats": lambda lib: _x(lib).clamp(-1.0, 1.0),
    "function": lambda lib: lib.clamp(_x(lib), -0.5, 0.5),
    "clip": lambda lib: lib.clip(_x(lib), -0.5, 0.5),
    "keywords": lambda lib: _x(lib).clamp(min=-0.5, max=0.5),
    "min only": lambda lib: _x(lib).clamp(-0.5),
    "max keyword": lambda lib: _x(lib).clamp(max=0.5),
    "min above max": lambda lib: _x(lib).clamp(2.0, 1.0),
    "nan bound": lambda lib: _x(lib).clamp(float("nan"), 1.0),
    "nan input": lambda lib: _x(lib, [float("nan"), -0.0, 3.0]).clamp(-0.0, 1.0),
    "signed zero bounds": lambda lib: [_x(lib, [-0.0, 0.0]).clamp(0, 1), _x(lib, [-0.0, 0.0]).clamp(-0.0, 1)][1],
    "signed zero max": lambda lib: [_x(lib, [-0.0, 0.0]).clamp(-1, 0), _x(lib, [-0.0, 0.0]).clamp(-1, -0.0)][1],
    "float64": lambda lib: _x(lib, dtype="float64").clamp(-1, 1),
    "int float bounds": lambda lib: _x(lib, [1, 5, -3], "int64").clamp(0.5, 2.5),
    "int int bounds": lambda lib: _x(lib, [1, 5, -3], "int32").clamp(1, 2),
    "bool int bounds": lambda lib: _x(lib, [True, False], "bool").clamp(0, 1),
    "uint8 negative bound": lambda lib: _x(lib, [0, 3, 200], "uint8").clamp(-1, 5),
    "float16": lambda lib: _x(lib, dtype="float16").clamp(-1.0, 1.0),
    "tensor bounds": lambda lib: _x(lib).clamp(_x(lib, shape=(8,)), _x(lib, shape=(4, 1)) + 1),
    "tensor bound other dtype": lambda lib: _x(lib).clamp(_x(lib, shape=(8,), dtype="float64")),
    "bad broadcast": lambda lib: _x(lib).clamp(_x(lib, shape=(3,)), _x(lib, shape=(3,))),
    "neither bound": lambda lib: _x(lib).clamp(),
    "complex": lambda lib: _x(lib, [1 + 1j], "complex64").clamp(0.0, 1.0),
    "grad scalars": lambda lib: _x(lib, rg=True).clamp(-0.5, 0.5),
    "grad tensor bounds": lambda lib: _x(lib, rg=True).clamp(_x(lib, shape=(8,)), _x(lib, shape=(8,)) + 1),
    "grad max tensor": lambda lib: _x(lib, rg=True).clamp(max=_x(lib, shape=(8,))),
    "grad min tensor positional": lambda lib: _x(lib, rg=True).clamp(_x(lib, shape=(8,))),
    "grad max number": lambda lib: lib.clamp(_x(lib, rg=True), None, 0.5),
    "grad min number": lambda lib: _x(lib, rg=True).clip(0.5),
    "grad on a bound": lambda lib: _x(lib).clamp(_x(lib, shape=(8,), rg=True), _x(lib, shape=(8,)) + 1),
    "no_grad": lambda lib: _no_grad(lib, lambda: _x(lib, rg=True).clamp(-0.5, 0.5)),
    "out": lambda lib: lib.clamp(_x(lib), -0.5, 0.5, out=lib.empty(4, 8)),
}


def _no_grad(lib, fn):
    with lib.no_grad():
        return fn()


@pytest.mark.parametrize("case", sorted(CLAMP_CASES))
def test_clamp(case):
    _both(CLAMP_CASES[case])


WHERE_CASES = {
    "tensors": lambda lib: lib.where(_x(lib) > 0, _x(lib), _x(lib) + 3),
    "method": lambda lib: _x(lib).where(_x(lib) > 0, _x(lib) + 3),
    "scalar other": lambda lib: lib.where(_x(lib) > 0, _x(lib), 0.0),
    "scalar int other": lambda lib: lib.where(_x(lib) > 0, _x(lib), 2),
    "int tensor float other": lambda lib: lib.where(_x(lib) > 0, _x(lib, [[1, 2]], "int64"), 2.5),
    "scalar input": lambda lib: lib.where(_x(lib) > 0, 1.5, _x(lib)),
    "bool tensors": lambda lib: lib.where(_x(lib) > 0, _x(lib) > 1, True),
    "broadcast": lambda lib: lib.where(_x(lib, shape=(8,)) > 0, _x(lib, shape=(4, 1)), _x(lib)),
    "mixed dtypes": lambda lib: lib.where(_x(lib) > 0, _x(lib, dtype="float64"), _x(lib)),
    "int": lambda lib: lib.where(_x(lib) > 0, _x(lib, [[1, 2]], "int64"), _x(lib, [[3], [4]], "int64")),
    "uint8 condition": lambda lib: lib.where(lib.tensor([1, 0], dtype=lib.uint8), _x(lib, [1, 2], "int8"),
                                             _x(lib, [3, 4], "int8")),
    "bad broadcast": lambda lib: lib.where(_x(lib, shape=(3,)) > 0, _x(lib), _x(lib)),
    "grad": lambda lib: lib.where(_x(lib) > 0, _x(lib, rg=True), _x(lib)),
    "grad other": lambda lib: lib.where(_x(lib) > 0, _x(lib), _x(lib, rg=True)),
}


@pytest.mark.filterwarnings("ignore:where received a uint8 condition")
@pytest.mark.parametrize("case", sorted(WHERE_CASES))
def test_where(case):
    _both(WHERE_CASES[case])


THREE_OPERAND_CASES = {
    "lerp scalar": lambda lib: lib.lerp(_x(lib), _x(lib) + 1, 0.25),
    "lerp tensor": lambda lib: lib.lerp(_x(lib), _x(lib) + 1, _x(lib, shape=(8,))),
    "lerp int": lambda lib: lib.lerp(_x(lib, [1, 2], "int64"), _x(lib, [3, 4], "int64"), 0.5),
    "lerp grad": lambda lib: lib.lerp(_x(lib, rg=True), _x(lib), 0.25),
    "addcmul": lambda lib: lib.addcmul(_x(lib), _x(lib), _x(lib, shape=(8,))),
    "addcmul value": lambda lib: lib.addcmul(_x(lib), _x(lib), _x(lib), value=0.5),
    "addcmul int": lambda lib: lib.addcmul(_x(lib, [1, 2], "int64"), _x(lib, [3, 4], "int64"),
                                           _x(lib, [5, 6], "int64")),
    "addcdiv": lambda lib: lib.addcdiv(_x(lib), _x(lib), _x(lib) + 5),
    "addcdiv method": lambda lib: _x(lib).addcdiv(_x(lib), _x(lib) + 5, value=2),
    "addcdiv int": lambda lib: lib.addcdiv(_x(lib, [1, 2], "int64"), _x(lib, [3, 4], "int64"),
                                           _x(lib, [5, 6], "int64")),
}


@pytest.mark.parametrize("case", sorted(THREE_OPERAND_CASES))
def test_three_operand_ops(case):
    _both(THREE_OPERAND_CASES[case])


SPECIALS = [0.0, -0.0, float("nan"), float("inf"), -float("inf"), -200.0, -88.0, -1.0, 1.0, 100.0]


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16", "int64", "int8", "uint8"])
@pytest.mark.parametrize("op", ["relu", "sigmoid"])
def test_unary(op, dtype):
    data = SPECIALS if dtype.startswith(("float", "bfloat")) else [0, 1, 5, 100]
    if dtype in ("int64", "int8"):
        data = data + [-1, -100]
    _both(lambda lib: getattr(lib, op)(_x(lib, data, dtype)))
    _both(lambda lib: getattr(lib, op)(_x(lib, 3, dtype)))  # 0-dim
    _both(lambda lib: getattr(lib, op)(_x(lib, [[1, 2], [3, 4]], dtype).t()))  # keeps a transposed layout


def test_unary_variants_and_errors():
    _both(lambda lib: lib.sigmoid(input=_x(lib)))
    _both(lambda lib: lib.sigmoid(_x(lib, rg=True)))
    _both(lambda lib: lib.relu(_x(lib, rg=True)))
    _both(lambda lib: lib.sigmoid(_x(lib), out=lib.empty(4, 8)))
    _both(lambda lib: lib.exp(1.0))
    _both(lambda lib: lib.exp(_x(lib), input=_x(lib)))


INF, NAN = float("inf"), float("nan")


@pytest.mark.parametrize("log", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_softmax_special_values(dtype, log):
    """NOTE(torch parity): no guard for an infinite max, so a slice holding +inf (or only -inf) is all NaN."""
    fn = "log_softmax" if log else "softmax"
    for data in ([[INF, 1.0, 1.0], [INF, -INF, 2.0], [-INF, -INF, -INF]], [[1.0, 2, 3], [-1, 5, 0.5]],
                 [INF, 1.0, -INF], [NAN, 1.0], 3.0, -INF, [[[INF, 1.0], [2.0, 3.0]]]):
        nd = max(np.ndim(data), 1)
        for d in range(-nd, nd):
            _both(lambda lib, data=data, d=d: getattr(lib, fn)(_x(lib, data, dtype), d))
    _both(lambda lib: getattr(lib, fn)(_x(lib).t(), 1))  # a contiguous result from a transposed input
    _both(lambda lib: getattr(lib, fn)(_x(lib, rg=True), 1))
    _both(lambda lib: getattr(lib, fn)(_x(lib), 1, dtype=lib.float64))
    _both(lambda lib: getattr(lib, fn)(_x(lib, [1, 2], "int64"), 0))


MAX_CASES = {
    "dim": lambda lib: _x(lib).max(dim=1),
    "dim 0 keepdim": lambda lib: _x(lib).min(0, keepdim=True),
    "signed zero ties": lambda lib: _x(lib, [[0.0, -0.0, -1.0], [-0.0, 0.0, -1.0]]).max(1),
    "nan": lambda lib: _x(lib, [[1.0, NAN, 3.0, NAN], [4.0, 9.0, 2.0, 1.0]]).max(1),
    "bfloat16 nan": lambda lib: _x(lib, [[1.0, NAN, 3.0], [4.0, 9.0, 2.0]], "bfloat16").min(1),
    "3-d": lambda lib: _x(lib, shape=(2, 3, 4)).max(1),
    "1-d": lambda lib: _x(lib, shape=(5,)).max(0, keepdim=True),
    "0-d": lambda lib: _x(lib, 3.0).max(0),
    "int": lambda lib: _x(lib, [[3, 1, 3], [0, 2, 2]], "int64").max(-1),
    "empty dim": lambda lib: _x(lib, shape=(2, 0)).max(1),
    "grad": lambda lib: _x(lib, rg=True).max(1),
    "argmax": lambda lib: _x(lib).argmax(),
    "argmax keepdim": lambda lib: _x(lib).argmax(keepdim=True),
    "argmax dim": lambda lib: _x(lib).argmax(1),
    "argmin nan": lambda lib: _x(lib, [[1.0, NAN], [NAN, 0.0]]).argmin(),
    "argmax 0-d": lambda lib: _x(lib, 3.0).argmax(),
    "argmax 0-d keepdim": lambda lib: _x(lib, 3.0).argmax(keepdim=True),
    "argmax bool": lambda lib: _x(lib, [True], "bool").argmax(),
    "argmax empty": lambda lib: _x(lib, shape=(0,)).argmax(),
    "argmax bfloat16": lambda lib: _x(lib, [1.0, NAN, 2.0], "bfloat16").argmax(),
    "argmax out": lambda lib: lib.argmax(_x(lib), 1, out=lib.empty(4, dtype=lib.int64)),
    "sort": lambda lib: _x(lib).sort(1, descending=True),
    "topk": lambda lib: _x(lib, shape=(8,)).topk(3),
    "kthvalue": lambda lib: _x(lib).kthvalue(2, 0),
    "median": lambda lib: _x(lib, [[1.0, NAN, 3.0], [4.0, 9.0, 2.0]]).median(1),
    "nanmedian": lambda lib: _x(lib, [[1.0, NAN, 3.0], [4.0, 9.0, 2.0]]).nanmedian(1),
}


@pytest.mark.parametrize("case", sorted(MAX_CASES))
def test_selecting_reductions(case):
    _both(MAX_CASES[case])


CAT_CASES = {
    "cat": lambda lib: lib.cat([_x(lib), _x(lib)]),
    "cat tuple dim 1": lambda lib: lib.cat((_x(lib), _x(lib, shape=(4, 2))), 1),
    "cat negative dim": lambda lib: lib.cat([_x(lib), _x(lib)], -1),
    "cat one": lambda lib: lib.cat([_x(lib)]),
    "cat legacy empty": lambda lib: lib.cat([lib.tensor([]), _x(lib)]),
    "cat empty 1-d": lambda lib: lib.cat([lib.tensor([]), _x(lib, shape=(3,))]),
    "cat mixed dtypes": lambda lib: lib.cat([_x(lib), _x(lib, dtype="float64")]),
    "cat ndim mismatch": lambda lib: lib.cat([_x(lib), _x(lib, shape=(8,))]),
    "cat size mismatch": lambda lib: lib.cat([_x(lib), _x(lib, shape=(4, 3))]),
    "cat dim out of range": lambda lib: lib.cat([_x(lib), _x(lib)], 2),
    "cat 0-d": lambda lib: lib.cat([_x(lib, 1.0), _x(lib, 2.0)]),
    "cat empty list": lambda lib: lib.cat([]),
    "cat grad": lambda lib: lib.cat([_x(lib, rg=True), _x(lib)]),
    "concat": lambda lib: lib.concat([_x(lib), _x(lib)], dim=1),
    "cat out": lambda lib: lib.cat([_x(lib), _x(lib)], out=lib.empty(8, 8)),
    "stack": lambda lib: lib.stack([_x(lib), _x(lib)]),
    "stack dims": lambda lib: [lib.stack((_x(lib), _x(lib)), d) for d in range(-3, 3)][-1],
    "stack last": lambda lib: lib.stack([_x(lib), _x(lib)], -1),
    "stack 0-d": lambda lib: lib.stack([_x(lib, 1.0), _x(lib, 2.0)]),
    "stack unequal": lambda lib: lib.stack([_x(lib), _x(lib, shape=(8, 4))]),
    "stack unequal ranks": lambda lib: lib.stack([_x(lib), _x(lib, shape=(8,))], 2),
    "stack dim out of range": lambda lib: lib.stack([_x(lib), _x(lib)], 3),
    "stack mixed dtypes": lambda lib: lib.stack([_x(lib, dtype="int64"), _x(lib)]),
    "stack grad": lambda lib: lib.stack([_x(lib), _x(lib, rg=True)], 1),
    "stack out": lambda lib: lib.stack([_x(lib), _x(lib)], out=lib.empty(2, 4, 8)),
    "stack empty": lambda lib: lib.stack([]),
    # the result's layout: contiguous, but channels_last when every input is
    "cat transposes": lambda lib: lib.cat([_x(lib).t(), _x(lib).t()], 1),
    "stack transposes": lambda lib: lib.stack([_x(lib).t(), _x(lib).t()]),
    "cat transposes promoted": lambda lib: lib.cat([_x(lib).t(), _x(lib, dtype="float64").t()]),
    "cat channels_last": lambda lib: lib.cat([_x(lib, shape=(2, 4, 5, 3)).permute(0, 3, 1, 2)] * 2, 1),
    "cat channels_last and not": lambda lib: lib.cat([_x(lib, shape=(2, 4, 5, 3)).permute(0, 3, 1, 2),
                                                      _x(lib, shape=(2, 3, 4, 5))]),
    "stack channels_last": lambda lib: lib.stack([_x(lib, shape=(2, 4, 5, 3)).permute(0, 3, 1, 2)] * 2),
}


@pytest.mark.parametrize("case", sorted(CAT_CASES))
def test_cat_stack(case):
    _both(CAT_CASES[case])


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int8", "complex64", "float16", "bool"])
def test_matmul_2d(dtype):
    def mat(lib, shape, seed):
        data = np.random.default_rng(seed).integers(-3, 4, shape)
        return lib.tensor(data, dtype=getattr(lib, dtype))
    # signs of zero products are BLAS's (torch's and NumPy's BLAS differ there)
    _both(lambda lib: mat(lib, (4, 4), 0) @ mat(lib, (4, 4), 1), signed_zeros=False)
    _both(lambda lib: lib.mm(mat(lib, (3, 5), 0), mat(lib, (5, 2), 1)), signed_zeros=False)
    _both(lambda lib: lib.matmul(mat(lib, (5, 3), 0).t(), mat(lib, (2, 5), 1).t()), signed_zeros=False)
    _both(lambda lib: mat(lib, (4, 1), 0) @ mat(lib, (1, 4), 1), signed_zeros=False)
    if dtype != "bool":  # torch skips its Bool check for an empty product
        _both(lambda lib: mat(lib, (0, 3), 0) @ mat(lib, (3, 2), 1))


def test_matmul_autograd_and_errors():
    _both(lambda lib: _x(lib, shape=(4, 4), rg=True) @ _x(lib, shape=(4, 4)))
    _both(lambda lib: _x(lib, shape=(4, 4)) @ _x(lib, shape=(4, 4), rg=True))
    _both(lambda lib: _x(lib, shape=(4, 3)) @ _x(lib, shape=(4, 3)))
    _both(lambda lib: _x(lib, shape=(4, 4)) @ _x(lib, shape=(4, 4), dtype="float64"))
    _both(lambda lib: lib.matmul(_x(lib, shape=(4, 4)), 2.0))
    _both(lambda lib: lib.mm(_x(lib, shape=(4, 4)), _x(lib, shape=(4, 4)), out=lib.empty(4, 4)))
    for lib in LIBS:  # the gradients flow as torch's
        a, b = _x(lib, shape=(4, 3), rg=True), _x(lib, shape=(3, 2), rg=True)
        (a @ b).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), torch.ones(4, 2) @ torch.tensor(b.detach().numpy()).t(), rtol=1e-6)
