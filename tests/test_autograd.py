"""Autograd beyond the ops: engine behaviours, custom Function, in-place on views, gradcheck, functional.

Each scenario is one function of the module (`torch` or `numtorch`) that returns what it observed; the
test runs it on both and compares (values, names, exception class + message).
"""
from __future__ import annotations

import re
import time
import warnings

import numpy as np
import pytest
import torch

import numtorch

BOTH = pytest.mark.parametrize("T", [torch, numtorch], ids=["torch", "numtorch"])


def _norm(x):
    """Comparable form of a scenario's result."""
    if isinstance(x, (torch.Tensor, numtorch.Tensor)):
        a = x.detach().numpy() if isinstance(x, torch.Tensor) else x.detach().numpy()
        vals = np.round(np.nan_to_num(a.astype(np.float64), nan=1e300), 5).tolist() \
            if a.dtype.kind in "fiub" else a.tolist()
        return ("T", str(x.dtype).replace("numtorch", "torch"), tuple(x.shape), vals)
    if isinstance(x, (tuple, list)):
        return tuple(_norm(v) for v in x)
    if isinstance(x, dict):
        return {k: _norm(v) for k, v in x.items()}
    if isinstance(x, BaseException):
        return ("E", type(x).__name__, str(x))
    return x


def same(scenario):
    """Run scenario(T) with torch and numtorch; exceptions are results too."""
    out = []
    for T in (torch, numtorch):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = scenario(T)
        except Exception as e:  # noqa: BLE001 - the exception is the observed behaviour
            r = e
        out.append(_norm(r))
    assert out[1] == out[0]
    return out[0]


def t(T, data, rg=True, dtype=None):
    return T.tensor(data, dtype=dtype or T.float32, requires_grad=rg)


def names(fn):
    """Node names down the graph (breadth first), as type names and name()."""
    seen, order, todo = set(), [], [fn]
    while todo:
        n = todo.pop(0)
        if n is None or id(n) in seen:
            continue
        seen.add(id(n))
        order.append((type(n).__name__, n.name()))
        todo.extend(f for f, _ in n.next_functions)
    return order


# ---- graph shape and names --------------------------------------------------------------------------

@pytest.mark.parametrize("expr", [
    lambda T, x: x * 2 + 1,
    lambda T, x: (x * x).sum(),
    lambda T, x: x.exp().mean(),
    lambda T, x: x.view(3, 2).t().sum(0),
    lambda T, x: x[0] - x[1],
    lambda T, x: (x / (x + 1)).pow(2).prod(),
    lambda T, x: x.relu().sigmoid().tanh(),
])
def test_node_names(expr):
    def s(T):
        y = expr(T, t(T, [[1., 2., 3.], [4., 5., 6.]]))
        return names(y.grad_fn), [n for n, _ in [(f, nr) for f, nr in y.grad_fn.next_functions]].__len__()
    same(s)


def test_accumulate_grad():
    def s(T):
        x = t(T, [1., 2.])
        y = x * 3
        acc = y.grad_fn.next_functions[0][0]
        return type(acc).__name__, acc.name(), acc.variable is x, acc.next_functions
    same(s)


def test_long_chain_is_iterative():
    x = numtorch.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    t0 = time.perf_counter()
    y.sum().backward()
    assert time.perf_counter() - t0 < 10
    assert x.grad.tolist() == [1.0]


def test_fan_out_and_broadcast():
    def s(T):
        x = t(T, [[1., 2., 3.]])
        b = t(T, [2.], dtype=T.float64)
        y = x * x + x.exp() * b + x.sum()
        (y * t(T, [[1.], [2.]], rg=False)).sum().backward()
        return x.grad, b.grad
    same(s)


def test_retain_graph():
    def second_through_sum(T):
        x = t(T, [1., 2.])
        y = x.sum()
        y.backward()
        y.backward()
        return x.grad

    def second_through_mul(T):
        x = t(T, [1., 2.])
        y = (x * x).sum()
        y.backward()
        y.backward()

    def retained(T):
        x = t(T, [1., 2.])
        y = (x * x).sum()
        y.backward(retain_graph=True)
        y.backward()
        return x.grad
    for s in (second_through_sum, second_through_mul, retained):
        same(s)


