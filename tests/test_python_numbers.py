"""Python numbers as operands, differential against torch.

Numbers that do not fit the dtype they are converted to: torch raises where it converts a Scalar argument with
a range check (clamp bounds, fill values, alpha), and wraps where the number joins the arithmetic as a wrapped
tensor (add, mul, comparisons).  On float16/bfloat16 tensors, most ops round the number to that type first
(mul and div keep it whole), and floor/trunc division by a tensor rounds every step to the half type."""
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


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("dtype", DTYPES)
def test_out_of_range_numbers(case, dtype):
    for v in VALUES:
        want, got = run(torch, case, dtype, v), run(numtorch, case, dtype, v)
        if want[0] == "ok" and got[0] == "ok":
            w, g = want[2], got[2]
            same = all(a == b or (a != a and b != b) for a, b in zip(w, g))
            assert want[1] == got[1] and same, (case, dtype, v, want, got)
        else:
            assert want == got, (case, dtype, v)


HALF_X = [0.5, 3.0, 2048.0, 7.0, -1.25, 100.0, 0.30078125, 1.0]
HALF_NUMBERS = [2048.75, 0.1, 1 / 3, -128.5, 1e-3, 3.0001, 2049, 257]
HALF_CASES = {
    "x + s": lambda L, x, s: x + s, "s + x": lambda L, x, s: s + x, "x - s": lambda L, x, s: x - s,
    "s - x": lambda L, x, s: s - x, "x * s": lambda L, x, s: x * s, "s * x": lambda L, x, s: s * x,
    "x / s": lambda L, x, s: x / s, "s / x": lambda L, x, s: s / x, "x % s": lambda L, x, s: x % s,
    "fmod": lambda L, x, s: L.fmod(x, s), "x ** s": lambda L, x, s: x.abs() ** (s / 1000),
    "x < s": lambda L, x, s: x < s, "x == s": lambda L, x, s: x == s, "clamp": lambda L, x, s: x.clamp(-s, s),
    "add_(s)": lambda L, x, s: x.clone().add_(s), "sub_(s)": lambda L, x, s: x.clone().sub_(s),
    "add(alpha)": lambda L, x, s: L.add(x, x.flip(0), alpha=s), "sub(alpha)": lambda L, x, s: L.sub(x, x, alpha=s),
    "add(s, alpha)": lambda L, x, s: L.add(x, 0.1, alpha=s), "rsub(alpha)": lambda L, x, s: L.rsub(x, x, alpha=s),
    "x // s": lambda L, x, s: x // s, "s // x": lambda L, x, s: s // x,
    "x // y": lambda L, x, s: x * s // (x.flip(0) - 0.3), "x // y[0]": lambda L, x, s: x * s // (x - 0.3)[0],
    "div(s, floor)": lambda L, x, s: L.div(x, s, rounding_mode="floor"),
    "div(s, trunc)": lambda L, x, s: L.div(x, s, rounding_mode="trunc"),
    "div(y, trunc)": lambda L, x, s: L.div(x * s, x.flip(0) - 0.3, rounding_mode="trunc"),
}


@pytest.mark.parametrize("case", list(HALF_CASES))
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_numbers_on_half_types(case, dtype):
    for s in HALF_NUMBERS:
        want = HALF_CASES[case](torch, torch.tensor(HALF_X, dtype=getattr(torch, dtype)), s)
        got = HALF_CASES[case](numtorch, numtorch.tensor(HALF_X, dtype=getattr(numtorch, dtype)), s)
        assert str(want.dtype) == str(got.dtype)
        w, g = want.float().tolist(), got.float().tolist()
        assert all(a == b or (a != a and b != b) for a, b in zip(w, g)), (case, dtype, s, w, g)


TENSOR_ONLY = {
    "addcmul(x, 2.0, y)": lambda L, x: L.addcmul(x, 2.0, x),
    "addcmul(x, y, 3)": lambda L, x: L.addcmul(x, x, 3),
    "addcmul(x, y, tensor2=3.0)": lambda L, x: L.addcmul(x, x, tensor2=3.0),
    "x.addcmul(2.0, y)": lambda L, x: x.addcmul(2.0, x),
    "x.addcmul_(y, 2.0)": lambda L, x: x.clone().addcmul_(x, 2.0),
    "x.addcmul_(y, tensor2=2.0)": lambda L, x: x.clone().addcmul_(x, tensor2=2.0),
    "addcdiv(x, y, 3)": lambda L, x: L.addcdiv(x, x, 3),
    "x.addcdiv_(3, y)": lambda L, x: x.clone().addcdiv_(3, x),
    "addcmul(x, y, 2.0, out=)": lambda L, x: L.addcmul(x, x, 2.0, out=L.empty(2)),
    "relu(bool)": lambda L, x: L.relu(x > 0),
    "relu_(bool)": lambda L, x: (x > 0).relu_(),
}


