"""`torch.autograd.Function`: user-defined ops with a static forward and backward.

Note [custom Function]: `MyFn.apply(*args)` runs `forward` under no_grad, then (when recording) makes one
node of the class `MyFnBackward` (generated per Function, as torch names it). The node is also the `ctx`
the user's forward/backward see, so arbitrary attributes set on ctx travel to backward. Edges go to the
tensor arguments only; backward returns one value per forward argument and values for non-tensor
arguments must be None.
"""
from __future__ import annotations

import functools

from .._tensor import Tensor, make_view
from . import grad_mode
from .graph import _FREED, Node, SavedTensor, edge_of, sum_to


class FunctionCtx:
    """What `ctx` offers inside forward / setup_context / backward."""

    def save_for_backward(self, *tensors):
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError("save_for_backward can only save variables, but argument "
                                f"{tensors.index(t)} is of type {type(t).__name__}")
        self.to_save = tensors

    def save_for_forward(self, *tensors):
        self.saved_for_forward = tensors

    def mark_dirty(self, *args):
        self.dirty_tensors = args

    def mark_non_differentiable(self, *args):
        self.non_differentiable = args

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)

    def mark_shared_storage(self, *pairs):
        raise RuntimeError("mark_shared_storage is deprecated. Tensors with shared storages are "
                           "automatically tracked. Note that calls to `set_()` are not tracked")


class BackwardCFunction(Node, FunctionCtx):
    """The node (and ctx) of one application of a custom Function."""

    _forward_cls = None
    materialize_grads = True
    _saved = ()
    _released = False

    def __init__(self):
        Node.__init__(self)
        self.dirty_tensors = ()
        self.non_differentiable = ()

    @property
    def saved_tensors(self):
        if self._released:
            raise RuntimeError(_FREED)
        out = []
        for s in self._saved:
            out.append(s.unpack(self) if type(s) is SavedTensor else s)
        return tuple(out)

    saved_variables = saved_tensors

    def apply(self, grads):
        grads = list(grads)
        if self.materialize_grads:
            from .._ops.creation import zeros
            for i, (g, meta) in enumerate(zip(grads, self._out_meta)):
                if g is None and meta is not None:
                    grads[i] = zeros(meta[0], dtype=meta[1], device=meta[2])
        res = self._forward_cls.backward(self, *grads)
        if not isinstance(res, tuple):
            res = (res,)
        name = type(self).__name__
        n_args = len(self._arg_is_tensor)
        if len(res) != n_args:
            if len(res) > n_args and all(r is None for r in res[n_args:]):
                res = res[:n_args]
            else:
                raise RuntimeError(f"function {name} returned an incorrect number of gradients (expected "
                                   f"{n_args}, got {len(res)})")
        out = []
        for i, (g, is_t) in enumerate(zip(res, self._arg_is_tensor)):
            if not is_t:
                if g is not None:
                    raise RuntimeError(f"function {name} returned a gradient different than None at position "
                                       f"{i + 1}, but the corresponding forward input was not a Variable")
                continue
            meta = self._in_meta[len(out)]
            if g is not None and meta is not None:
                g = _fit(name, len(out), g, meta)
            out.append(g)
        return out

    def __repr__(self):
        return f"<torch.autograd.function.{type(self).__name__} object at {hex(id(self))}>"

    def release(self):
        self._released = True
        self._saved = ()

    def __getattr__(self, name):
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")


def _fit(name, i, g, meta):
    shape, dt = meta
    if not isinstance(g, Tensor):
        raise TypeError(f"function {name} returned a non-Tensor gradient")
    if g._data.shape != shape:
        from .._ops._meta import broadcast_shapes
        try:
            ok = tuple(broadcast_shapes(shape, g._data.shape)) == g._data.shape
        except RuntimeError:
            ok = False
        if not ok:
            raise RuntimeError(f"Function {name} returned an invalid gradient at index {i} - got "
                               f"{list(g._data.shape)} but expected shape compatible with {list(shape)}")
        g = sum_to(g, shape)
    if g._dtype is not dt:
        g = g.to(dt)
    return g


class FunctionMeta(type):
    """Gives each Function subclass its backward node class `<Name>Backward`."""

    def __init__(cls, name, bases, attrs):
        cls._backward_cls = type(name + "Backward", (BackwardCFunction,), {"_forward_cls": cls})
        super().__init__(name, bases, attrs)


class Function(FunctionCtx, metaclass=FunctionMeta):
    """Mirrors `torch.autograd.Function`."""

    generate_vmap_rule = False

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. "
                           "Please use new-style autograd function with static forward method. (Example: "
                           "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(*args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError("You must implement the jvp function for custom autograd.Function to use "
                                  "it with forward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        is_tensor = tuple(isinstance(a, Tensor) for a in args)
        tensors = [a for a in args if isinstance(a, Tensor)]
        needs = tuple(isinstance(a, Tensor) and a._rg for a in args)
        recording = grad_mode.state.enabled and any(needs)
        ctx = cls._backward_cls()
        ctx.needs_input_grad = needs
        ctx._arg_is_tensor = is_tensor
        with grad_mode.no_grad():
            if cls.setup_context is not Function.setup_context:
                outputs = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, outputs)
            else:
                outputs = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(outputs, tuple)
        outs = [outputs] if single else list(outputs)
        dirty = ctx.dirty_tensors
        nondiff = ctx.non_differentiable
        for i, o in enumerate(outs):
            if not isinstance(o, Tensor):
                continue
            if any(o is d for d in dirty):
                if recording and o._rg and o._grad_fn is None:
                    raise RuntimeError("a leaf Variable that requires grad has been used in an in-place "
                                       "operation.")
            elif any(o is t for t in tensors):
                # returning an input unchanged gives a view of it, so its history is not overwritten
                outs[i] = make_view(o, o._data)
        if recording:
            ctx.next_functions = tuple(edge_of(t) for t in tensors)
            ctx._in_meta = tuple((t._data.shape, t._dtype) if t._rg else None for t in tensors)
            ctx._out_meta = tuple((o._data.shape, o._dtype, o._device) if isinstance(o, Tensor) else None
                                  for o in outs)
            ctx._n_outputs = len(outs)
            for i, o in enumerate(outs):
                if not isinstance(o, Tensor):
                    continue
                differentiable = (o._dtype.is_floating_point or o._dtype.is_complex) and not any(
                    o is t for t in nondiff)
                if not differentiable:
                    continue
                if any(o is d for d in dirty):
                    _rebase_dirty(o, ctx, i)
                else:
                    o._grad_fn = ctx
                    o._output_nr = i
                    o._rg = True
                    if o._base is not None:  # a view output: its history is current (views.refresh_view)
                        o._vv = o._vc[0]
        to_save = ctx.__dict__.pop("to_save", ())
        ctx._saved = tuple(_save(t, outs) for t in to_save)
        return outs[0] if single else tuple(outs)


def _save(t, outs):
    if t is None:
        return None
    return SavedTensor(t, is_output=any(t is o for o in outs) and t._grad_fn is not None)


def _rebase_dirty(o, ctx, i):
    def do_record():
        o._grad_fn = ctx
        o._output_nr = i
        o._rg = True
    from .inplace import rebase_history
    rebase_history(o, do_record)


def once_differentiable(fn):
    """Backward runs without recording: its result cannot be differentiated again."""
    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with grad_mode.no_grad():
            return fn(ctx, *args)
    return wrapper


class InplaceFunction(Function):
    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace


class NestedIOFunction(Function):
    pass


__all__ = ["Function", "FunctionCtx", "BackwardCFunction", "once_differentiable", "InplaceFunction"]