def test_create_graph_higher_order():
    def s(T):
        x = t(T, 3.0)
        g, = T.autograd.grad(x ** 3, x, create_graph=True)
        g2, = T.autograd.grad(g, x, create_graph=True)
        g3, = T.autograd.grad(g2, x)
        return g, g2, g3, g2.requires_grad
    assert same(s)[1][3] == 18.0


def test_backward_gradient_and_inputs():
    def s(T):
        x = t(T, [1., 2.])
        w = t(T, [3., 4.])
        y = x * w
        y.backward(gradient=T.tensor([1., 10.]), inputs=[x])
        return x.grad, w.grad
    same(s)


def test_grad_allow_unused_materialize():
    def unused(T):
        x, z = t(T, [1., 2.]), t(T, [3.])
        return T.autograd.grad((x * 2).sum(), [x, z])

    def allowed(T):
        x, z = t(T, [1., 2.]), t(T, [3.])
        return T.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)

    def materialized(T):
        x, z = t(T, [1., 2.]), t(T, [3.])
        return T.autograd.grad((x * 2).sum(), [x, z], materialize_grads=True)
    for s in (unused, allowed, materialized):
        same(s)


def test_leaf_flags_and_retain_grad():
    def s(T):
        x = t(T, [1., 2.])
        y = x * 2
        y.retain_grad()
        z = y * 3
        z.sum().backward()
        i = T.tensor([1, 2])
        try:
            i.requires_grad_()
            err = None
        except RuntimeError as e:
            err = str(e)
        return x.is_leaf, y.is_leaf, y.retains_grad, x.retains_grad, y.grad, x.grad, err
    same(s)


def test_nonleaf_grad_warns():
    for T in (torch, numtorch):
        y = t(T, [1.]) * 2
        with pytest.warns(UserWarning, match="is not a leaf Tensor is being accessed"):
            assert y.grad is None


def test_tensor_and_node_hooks():
    def s(T):
        log = []
        x = t(T, [1., 2.])
        y = x * 2
        h = y.register_hook(lambda g: g * 10)
        x.register_hook(lambda g: log.append(("x", g.tolist())))
        y.grad_fn.register_prehook(lambda go: log.append(("pre", go[0].tolist())))
        y.grad_fn.register_hook(lambda gi, go: log.append(("post", gi[0].tolist(), go[0].tolist())))
        y.sum().backward(retain_graph=True)
        h.remove()
        y.sum().backward()
        return log, x.grad
    same(s)


def test_detach_and_data():
    def s(T):
        x = t(T, [1., 2.])
        d = x.detach()
        d.add_(1)
        dd = x.data
        dd.add_(1)
        y = x * 2
        y.detach_()
        return x, x._version, d._version, dd._version, d.requires_grad, y.requires_grad, y.grad_fn is None
    same(s)


def test_grad_modes():
    def s(T):
        x = t(T, [1.])
        with T.no_grad():
            a = x * 2
            with T.enable_grad():
                b = x * 2
        T.set_grad_enabled(False)
        c = x * 2
        T.set_grad_enabled(True)
        with T.set_grad_enabled(False):
            d = x * 2
        with T.inference_mode():
            e = x * 2
            inf = T.is_inference_mode_enabled()

        @T.no_grad()
        def f():
            return x * 2

        @T.no_grad()
        def gen():
            yield x * 2
            yield T.is_grad_enabled()
        return (a.requires_grad, b.requires_grad, c.requires_grad, d.requires_grad, e.requires_grad, inf,
                f().requires_grad, T.is_grad_enabled(), [getattr(v, "requires_grad", v) for v in gen()])
    same(s)


def test_modified_saved_tensor():
    msgs = []
    for T in (torch, numtorch):
        x = t(T, [1., 2.])
        y = x.exp()
        z = y.exp()
        y.add_(1)
        with pytest.raises(RuntimeError) as e:
            (y * z).sum().backward()
        msgs.append(str(e.value))
        assert re.search("one of the variables needed for gradient computation has been modified by an "
                         "inplace operation", str(e.value))
    assert msgs[0] == msgs[1]


