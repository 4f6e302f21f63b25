"""`torch.autograd.functional`: jacobian, hessian, vjp, jvp, hvp, vhp over reverse-mode autograd."""
from __future__ import annotations

from .._tensor import Tensor
from . import grad_mode


def _tuple(x, arg, fn):
    is_tuple = isinstance(x, tuple)
    xs = x if is_tuple else (x,)
    for i, t in enumerate(xs):
        if not isinstance(t, Tensor):
            if is_tuple:
                raise TypeError(f"The {arg} given to {fn} must be either a Tensor or a tuple of Tensors but "
                                f"the value at index {i} has type {type(t)}.")
            raise TypeError(f"The {arg} given to {fn} must be either a Tensor or a tuple of Tensors but the "
                            f"given {arg} has type {type(t)}.")
    return is_tuple, xs


def _prep(inputs, create_graph):
    # inputs become fresh leaves (views when create_graph keeps the link to the caller's graph)
    out = []
    for t in inputs:
        a = t.view_as(t) if create_graph and t._rg else t.detach()
        a.requires_grad_(True)
        out.append(a)
    return tuple(out)


def _grad(outputs, inputs, grad_outputs, create_graph, retain_graph=None):
    from . import grad
    outs, gos = [], []
    for o, g in zip(outputs, grad_outputs):
        if o is not None and o._rg:
            outs.append(o)
            gos.append(g)
    if not outs:
        return (None,) * len(inputs)
    return grad(outs, inputs, gos, create_graph=create_graph, allow_unused=True,
                retain_graph=retain_graph if retain_graph is not None else True)


def _fill(grads, refs, create_graph):
    from .._ops.creation import zeros_like
    res = []
    for g, r in zip(grads, refs):
        if g is None:
            g = zeros_like(r)
        elif not create_graph:
            g = g.detach()
        res.append(g)
    return tuple(res)


def _check_strict(grads, strict, what):
    if strict:
        for i, g in enumerate(grads):
            if g is None:
                raise RuntimeError(f"The output of the user-provided function is independent of input {i}. "
                                   f"This is not allowed in strict mode{what}.")


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    with grad_mode.enable_grad():
        in_tuple, inputs = _tuple(inputs, "inputs", "vjp")
        inputs = _prep(inputs, create_graph)
        out_raw = func(*inputs)
        out_tuple, outputs = _tuple(out_raw, "outputs of the user-provided function", "vjp")
        if v is None:
            if len(outputs) != 1 or outputs[0]._data.size != 1:
                raise RuntimeError("The vector v can only be None if the user-provided function returns a "
                                   "single Tensor with a single element.")
            from .._ops.creation import ones_like
            vs = (ones_like(outputs[0]),)
        else:
            _, vs = _tuple(v, "v", "vjp")
        grads = _grad(outputs, inputs, vs, create_graph)
        _check_strict(grads, strict, "")
        res = _fill(grads, inputs, create_graph)
    outs = tuple(o if create_graph else o.detach() for o in outputs)
    return (outs if out_tuple else outs[0]), (res if in_tuple else res[0])


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """J v by the double-vjp trick: g(u) = J^T u is linear in u, so J v = d<g(u), v>/du."""
    from .._ops.creation import ones_like, zeros_like
    with grad_mode.enable_grad():
        in_tuple, inputs = _tuple(inputs, "inputs", "jvp")
        inputs = _prep(inputs, create_graph)
        if v is None:
            if len(inputs) != 1 or inputs[0]._data.size != 1:
                raise RuntimeError("The vector v can only be None if the input to the user-provided function "
                                   "is a single Tensor with a single element.")
            vs = (ones_like(inputs[0]),)
        else:
            _, vs = _tuple(v, "v", "jvp")
        out_raw = func(*inputs)
        out_tuple, outputs = _tuple(out_raw, "outputs of the user-provided function", "jvp")
        us = tuple(zeros_like(o).requires_grad_(True) for o in outputs)
        gi = _grad(outputs, inputs, us, create_graph=True)
        _check_strict(gi, strict, "")
        pairs = [(g, vv) for g, vv in zip(gi, vs) if g is not None and g._rg]
        if pairs:
            from . import grad
            jv = grad([p[0] for p in pairs], us, [p[1] for p in pairs], create_graph=create_graph,
                      allow_unused=True)
        else:
            jv = (None,) * len(us)
        res = _fill(jv, outputs, create_graph)
    outs = tuple(o if create_graph else o.detach() for o in outputs)
    return (outs if out_tuple else outs[0]), (res if in_tuple else res[0])


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    from .._ops.creation import zeros, zeros_like
    with grad_mode.enable_grad():
        in_tuple, inputs = _tuple(inputs, "inputs", "jacobian")
        inputs = _prep(inputs, create_graph)
        out_tuple, outputs = _tuple(func(*inputs), "outputs of the user-provided function", "jacobian")
        jac = []
        for o in outputs:
            rows = [[] for _ in inputs]
            flat = o.reshape(-1)
            for m in range(flat._data.size):
                if o._rg:
                    gs = _grad([flat[m]], inputs, [None], create_graph, retain_graph=True)
                else:
                    gs = (None,) * len(inputs)
                for i, (g, t) in enumerate(zip(gs, inputs)):
                    if g is None and strict:
                        raise RuntimeError(f"Output {len(jac)} of the user-provided function is independent "
                                           f"of input {i}. This is not allowed in strict mode.")
                    rows[i].append(zeros_like(t) if g is None else (g if create_graph else g.detach()))
            per = []
            for i, t in enumerate(inputs):
                shape = tuple(o._data.shape) + tuple(t._data.shape)
                if rows[i]:
                    from .._ops.shape import stack
                    per.append(stack(rows[i]).reshape(shape))
                else:
                    per.append(zeros(shape, dtype=t._dtype))
            jac.append(tuple(per) if in_tuple else per[0])
    if out_tuple:
        return tuple(jac)
    return jac[0]


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    in_tuple, ins = _tuple(inputs, "inputs", "hessian")

    def jac_func(*xs):
        j = jacobian(_scalar(func), xs if in_tuple else xs[0], create_graph=True, strict=strict)
        return j

    res = jacobian(jac_func, ins if in_tuple else ins[0], create_graph=create_graph, strict=strict)
    return res


def _scalar(func):
    def f(*xs):
        out = func(*xs)
        is_tuple, outs = _tuple(out, "outputs of the user-provided function", "hessian")
        if is_tuple or outs[0]._data.size != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should contain a single "
                               "element")
        return outs[0].reshape(())
    return f


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    with grad_mode.enable_grad():
        in_tuple, ins = _tuple(inputs, "inputs", "vhp")
        ins = _prep(ins, create_graph)
        out = _scalar(func)(*ins)
        g = _grad([out], ins, [None], create_graph=True)
        _, vs = _tuple(v, "v", "vhp") if v is not None else (False, None)
        if vs is None:
            raise RuntimeError("The vector v can only be None if the input to the user-provided function is "
                               "a single Tensor with a single element.")
        pairs = [(gg, vv) for gg, vv in zip(g, vs) if gg is not None and gg._rg]
        if pairs:
            from . import grad
            h = grad([p[0] for p in pairs], ins, [p[1] for p in pairs], create_graph=create_graph,
                     allow_unused=True)
        else:
            h = (None,) * len(ins)
        res = _fill(h, ins, create_graph)
    o = out if create_graph else out.detach()
    return o, (res if in_tuple else res[0])


hvp = vhp  # the Hessian of a scalar function is symmetric

__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]
