"""Gradients of every differentiable numtorch op against torch, on torch's own OpInfo samples.

For each `op_db` entry with `supports_autograd` whose name resolves in numtorch (`numtorch.<name>`,
`numtorch.linalg.<x>`, `numtorch.special.<x>`): float64 samples (at most 3), every float tensor input
requires grad, both libraries run the op, and `autograd.grad` with the same random (seeded, not all-ones)
cotangents must agree. The elementwise, reduction and matmul families also get second derivatives
(grad of grad . v with create_graph=True), and a few of each go through `numtorch.autograd.gradcheck`.
The grad_fn node name is a separate, soft check: composites may legitimately differ from torch's node.
"""
from __future__ import annotations

import types
import warnings

import numpy as np
import pytest
import torch
from conftest import to_nt

import numtorch

warnings.filterwarnings("ignore")  # OpInfo sample generators warn about deprecated overloads
from torch.testing._internal.common_methods_invocations import op_db  # noqa: E402
from torch.testing._internal.opinfo.core import BinaryUfuncInfo, ReductionOpInfo, SampleInput, UnaryUfuncInfo  # noqa: E402

MAX_SAMPLES = 3
# random ops: gradients depend on the drawn numbers, which the two libraries do not share
RANDOM = {"normal", "bernoulli", "multinomial", "uniform", "rand_like", "randn_like", "randint_like",
          "nn.functional.dropout", "cauchy", "exponential", "geometric", "log_normal"}
# decompositions whose backward goes through eigen/singular vectors: round-off is amplified by gaps
LOOSE = ("linalg.", "cholesky", "svd", "pinv", "det", "logdet", "lu", "qr", "eig", "inverse", "solve",
         "triangular_solve", "matrix_exp", "lstsq", "ormqr", "geqrf", "householder")

NO_AUTOGRAD = "numtorch records no autograd graph for this op (output does not require grad)"
# op id -> why numtorch's gradient (or the op under autograd) differs from torch's; strict xfails
GRAD_XFAIL: dict[str, str] = {
    **dict.fromkeys(["linalg.eig",
                     "linalg.lu_factor", "linalg.lu_factor_ex", "linalg.lu", "linalg.lu_solve"], NO_AUTOGRAD),
}
GRADGRAD_XFAIL: dict[str, str] = {}
# op id -> why the grad_fn node name differs; soft (strict=False): composites may legitimately differ
NAME_XFAIL: dict[str, str] = {
    **GRAD_XFAIL,
    **dict.fromkeys(["cholesky_inverse", "diff", "einsum", "linalg.vecdot", "linalg.cond",
                     "linalg.matrix_power", "linalg.multi_dot", "linalg.tensorinv"],
                    "composite of other numtorch ops: the last op's node shows"),
    **dict.fromkeys(["linalg.lstsq", "linalg.lstsq.grad_oriented"],
                    "lstsq's gradient is recorded through its matmul composite (MmBackward0); torch has one "
                    "LinalgLstsqBackward0 node"),
    **dict.fromkeys(["var_mean", "var_mean.unbiased", "std_mean", "std_mean.unbiased"],
                    "var_mean/std_mean record the var/std node, torch a fused VarMean/StdMean node"),
}


def op_id(op):
    return op.name + ("." + op.variant_test_name if op.variant_test_name else "")


def resolve(name):
    obj = numtorch
    for part in name.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj if callable(obj) else None


def ntify(fn):
    """`fn` (a torch-side lambda from OpInfo) with its global `torch` rebound to numtorch."""
    if not isinstance(fn, types.FunctionType):
        return fn
    glb = dict(fn.__globals__, torch=numtorch)
    out = types.FunctionType(fn.__code__, glb, fn.__name__, fn.__defaults__, fn.__closure__)
    out.__kwdefaults__ = fn.__kwdefaults__
    return out


def nt_callable(op):
    """The numtorch function to call with a sample's (converted) arguments, like `op.op` in torch."""
    if isinstance(op.op, types.FunctionType) and op.op.__name__ == "<lambda>":
        return ntify(op.op)  # e.g. where/einsum/polygamma reorder their arguments in a lambda
    return resolve(op.name)