def test_inplace_errors():
    def leaf(T):
        x = t(T, [1., 2.])
        x.mul_(2)

    def out_arg(T):
        x = t(T, [1., 2.])
        T.add(x, x, out=T.empty(2))

    def nograd_ok(T):
        x = t(T, [1., 2.])
        with T.no_grad():
            x.mul_(2)
        return x, x._version
    for s in (leaf, out_arg, nograd_ok):
        same(s)


# ---- in-place on views (CopySlices) ----------------------------------------------------------------

def test_copyslices_names_and_grad():
    def s(T):
        a = t(T, [[1., 2., 3.], [4., 5., 6.]])
        b = a.clone()
        v = b[0]
        v.mul_(2)
        info = (type(b.grad_fn).__name__, b.grad_fn.name(), type(v.grad_fn).__name__, v.grad_fn.name(),
                [type(f).__name__ for f, _ in b.grad_fn.next_functions if f is not None],
                [type(f).__name__ for f, _ in v.grad_fn.next_functions])
        (b * T.tensor([[1., 2., 3.], [4., 5., 6.]])).sum().backward()
        return info, a.grad
    same(s)


@pytest.mark.parametrize("case", range(5))
def test_inplace_view_gradients(case):
    def s(T):
        x = t(T, [[1., 2., 3.], [4., 5., 6.]], dtype=T.float64)
        w = T.tensor([[1., -2., 3.], [0.5, 5., -1.]], dtype=T.float64)
        b = x.clone()
        if case == 0:
            v = b[1:]
            v.mul_(v.detach() + 1)
            v2 = v[0]
            v2.exp_()
        elif case == 1:
            b.t()[1].add_(x[0] * x[1])
        elif case == 2:
            z = T.zeros(2, 3, dtype=T.float64)
            z[:, 1:].add_(x[:, :2])
            b = z
        elif case == 3:
            v = b[:, 1]
            v.sigmoid_()
            out = (v * 3).sum()
            out.backward(retain_graph=True)
        elif case == 4:
            b[0] = x[1] * 2
        (b * w).sum().backward()
        return b, x.grad
    same(s)


def test_inplace_view_double_backward():
    def s(T):
        x = t(T, [1., 2., 3.], dtype=T.float64)
        b = x * 1
        b[1:].mul_(x[:2])
        g, = T.autograd.grad((b * b).sum(), x, create_graph=True)
        g2, = T.autograd.grad(g.sum(), x)
        return g, g2
    same(s)


def test_view_inplace_errors():
    def leaf_view(T):
        x = t(T, [1., 2.])
        x[0].mul_(2)

    def nograd_view(T):
        x = t(T, [1., 2.]).clone()
        with T.no_grad():
            w = x[0]
        w.mul_(2)

    def unbind_view(T):
        x = t(T, [1., 2.]).clone()
        x.unbind(0)[1].mul_(2)

    def split_view(T):
        x = t(T, [1., 2.]).clone()
        x.split(1)[0].mul_(2)
    for s in (leaf_view, nograd_view, unbind_view, split_view):
        same(s)


# ---- custom Function -----------------------------------------------------------------------------