@pytest.mark.parametrize("case", list(TENSOR_ONLY))
def test_numbers_where_tensors_are_required(case):
    def outcome(L):
        try:
            return "ok", TENSOR_ONLY[case](L, L.ones(2)).tolist()
        except Exception as e:  # noqa: BLE001 - the class and text are compared
            return type(e).__name__, str(e)
    assert outcome(numtorch) == outcome(torch)


FIRST = ["add", "sub", "mul", "div", "true_divide", "floor_divide", "pow", "remainder", "xlogy", "bitwise_and",
         "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift"]


@pytest.mark.parametrize("name", FIRST)
@pytest.mark.parametrize("dtype", ["int8", "uint8", "int64", "bool", "float16", "float32", "float64"])
def test_number_as_input(name, dtype):
    """torch's function forms take a Python number as `input` next to a tensor (torch.sub(1, x)): wrapped,
    cast to the op's common dtype, with the tensor overload's result, dtype and errors."""
    for v in (2, -3, 0, 2.5, 300, True, -0.0):
        got = []
        for L in (torch, numtorch):
            t = L.tensor([1, 2, 0, 5], dtype=getattr(L, dtype))
            try:
                r = getattr(L, name)(v, t)
                got.append((str(r.dtype), [str(x) for x in r.double().tolist()]))
            except Exception as e:  # noqa: BLE001 - the error class is the result to compare
                got.append(type(e).__name__)
        if name == "pow" and dtype == "float32" and v == 2.5:
            continue  # (NumPy's SIMD powf and glibc's differ in the last bit at times)
        assert got[0] == got[1], (v, got)


def test_number_as_input_autograd():
    """The nodes torch records: the tensor overload's, except pow(Scalar, Tensor) and xlogy(Scalar, Tensor);
    div with a rounding mode is DivBackward2 with a tensor or a number divisor (torch wraps the number)."""
    names = {}
    for L in (torch, numtorch):
        x = L.tensor([0.5, 1.0, 2.0], requires_grad=True)
        calls = {"2 ** x": lambda: 2 ** x, "pow(2, x)": lambda: L.pow(2, x), "pow(0, x)": lambda: L.pow(0, x),
                 "xlogy(3, x)": lambda: L.xlogy(3, x), "sub(2, x, alpha=3)": lambda: L.sub(2, x, alpha=3),
                 "mul(2, x)": lambda: L.mul(2, x), "div(2, x)": lambda: L.div(2, x),
                 "div(x, x, floor)": lambda: L.div(x, x.detach(), rounding_mode="floor"),
                 "div(x, 2, floor)": lambda: L.div(x, 2, rounding_mode="floor")}
        out = {}
        for k, f in calls.items():
            r = f()
            g, = L.autograd.grad(r.sum(), x)
            out[k] = (r.grad_fn.name(), [round(v, 6) for v in g.tolist()])
        names[L.__name__] = out
    assert names["numtorch"] == names["torch"]


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_arithmetic_of_xlogy_and_logit(dtype):
    """On float16/bfloat16, torch's xlogy and logit kernels do Half arithmetic: every step (log(y), 1 - x,
    the division, the eps bounds) is rounded to the half type, a number operand included.  bfloat16 matches
    exactly; on float16 torch's vectorised log (and MKL's, in logit) is off from a rounded float log in a
    few elements in a thousand."""
    import numpy as np
    rng = np.random.default_rng(3)
    xv, yv, pv = rng.random(1000) * 10 - 2, rng.random(1000) * 20, rng.random(1000)
    results = []
    for L in (torch, numtorch):
        dt = getattr(L, dtype)
        x, y, p = (L.tensor(v.tolist(), dtype=dt) for v in (xv, yv, pv))
        r = [L.xlogy(x, y), L.xlogy(2.5, y), L.xlogy(x, 2.5)]
        r += [L.logit(p, eps) for eps in (None, 0.1, 0.0, -1.0)]
        results.append([np.array(t.double().tolist()) for t in r])
    for i, (a, b) in enumerate(zip(*results)):
        same = (a == b) | (np.isnan(a) & np.isnan(b))
        assert (~same).sum() <= (0 if dtype == "bfloat16" else 5), (i, int((~same).sum()))