CASES = [op for op in op_db if op.supports_autograd and op.name not in RANDOM and resolve(op.name)]
IDS = [op_id(op) for op in CASES]
ELEMENTWISE = [op for op in CASES if isinstance(op, (UnaryUfuncInfo, BinaryUfuncInfo))]
REDUCTIONS = {"sum", "mean", "prod", "std", "var", "amax", "logsumexp", "norm", "cumsum"}
MATMUL = {"mm", "bmm", "matmul", "mv", "dot", "addmm", "einsum"}
# multi-output nodes: in double backward their saved outputs re-enter the graph, each as its own output
MULTI_OUTPUT = {"linalg.svd", "svd", "linalg.svdvals", "linalg.eigh", "linalg.qr", "linalg.slogdet", "aminmax",
                "var_mean", "linalg.cholesky_ex", "linalg.inv_ex"}
SECOND = ELEMENTWISE + [op for op in CASES if op.name in REDUCTIONS | MATMUL | MULTI_OUTPUT
                        or (isinstance(op, ReductionOpInfo) and op.name in REDUCTIONS)]
SECOND = list({op_id(op): op for op in SECOND}.values())


def marked(ops, xfails, strict=True):
    return [pytest.param(op, id=op_id(op), marks=[pytest.mark.xfail(reason=xfails[op_id(op)], strict=strict)]
                         if op_id(op) in xfails else []) for op in ops]


class Sample:
    """One OpInfo sample mirrored into numtorch: the same tensors (shared by identity) on both sides."""

    def __init__(self, op, si):
        self.op, self.si = op, si
        self.memo = {}
        self.th_args = [si.input, *si.args]
        self.nt_args = self.conv(self.th_args)
        self.nt_kwargs = self.conv(si.kwargs)
        seen = {}
        for t in self.walk([self.th_args, si.kwargs]):
            if t.requires_grad:
                seen.setdefault(id(t), t)
        self.th_in = list(seen.values())
        self.nt_in = [self.memo[id(t)] for t in self.th_in]

    def walk(self, x):
        if isinstance(x, torch.Tensor):
            yield x
        elif isinstance(x, (list, tuple)):
            for v in x:
                yield from self.walk(v)
        elif isinstance(x, dict):
            for v in x.values():
                yield from self.walk(v)

    def conv(self, x):
        return convert(x, self.memo)

    def outputs(self):
        """Differentiable outputs of both libraries, paired (torch's requires_grad decides)."""
        op, si = self.op, self.si
        try:
            th = si.output_process_fn_grad(op.gradcheck_wrapper(op.op, *self.th_args, **si.kwargs))
        except Exception:  # an OpInfo sample torch itself rejects (e.g. imag of a real tensor)
            return [], []
        th = si.output_process_fn_grad(op.gradcheck_wrapper(op.op, *self.th_args, **si.kwargs))
        nt = ntify(si.output_process_fn_grad)(
            ntify(op.gradcheck_wrapper)(nt_callable(op), *self.nt_args, **self.nt_kwargs))
        pairs = [(n, t) for n, t in zip(flat(nt), flat(th), strict=True)
                 if isinstance(t, torch.Tensor) and t.requires_grad]
        return [p[0] for p in pairs], [p[1] for p in pairs]


def convert(x, memo):
    """x with every torch tensor replaced by its numtorch twin (made once per tensor, kept in memo)."""
    if isinstance(x, torch.Tensor):
        if id(x) not in memo:
            memo[id(x)] = to_nt(x)
        return memo[id(x)]
    if isinstance(x, (list, tuple)):
        return type(x)(convert(v, memo) for v in x)
    if isinstance(x, dict):
        return {k: convert(v, memo) for k, v in x.items()}
    if isinstance(x, torch.dtype):
        return getattr(numtorch, str(x).split(".")[1])
    return x


def flat(o):
    if isinstance(o, (torch.Tensor, numtorch.Tensor)) or not isinstance(o, (list, tuple)):
        return [o]
    return [x for v in o for x in flat(v)]


def samples(op):
    out = []
    for si in op.sample_inputs("cpu", torch.float64, requires_grad=True):
        s = Sample(op, si)
        if s.th_in:
            out.append(s)
        if len(out) == MAX_SAMPLES:
            break
    return out


def cotangents(outs, seed):
    rng = np.random.default_rng(seed)
    vals = [rng.standard_normal(tuple(o.shape)) + (1j * rng.standard_normal(tuple(o.shape))
                                                   if o.is_complex() else 0) for o in outs]
    return ([torch.tensor(v, dtype=o.dtype) for v, o in zip(vals, outs)],
            [numtorch.tensor(v, dtype=getattr(numtorch, str(o.dtype)[6:])) for v, o in zip(vals, outs)])


def tolerance(op):
    return (1e-5, 1e-6) if op.name.startswith(LOOSE) or any(k in op.name for k in LOOSE) else (1e-7, 1e-8)


