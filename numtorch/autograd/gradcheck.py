"""`gradcheck` / `gradgradcheck`: analytical gradients (the engine) against central finite differences."""
from __future__ import annotations

import warnings

import numpy as np

from .._tensor import Tensor


class GradcheckError(RuntimeError):
    pass


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _outputs(func, inputs):
    return tuple(o for o in _as_tuple(func(*inputs)) if isinstance(o, Tensor))


def _numerical(func, inputs, i, eps):
    """d outputs / d inputs[i] by central differences: one (n_in, n_out) array per output."""
    t = inputs[i]
    flat = t._data.reshape(-1) if t._data.flags.c_contiguous else None
    if flat is None:  # perturb a contiguous copy and run on it
        raise GradcheckError("gradcheck expects contiguous inputs")
    cols = []
    # perturbs the array directly (no version bump); grad mode stays on since func may use autograd itself
    for j in range(flat.size):
        orig = flat[j].item()
        flat[j] = orig - eps
        lo = [_flat64(o) for o in _outputs(func, inputs)]
        flat[j] = orig + eps
        hi = [_flat64(o) for o in _outputs(func, inputs)]
        flat[j] = orig
        cols.append([(h - lw) / (2 * eps) for h, lw in zip(hi, lo)])
    n_out = len(cols[0]) if cols else len(_outputs(func, inputs))
    return [np.stack([c[k] for c in cols]) if cols else np.zeros((0, 0)) for k in range(n_out)]


def _flat64(o):
    return o._host().astype(np.complex128 if o._dtype.is_complex else np.float64).reshape(-1)


def _analytical(outputs, inputs, k, i):
    """d outputs[k] / d inputs[i] with the engine, row per input element."""
    from .._ops.creation import zeros_like
    from . import grad as _grad
    out = outputs[k]
    t = inputs[i]
    jac = np.zeros((t._data.size, out._data.size), dtype=np.float64)
    if not out._rg:
        return jac
    for m in range(out._data.size):
        go = zeros_like(out).contiguous()  # reshape(-1) of a non-contiguous array would write to a copy
        go._data.reshape(-1)[m] = 1
        g, = _grad(out, t, go, retain_graph=True, allow_unused=True)
        if g is not None:
            jac[:, m] = g._host().reshape(-1)
    return jac


def _fail(msg, raise_exception):
    if raise_exception:
        raise GradcheckError(msg)
    return False


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
              check_batched_forward_grad=False, check_forward_ad=False, check_backward_ad=True,
              fast_mode=False, masked=None):
    """Mirrors `torch.autograd.gradcheck` (real inputs; backward mode only)."""
    inputs = _as_tuple(inputs)
    diff = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t._rg]
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of the "
                         "them have requires_grad=True.")
    for i in diff:
        if inputs[i]._dtype.name not in ("float64", "complex128"):
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point or "
                          "complex. This check will likely fail if all the inputs are not of double "
                          "precision floating point or complex. ", stacklevel=2)
    outputs = _outputs(func, inputs)
    for i in diff:
        numerical = _numerical(func, inputs, i, eps)
        for k, out in enumerate(outputs):
            if not (out._dtype.is_floating_point or out._dtype.is_complex):
                continue
            a = _analytical(outputs, inputs, k, i)
            n = numerical[k].real if numerical[k].size else numerical[k].reshape(a.shape)
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                return _fail(f"Jacobian mismatch for output {k} with respect to input {i},\n"
                             f"numerical:{_fmt(n)}\nanalytical:{_fmt(a)}\n", raise_exception)
    return True


def _fmt(a):
    from .._ops.creation import tensor
    return repr(tensor(a))


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
                  check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False, masked=False):
    """Mirrors `torch.autograd.gradgradcheck`: gradcheck of the first derivative (with grad_outputs)."""
    from . import grad as _grad
    inputs = _as_tuple(inputs)
    outputs = _outputs(func, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        from .._ops.creation import tensor
        grad_outputs = tuple(tensor(rng.standard_normal(o._data.shape), dtype=o._dtype, requires_grad=True)
                             for o in outputs if o._rg)
    grad_outputs = _as_tuple(grad_outputs)
    n_in = len(inputs)
    diff = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t._rg]

    def first_derivative(*args):
        ins, gos = args[:n_in], args[n_in:]
        outs = [o for o in _outputs(func, ins) if o._rg]
        gs = _grad(outs, [ins[i] for i in diff], gos, create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(first_derivative, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)


__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]
