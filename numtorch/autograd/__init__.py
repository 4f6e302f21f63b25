"""`torch.autograd`: backward, grad, grad modes, and (in submodules) Function, gradcheck, functional."""
from __future__ import annotations

from .._tensor import Tensor
from . import engine
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)


def _seq(x):
    if x is None:
        return None
    if isinstance(x, Tensor):
        return [x]
    return list(x)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None,
             inputs=None):
    """Mirrors `torch.autograd.backward`: accumulate gradients into the leaves' `.grad`."""
    tensors = _seq(tensors)
    grads = _seq(grad_tensors if grad_tensors is not None else grad_variables)
    if grads is None:
        grads = [None] * len(tensors)
    if len(grads) != len(tensors):
        raise RuntimeError(f"got {len(tensors)} tensors and {len(grads)} gradients")
    inputs = _seq(inputs)
    if inputs is not None:
        if len(inputs) == 0:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
        for t in inputs:
            if t._grad_fn is not None:  # a non-leaf among `inputs` gets its .grad, as with retain_grad()
                t.retain_grad()
    engine.run(tensors, grads, retain_graph, create_graph, inputs=inputs, accumulate=True, allow_unused=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Mirrors `torch.autograd.grad`: gradients of `outputs` with respect to `inputs`, nothing accumulated."""
    outputs = _seq(outputs)
    inputs = _seq(inputs)
    grads = _seq(grad_outputs)
    if grads is None:
        grads = [None] * len(outputs)
    if allow_unused is None:
        allow_unused = materialize_grads
    for t in inputs:
        if not t._rg:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    res = engine.run(outputs, grads, retain_graph, create_graph, inputs=inputs, accumulate=False,
                     allow_unused=allow_unused)
    if materialize_grads:
        from .._ops.creation import zeros_like
        res = [zeros_like(t) if g is None else g for t, g in zip(inputs, res)]
    return tuple(res)


def Variable(data, requires_grad=False, volatile=False):
    """Legacy `torch.autograd.Variable`: the tensor itself (optionally marked requires_grad)."""
    if requires_grad:
        data.requires_grad_(True)
    return data


__all__ = ["backward", "grad", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
           "is_grad_enabled", "is_inference_mode_enabled", "Variable"]


from . import anomaly_mode, function, functional, graph  # noqa: E402
from .anomaly_mode import detect_anomaly, set_detect_anomaly  # noqa: E402
from .function import Function, once_differentiable  # noqa: E402
from .gradcheck import gradcheck, gradgradcheck  # noqa: E402

__all__ += ["Function", "once_differentiable", "detect_anomaly", "set_detect_anomaly", "gradcheck",
            "gradgradcheck", "function", "functional", "graph", "anomaly_mode"]
