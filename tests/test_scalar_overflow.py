"""Python numbers that do not fit the dtype they are converted to: torch raises where it converts a Scalar
argument with a range check (clamp bounds, fill values, alpha), and wraps where the number joins the
arithmetic as a wrapped tensor (add, mul, comparisons).  Differential against torch."""
import math

import pytest

torch = pytest.importorskip("torch")

import numtorch  # noqa: E402

VALUES = [1000, -200, 300, -256, -255, 2 ** 40, 127.5, -128.5, 1e10, 1e300, -1e300, math.inf, math.nan]
DTYPES = ["int8", "uint8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64"]

CASES = {
    "clamp(max=v)": lambda L, x, v: x.clamp(max=v),
    "clamp(min=v)": lambda L, x, v: x.clamp(min=v),
    "clamp(-v, v)": lambda L, x, v: x.clamp(-v, v),
    "clamp_(min=v)": lambda L, x, v: x.clone().clamp_(min=v),
    "clip(max=v)": lambda L, x, v: L.clip(x, max=v),
    "clamp_min(v)": lambda L, x, v: L.clamp_min(x, v),
    "clamp_max(v)": lambda L, x, v: L.clamp_max(x, v),
    "fill_(v)": lambda L, x, v: x.clone().fill_(v),
    "full_like(v)": lambda L, x, v: L.full_like(x, v),
    "masked_fill(v)": lambda L, x, v: x.masked_fill(x > 0, v),
    "where(c, x, v)": lambda L, x, v: L.where(x > 0, x, v),
    "index_fill(v)": lambda L, x, v: x.index_fill(0, L.tensor([0]), v),
    "add(alpha=v)": lambda L, x, v: L.add(x, x, alpha=v),
    "x + v": lambda L, x, v: x + v,
    "x < v": lambda L, x, v: x < v,
    "x == v": lambda L, x, v: x == v,
    "x >= v": lambda L, x, v: x >= v,
}


def run(L, case, dtype, v):
    x = L.tensor([1, -5, 100], dtype=getattr(L, dtype)) if "int" in dtype else \
        L.tensor([1.5, -5.0, 100.0], dtype=getattr(L, dtype))
    try:
        r = CASES[case](L, x, v)
    except Exception as e:  # noqa: BLE001 - the class and text are what is compared
        return type(e).__name__, str(e)
    return "ok", str(r.dtype), r.tolist()


HALF_ROUNDING = pytest.mark.xfail(reason="torch rounds a number to float16/bfloat16 before most half-type ops",
                                  strict=True)


@pytest.mark.parametrize("case,dtype", [
    pytest.param(c, d, marks=HALF_ROUNDING) if d == "bfloat16" and c in ("x + v", "add(alpha=v)") else (c, d)
    for c in CASES for d in DTYPES])
def test_out_of_range_numbers(case, dtype):
    for v in VALUES:
        want, got = run(torch, case, dtype, v), run(numtorch, case, dtype, v)
        if want[0] == "ok" and got[0] == "ok":
            w, g = want[2], got[2]
            same = all(a == b or (a != a and b != b) for a, b in zip(w, g))
            assert want[1] == got[1] and same, (case, dtype, v, want, got)
        else:
            assert want == got, (case, dtype, v)