def compare_grads(ng, tg, rtol, atol, what):
    assert len(ng) == len(tg)
    for i, (a, b) in enumerate(zip(ng, tg)):
        if b is None:
            # torch leaves an unused input's grad None; numtorch may produce it or an all-zero tensor
            assert a is None or not np.any(np.asarray(a.detach()._host())), f"{what}[{i}]: torch None"
            continue
        assert a is not None, f"{what}[{i}]: numtorch None, torch {b}"
        assert tuple(a.shape) == tuple(b.shape), f"{what}[{i}]: shape {tuple(a.shape)} != {tuple(b.shape)}"
        # torch's efficient ZeroTensor grads refuse .numpy()
        want = np.zeros(tuple(b.shape)) if b._is_zerotensor() else b.detach().resolve_conj().numpy()
        np.testing.assert_allclose(np.asarray(a.detach()._host()), want, rtol=rtol, atol=atol, err_msg=f"{what}[{i}]")


@pytest.mark.parametrize("op", marked(CASES, GRAD_XFAIL))
def test_grad(op):
    rtol, atol = tolerance(op)
    checked = 0
    for k, s in enumerate(samples(op)):
        nt_out, th_out = s.outputs()
        if not th_out:
            continue
        th_cot, nt_cot = cotangents(th_out, k)
        tg = torch.autograd.grad(th_out, s.th_in, th_cot, allow_unused=True)
        ng = numtorch.autograd.grad(nt_out, s.nt_in, nt_cot, allow_unused=True)
        compare_grads(ng, tg, rtol, atol, f"sample {k} grad")
        checked += 1
    if not checked:
        pytest.skip("no differentiable sample")


@pytest.mark.parametrize("op", marked(CASES, NAME_XFAIL, strict=False))
def test_grad_fn_name(op):
    for s in samples(op)[:1]:
        nt_out, th_out = s.outputs()
        if th_out:
            assert type(nt_out[0].grad_fn).__name__ == type(th_out[0].grad_fn).__name__


@pytest.mark.parametrize("op", marked(SECOND, GRADGRAD_XFAIL))
def test_gradgrad(op):
    rtol, atol = tolerance(op)
    for k, s in enumerate(samples(op)):
        nt_out, th_out = s.outputs()
        if not th_out:
            continue
        th_cot, nt_cot = cotangents(th_out, k)
        tg = torch.autograd.grad(th_out, s.th_in, th_cot, create_graph=True, allow_unused=True)
        ng = numtorch.autograd.grad(nt_out, s.nt_in, nt_cot, create_graph=True, allow_unused=True)
        keep = [i for i, g in enumerate(tg) if g is not None and g.requires_grad]
        if not keep:
            continue
        th_v, nt_v = cotangents([tg[i] for i in keep], 100 + k)
        tgg = torch.autograd.grad([tg[i] for i in keep], s.th_in, th_v, allow_unused=True)
        ngg = numtorch.autograd.grad([ng[i] for i in keep], s.nt_in, nt_v, allow_unused=True)
        compare_grads(ngg, tgg, rtol * 10, atol * 10, f"sample {k} gradgrad")


GRADCHECK = ["sin", "exp", "tanh", "sigmoid", "mul", "div", "pow", "atan2", "sum", "prod", "std",
             "logsumexp", "norm", "cumsum", "mm", "matmul", "addmm", "einsum", "linalg.det", "linalg.inv"]


@pytest.mark.parametrize("op", [op for op in CASES if op.name in GRADCHECK and not op.variant_test_name],
                         ids=lambda op: op_id(op))
def test_gradcheck(op):
    sis = op.sample_inputs("cpu", torch.float64, requires_grad=True)
    if isinstance(op, UnaryUfuncInfo):  # one big sample: its first elements are enough for a Jacobian
        sis = [SampleInput(si.input.detach().flatten()[:20].requires_grad_(), kwargs=si.kwargs) for si in sis]
    small = (Sample(op, si) for si in sis)
    s = next((s for s in small if s.th_in and all(t.numel() <= 64 for t in s.th_in)), None)
    if s is None:
        pytest.skip("no small sample")
    nt_in = s.nt_in
    fn = nt_callable(op)

    def f(*xs):
        memo = dict(s.memo)
        for t, x in zip(s.th_in, xs):
            memo[id(t)] = x
        out = ntify(op.gradcheck_wrapper)(fn, *convert(s.th_args, memo), **convert(s.si.kwargs, memo))
        return ntify(s.si.output_process_fn_grad)(out)

    assert numtorch.autograd.gradcheck(f, tuple(nt_in))