def _fns(T):
    class Scale(T.autograd.Function):
        @staticmethod
        def forward(ctx, x, k, y):
            ctx.k = k
            ctx.save_for_backward(x, y)
            return x * k, 3, y + 1

        @staticmethod
        def backward(ctx, g1, g2, g3):
            x, y = ctx.saved_tensors
            return g1 * ctx.k + 0 * x, None, g3 * y

    class Cube(T.autograd.Function):
        @staticmethod
        def forward(x):
            return x ** 3

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(inputs[0])

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * 3 * x ** 2

    class Dirty(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class ArgMax(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            r = x * 2
            ctx.mark_non_differentiable(r)
            ctx.set_materialize_grads(False)
            return r, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            return g2 * 3

    class Once(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        @T.autograd.function.once_differentiable
        def backward(ctx, g):
            return g * 2

    class Bad(T.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, g):
            return g

    class BadShape(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.sum(0)

        @staticmethod
        def backward(ctx, g):
            return g[:1]

    return dict(Scale=Scale, Cube=Cube, Dirty=Dirty, ArgMax=ArgMax, Once=Once, Bad=Bad, BadShape=BadShape)


def test_function_multi_output_and_ctx():
    def s(T):
        F = _fns(T)["Scale"]
        x, y = t(T, [1., 2.]), t(T, [3., 4.])
        a, n, c = F.apply(x, 2.0, y)
        info = (type(a.grad_fn).__name__, a.grad_fn.name(), a.grad_fn is c.grad_fn, c.output_nr, n,
                len(a.grad_fn.next_functions), a.grad_fn.needs_input_grad)
        (a.sum() + c.sum() * 2).backward()
        return info, x.grad, y.grad
    same(s)


def test_function_setup_context_and_double_backward():
    def s(T):
        F = _fns(T)["Cube"]
        x = t(T, 3.0, dtype=T.float64)
        g, = T.autograd.grad(F.apply(x), x, create_graph=True)
        g2, = T.autograd.grad(g, x)
        return g, g2
    same(s)


def test_function_dirty_and_identity():
    def s(T):
        F = _fns(T)["Dirty"]
        x = t(T, [1., 2.])
        try:
            F.apply(x)
            err = None
        except RuntimeError as e:
            err = str(e)
        z = x.clone()
        w = F.apply(z)
        w.sum().backward()
        return err, w is z, type(z.grad_fn).__name__, x.grad
    same(s)


def test_function_dirty_view():
    def s(T):
        F = _fns(T)["Dirty"]
        x = t(T, [1., 2., 3.])
        b = x.clone()
        F.apply(b[1:])
        b.sum().backward()
        return type(b.grad_fn).__name__, x.grad
    same(s)


def test_function_non_differentiable_and_once():
    def s(T):
        fs = _fns(T)
        x = t(T, [1., 2.])
        r, o = fs["ArgMax"].apply(x)
        o.sum().backward()
        x2 = t(T, [1., 2.])
        g, = T.autograd.grad(fs["Once"].apply(x2).sum(), x2, create_graph=True)
        return r.requires_grad, x.grad, g, g.requires_grad
    same(s)


@pytest.mark.parametrize("name", ["Bad", "BadShape"])
def test_function_errors(name):
    def s(T):
        F = _fns(T)[name]
        x = t(T, [[1., 2.], [3., 4.]])
        y = F.apply(x, 2.0) if name == "Bad" else F.apply(x)
        y.sum().backward()
    same(s)


def test_function_saved_tensor_checks():
    def modified(T):
        S = _fns(T)["Cube"]
        x = t(T, [1., 2.])
        q = x.clone()
        r = S.apply(q)
        q.add_(1)
        r.sum().backward()

    def freed(T):
        S = _fns(T)["Cube"]
        x = t(T, [1., 2.])
        r = S.apply(x)
        r.sum().backward()
        return r.grad_fn.saved_tensors
    same(modified)
    same(freed)


# ---- anomaly mode, gradcheck, functional ------------------------------------------------------------

def test_detect_anomaly():
    def s(T):
        x = t(T, [0.])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with T.autograd.detect_anomaly():
                y = x.sqrt() * 0
                (y / y).sum().backward()
    same(s)

    def off(T):
        x = t(T, [0.])
        T.autograd.set_detect_anomaly(True)
        T.autograd.set_detect_anomaly(False)
        y = x.sqrt() * 0
        (y / y).sum().backward()
        return x.grad
    same(off)


def test_gradcheck():
    def s(T):
        x = t(T, [[0.5, 1.5], [2.0, -1.0]], dtype=T.float64)
        y = t(T, [0.3, 0.7], dtype=T.float64)
        ok = T.autograd.gradcheck(lambda a, b: (a * b).exp().sum(0), (x, y))
        ok2 = T.autograd.gradgradcheck(lambda a, b: (a * b * a).sum(), (x, y))
        F = _fns(T)["Bad"]

        class Wrong(T.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                return a * 2

            @staticmethod
            def backward(ctx, g):
                return g * 3
        bad = T.autograd.gradcheck(Wrong.apply, (x,), raise_exception=False)
        del F
        return ok, ok2, bad
    same(s)


def test_gradcheck_raises():
    for T in (torch, numtorch):
        class Wrong(T.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                return a * 2

            @staticmethod
            def backward(ctx, g):
                return g * 3
        with pytest.raises(RuntimeError, match="Jacobian mismatch for output 0 with respect to input 0"):
            T.autograd.gradcheck(Wrong.apply, (t(T, [1.], dtype=T.float64),))


def test_functional():
    def s(T):
        F = T.autograd.functional
        x = T.tensor([1., 2., 3.], dtype=T.float64)
        y = T.tensor([0.5, -1.], dtype=T.float64)
        v = T.tensor([1., 0.5, 2.], dtype=T.float64)

        def f(a):
            return a.exp() * a

        def g(a, b):
            return (a * a).sum() * b

        def h(a):
            return (a ** 3).sum()
        return (F.jacobian(f, x), F.jacobian(g, (x, y)), F.hessian(h, x), F.vjp(f, x, v), F.jvp(f, x, v),
                F.hvp(h, x, v), F.vhp(h, x, v))
    same(s)


@pytest.mark.parametrize("case", range(3))
def test_stale_view_history_regenerated(case):
    def s(T):
        a = t(T, [[1., 2.], [3., 4.], [5., 6.]])
        b = a.clone()
        v, w = b[0], b[:, 0]
        if case == 0:
            b.mul_(2)
            out = v.sum()
        elif case == 1:
            v.mul_(3)
            out = (b.t() * w.unsqueeze(1)).sum()
        else:
            v.mul_(3)
            out = (w * w).sum()
        info = [type(x.grad_fn).__name__ for x in (v, w)]
        out.backward()
        return info, a.grad
    same(s)


def test_backward_api_edges():
    def nonleaf_inputs(T):
        x = t(T, [1., 2.])
        y = x * 2
        y.exp().sum().backward(inputs=[y])
        return y.retains_grad, y.grad, x.grad

    def count_mismatch(T):
        a = t(T, 2.)
        b = a * a
        T.autograd.backward([b, b], [T.tensor(1.)])

    def nonscalar(T):
        (t(T, [1., 2.]) * 2).backward()

    def not_requiring(T):
        T.autograd.grad((t(T, [1., 2.]) * 2).sum(), T.tensor([1.]))

    def bad_shape(T):
        (t(T, [1., 2.]) * 2).sum().backward(T.ones(2))

    def complex_scalar(T):
        (T.tensor([1 + 1j], requires_grad=True) * 2).sum().backward()

    def post_hook(T):
        log = []
        q = t(T, [1., 2.])
        q.register_post_accumulate_grad_hook(lambda v: log.append(v.grad.tolist()))
        (q * 3).sum().backward()
        return log

    def graph_node_base(T):
        y = t(T, [1.]) * 2
        return isinstance(y.grad_fn, T.autograd.graph.Node), isinstance(
            y.grad_fn.next_functions[0][0], T.autograd.graph.Node)
    for s in (nonleaf_inputs, count_mismatch, nonscalar, not_requiring, bad_shape, complex_scalar, post_hook,
              graph_node_base):
        same(s)


def test_saved_tensors_hooks():
    def s(T):
        log = []
        x = t(T, [1., 2.], dtype=T.float64)

        def pack(v):
            log.append(("pack", v.tolist()))
            return v * 1

        def unpack(v):
            log.append(("unpack", v.tolist()))
            return v
        with T.autograd.graph.saved_tensors_hooks(pack, unpack):
            y = (x * x).exp()
        y.sum().backward()
        with T.autograd.graph.save_on_cpu():
            z = (x * x).exp()
        z.sum().backward()
        with T.autograd.graph.saved_tensors_hooks(lambda v: v, lambda v: v):
            q = x * 1
            w = q * q
        q.add_(1)  # no version check on hooked saves (torch leaves that to the hooks)
        w.sum().backward()
        return np.round(np.array([v for _, vs in log for v in vs]), 5).tolist(), [k for k, _ in log], x.grad
    same(s)


def test_function_returning_view():
    def s(T):
        class V(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x[1:]

            @staticmethod
            def backward(ctx, g):
                return T.cat([T.zeros(1), g]) * 5
        x = t(T, [1., 1., 1.])
        b = x.clone()
        b.mul_(2)
        o = V.apply(b)
        (o * 1).sum().backward()
        return type(o.grad_fn).__name__, o._base is b, x.grad
    same(s)


_VIEW_FILL_DIST = {
    "y[:]": lambda L, y, v, w: y[:], "y[...]": lambda L, y, v, w: y[...], "y[:, :]": lambda L, y, v, w: y[:, :],
    "y[()]": lambda L, y, v, w: y[()], "y[0]": lambda L, y, v, w: y[0], "y[:, 0]": lambda L, y, v, w: y[:, 0],
    "y[1:, 0]": lambda L, y, v, w: y[1:, 0], "y[0, 1:]": lambda L, y, v, w: y[0, 1:],
    "y[0, :]": lambda L, y, v, w: y[0, :], "y[None]": lambda L, y, v, w: y[None],
    "y[:, None]": lambda L, y, v, w: y[:, None], "y[0, None]": lambda L, y, v, w: y[0, None],
    "y[None, 0]": lambda L, y, v, w: y[None, 0], "y[..., 0]": lambda L, y, v, w: y[..., 0],
    "y[0:3, 0]": lambda L, y, v, w: y[0:3, 0], "y[:, 0:4]": lambda L, y, v, w: y[:, 0:4],
    "y[:, -1]": lambda L, y, v, w: y[:, -1], "y[None, :, 0]": lambda L, y, v, w: y[None, :, 0],
    "fill_(1.)": lambda L, y, v, w: y.clone().fill_(1.0), "fill_(v)": lambda L, y, v, w: y.clone().fill_(v),
    "copy_(w)": lambda L, y, v, w: y.clone().copy_(w), "dist": lambda L, y, v, w: L.dist(y, w),
    "fill(y, 1.)": lambda L, y, v, w: L.fill(y, 1.0), "fill(y, v)": lambda L, y, v, w: L.fill(y, v),
    "dist(p=1)": lambda L, y, v, w: L.dist(y, w, 1),
}


@pytest.mark.parametrize("name", list(_VIEW_FILL_DIST))
def test_node_names_of_views_fills_and_dist(name):
    """The node torch records (and its name()) for basic indexing (the last view applied; a tuple's full
    slices apply nothing), fill_ with a number or a tensor, copy_ (C++-qualified), and dist; the gradients
    of the fills and dist agree too."""
    out = []
    for L in (torch, numtorch):
        x = L.arange(12.0).view(3, 4).requires_grad_()
        v = L.tensor(2.0, requires_grad=True)
        r = _VIEW_FILL_DIST[name](L, x * 1, v, L.full((3, 4), 0.5))
        grads = L.autograd.grad((r * L.arange(1.0, r.numel() + 1).view(r.shape)).sum(), (x, v),
                                allow_unused=True)
        out.append((r.grad_fn.name(), type(r.grad_fn).__name__,
                    [None if g is None else g.tolist() for g in grads]))
    assert out[0] == out[1]


def test_floor_divide_records_torchs_not_implemented_node():
    """torch records a node for floor_divide that raises when the backward reaches it (the result requires
    grad); numtorch too, with torch's name and message."""
    out = []
    for L in (torch, numtorch):
        x = L.tensor([5.0, 7.0], requires_grad=True)
        r = x // 2
        with pytest.raises(RuntimeError) as e:
            r.sum().backward()
        out.append((r.requires_grad, r.grad_fn.name(), type(r.grad_fn).__name__, str(e.value)))
    assert out[0] == out[1]
