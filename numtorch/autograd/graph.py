"""The autograd graph: nodes, leaf accumulators, saved tensors, hooks.

Note [graph recording]: an op whose inputs require grad (with grad mode on) builds one node of a class
generated per op (named as torch's: `MulBackward0`). The node keeps `next_functions` (one edge per
tensor input: the input's grad_fn and output slot, its AccumulateGrad, or None), the values its
derivative formulas name (saved tensors are version-checked), and each input's shape and dtype so the
engine can sum a broadcast gradient back to the input's shape and cast it to the input's dtype.
"""
from __future__ import annotations

import itertools
import sys
import weakref

import numpy as _np

from .._tensor import Tensor, wrap
from . import grad_mode

_seq = itertools.count()
_refcount = sys.getrefcount
_ndarray = _np.ndarray


class Node:
    """Base of every autograd node (torch's `torch.autograd.graph.Node`)."""

    __slots__ = ("next_functions", "_seq_nr", "metadata", "__weakref__", "__dict__")
    _n_outputs = 1
    # hooks are rare: class-level None until a hook is registered (then stored in the instance __dict__)
    _pre_hooks = _hooks = _tensor_pre_hooks = _retain_hooks = None
    _has_hooks = False  # set with any of the four above: the engine's one check on its hot path
    _qualified = None  # torch's name() where it is C++-qualified ("torch::autograd::CopyBackwards")

    def __init__(self):
        self._seq_nr = next(_seq)
        self.next_functions = ()

    def name(self):
        return self._qualified or type(self).__name__

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    def __call__(self, *grads):
        return self.apply(list(grads))

    def _sequence_nr(self):
        return self._seq_nr

    def register_hook(self, fn):
        """fn(grad_inputs, grad_outputs) after the node runs; may return new grad_inputs."""
        if self._hooks is None:
            self._hooks = []
            self._has_hooks = True
        return _Handle(self._hooks, fn)

    def register_prehook(self, fn):
        """fn(grad_outputs) before the node runs; may return new grad_outputs."""
        if self._pre_hooks is None:
            self._pre_hooks = []
            self._has_hooks = True
        return _Handle(self._pre_hooks, fn)

    def apply(self, grads):  # pragma: no cover - every concrete node overrides
        raise NotImplementedError

    def release(self):
        pass


class _Handle:
    """RemovableHandle for hooks."""

    _ids = itertools.count()

    def __init__(self, hooks, fn):
        self.hooks = hooks
        self.fn = fn
        self.id = next(self._ids)
        hooks.append(fn)

    def remove(self):
        try:
            self.hooks.remove(self.fn)
        except ValueError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class AccumulateGrad(Node):
    """The sink of a leaf that requires grad: adds incoming gradients into `variable.grad`."""

    __slots__ = ("variable",)

    def __init__(self, variable):
        Node.__init__(self)
        self.variable = variable

    def name(self):
        return "torch::autograd::AccumulateGrad"

    def apply(self, grads):
        accumulate(self.variable, grads[0])
        return []


def accumulate(var, g):
    if g is None:
        return
    create = grad_mode.state.enabled
    old = var._grad
    if old is None:
        if not create and _fresh(g):
            var._grad = g  # nobody else can see `g`: steal it, as torch's AccumulateGrad does
        else:
            if not create:
                g = g.detach()
            # a fresh, dense gradient (torch never hands back a broadcast or aliased buffer)
            var._grad = g.clone() if (g._st is not None or not g._data.flags.c_contiguous) else g
            if var._grad is g and g._grad_fn is None and g._rg:
                var._grad = g.detach()
    elif create:
        var._grad = old + g
    elif (type(old) is Tensor and old._st is None and type(g) is Tensor and old._dtype is g._dtype
          and type(old._data) is _ndarray and type(g._data) is _ndarray and old._data.shape == g._data.shape):
        _np.add(old._data, g._data, out=old._data)  # what add_ does for a dense grad of the same dtype
        old._bump()
    else:
        old.add_(g.detach())
    if var._post_accumulate_hooks:
        for h in list(var._post_accumulate_hooks):
            h(var)


def _fresh(g):
    """True when `g` is a plain dense CPU tensor that owns its array and that only the engine's buffer
    refers to (reference counts at their minimum, measured by `_fresh_counts` for this interpreter)."""
    d = g._data
    return (type(g) is Tensor and type(d) is _ndarray and d.base is None and g._st is None and g._vc is None
            and g._grad_fn is None and not g._rg and _refcount(g) <= _FRESH_T
            and _refcount(d) <= _FRESH_A and d.flags.c_contiguous)


def _fresh_counts():
    # mirror the engine's call: the tensor sits only in a buffer list, reached as accumulate(var, buf[0]),
    # and is counted from a frame shaped as `_fresh`'s (the tensor a parameter, its array a local)
    def probe(g):
        d = g._data
        return _refcount(g), _refcount(d)

    def accumulate_like(var, g):
        return probe(g)
    from .._dtype import float32
    buf = [wrap(_np.empty(1, _np.float32), float32)]
    return accumulate_like(None, buf[0])


_FRESH_T, _FRESH_A = _fresh_counts()


def grad_accumulator(t):
    """The AccumulateGrad node of leaf `t`, shared by every graph that uses `t`."""
    ref = t._accum
    node = ref() if ref is not None else None
    if node is None:
        node = AccumulateGrad(t)
        t._accum = weakref.ref(node)
    return node


def edge_of(t):
    """(node, input slot) through which gradient flows into tensor `t`."""
    fn = t._grad_fn
    if fn is not None:
        if t._base is not None and t._vc[0] != getattr(t, "_vv", 0):
            fn = refresh_view(t)
        return (fn, t._output_nr)
    if t._rg:
        return (grad_accumulator(t), 0)
    return (None, 0)


# ---- saved tensors --------------------------------------------------------------------------------

_FREED = ("Trying to backward through the graph a second time (or directly access saved tensors after they "
          "have already been freed). Saved intermediate values of the graph are freed when you call "
          ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
          "graph a second time or if you need to access saved tensors after calling backward.")


class SavedTensor:
    """A tensor saved for backward, with the version it had; unpacking after an in-place change raises."""

    __slots__ = ("tensor", "version", "is_output", "node_name", "output_nr", "hooked")

    def __init__(self, t, is_output=False, node_name=None):
        self.hooked = None
        if _saved_hooks:
            # torch.autograd.graph.saved_tensors_hooks: keep only what pack returns; as in torch, no
            # version check then (in-place changes to what was packed are the hooks' business)
            pack, unpack = _saved_hooks[-1]
            self.hooked = (pack(t.detach()), unpack)
            self.tensor = None
            self.is_output = False
            return
        if is_output:
            # Save an alias, not the output itself: no reference cycle output -> node -> output.
            a = t.detach()
            a._rg = t._rg
            self.tensor = a
            self.output_nr = t._output_nr
        else:
            self.tensor = t
            self.output_nr = 0
        self.version = t._version
        self.is_output = is_output
        self.node_name = node_name

    def unpack(self, node=None):
        if self.hooked is not None:
            return self.hooked[1](self.hooked[0])
        t = self.tensor
        if t._version != self.version:
            raise RuntimeError(_modified_message(t, self, node))
        if self.is_output and node is not None and grad_mode.state.enabled:
            # double backward through a saved output: it is a function of the graph again
            a = t.detach()
            a._grad_fn = node
            a._output_nr = self.output_nr
            a._rg = True
            return a
        return t


_new_saved = _new_tensor = _new_node = object.__new__


def _save_input(t):
    """SavedTensor(t) for a non-output tensor with no saved-tensor hooks active (the common case)."""
    s = _new_saved(SavedTensor)
    s.hooked = None
    s.tensor = t
    s.output_nr = 0
    vc = t._vc
    s.version = 0 if vc is None else vc[0]
    s.is_output = False
    s.node_name = None
    return s


def _save_output(t):
    """SavedTensor(t, True) with no saved-tensor hooks active: an alias of `t` (no reference cycle)."""
    a = _new_tensor(Tensor)
    a._data = t._data
    a._dtype = t._dtype
    a._device = t._device
    a._st = t._st if t._st is not None else t._data
    vc = t._vc
    if vc is None:
        vc = t._vc = [0]
    a._vc = vc
    if t._rg:
        a._rg = True
    s = _new_saved(SavedTensor)
    s.hooked = None
    s.tensor = a
    s.output_nr = t._output_nr
    s.version = vc[0]
    s.is_output = True
    s.node_name = None
    return s


_saved_hooks: list = []  # stack of (pack, unpack) from saved_tensors_hooks (innermost last)


class saved_tensors_hooks:
    """Mirrors `torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook)`."""

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        _saved_hooks.append((self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *exc):
        _saved_hooks.pop()
        return False


class save_on_cpu(saved_tensors_hooks):
    """Saved tensors move to the CPU and come back to their device on unpack."""

    def __init__(self, pin_memory=False, device_type="cuda"):
        super().__init__(lambda t: (t.device, t.cpu()), lambda p: p[1].to(p[0]))


def _modified_message(t, saved, node):
    from .._legacy import tensor_type_name
    shape = list(t._data.shape)
    where = ""
    if saved.is_output and node is not None:
        where = f", which is output {saved.output_nr} of {_op_name(node)}"
    elif t._grad_fn is not None:
        where = f", which is output {t._output_nr} of {_op_name(t._grad_fn)}"
    return ("one of the variables needed for gradient computation has been modified by an inplace operation: "
            f"[{tensor_type_name(t)} {shape}]{where}, is at version {t._version}; expected version "
            f"{saved.version} instead. Hint: enable anomaly detection to find the operation that failed to "
            "compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")


def _op_name(node):
    # torch 2.13 names the op, not the node: "output 0 of Exp"
    name = node.name()
    i = name.rfind("Backward")
    return name[:i] if i > 0 and name[i + 8:].isdigit() or name.endswith("Backward") else name


# ---- tensor hooks ---------------------------------------------------------------------------------

def register_tensor_hook(t, hook):
    if not t._rg:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    fn = t._grad_fn
    node = fn if fn is not None else grad_accumulator(t)
    if node._tensor_pre_hooks is None:
        node._tensor_pre_hooks = {}
        node._has_hooks = True
    hooks = node._tensor_pre_hooks.setdefault(t._output_nr if fn is not None else 0, [])
    if fn is None:
        # keep the accumulator alive as long as the leaf has hooks on it
        t._hooks = (t._hooks or ()) + (node,)
    return _Handle(hooks, hook)


def register_post_accumulate_hook(t, hook):
    if t._grad_fn is not None:
        raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
    if t._post_accumulate_hooks is None:
        t._post_accumulate_hooks = []
    return _Handle(t._post_accumulate_hooks, hook)


def retain_grad(t):
    if not t._rg:
        raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
    if t._grad_fn is None or t._retains_grad:
        return
    t._retains_grad = True
    node = t._grad_fn
    if node._retain_hooks is None:
        node._retain_hooks = {}
        node._has_hooks = True
    node._retain_hooks[t._output_nr] = weakref.ref(t)


def _store_retained(t, g):
    if g is None:
        return
    old = t._grad
    if old is None:
        t._grad = g.detach().clone() if not grad_mode.state.enabled else g.clone()
    else:
        t._grad = old + g


# ---- formula nodes (generated per op) ------------------------------------------------------------

_GRAD_ONLY = ("grad",)


class FormulaNode(Node):
    """A node whose backward evaluates per-input derivative formulas written in numtorch ops.

    Class attributes set per op: `_formulas` (per tensor input: None or (fn, argnames)),
    `_n_outputs`. Instance: `_saved` (name -> value or SavedTensor), `_shapes` (per input
    (shape, dtype) or None), `_out_meta` (per output (shape, dtype, device) for zero-filling).
    """

    __slots__ = ("_saved", "_shapes", "_out_meta")
    _formulas = ()
    _uses = None  # per generated class: saved name -> input indices whose formula names it
    _plan = None  # per class: (input index, formula, argument names or None for grad only), see _plan

    def apply(self, grads):
        saved = self._saved
        if saved is None:
            raise RuntimeError(_FREED)
        gl = grads if self._n_outputs == 1 else _materialize(grads, self._out_meta)
        g0 = gl[0]
        edges = self.next_functions
        shapes = self._shapes
        n = len(edges)
        plan = self._plan
        if plan is None:
            plan = _build_plan(type(self))
        # absent optional operands (clamp's max) have no edge and no formula run
        out = [None] * (n if n <= len(self._formulas) else len(self._formulas))
        for i, fn, names in plan:
            if i >= n or edges[i][0] is None:
                continue
            if names is None:
                g = fn(g0)
            else:
                args = []
                for name in names:  # only what the formula names is unpacked (and version-checked), as in torch
                    if name == "grad":
                        args.append(g0)
                    elif name == "grads":
                        args.append(gl)
                    else:
                        v = saved[name]
                        if type(v) is SavedTensor:
                            t = v.tensor
                            if v.is_output or t is None or (0 if t._vc is None else t._vc[0]) != v.version:
                                t = v.unpack(self)  # outputs, hooks, and the error when modified in place
                            v = t
                        args.append(v)
                g = fn(*args)
            if g is not None:
                meta = shapes[i]
                if type(g) is not Tensor or g._data.shape != meta[0] or g._dtype is not meta[1]:
                    g = _fit(g, meta)
            out[i] = g
        return out

    def release(self):
        # only saved tensors are freed: a node that saved sizes or scalars (sum) can run again, as in torch
        saved = self._saved
        if saved:
            for v in saved.values():
                if type(v) is SavedTensor or v is _UNSAVED:
                    self._saved = None
                    return

    def __getattr__(self, name):
        # torch exposes saved values as node._saved_self, _saved_other, ...
        if name.startswith("_saved_"):
            saved = object.__getattribute__(self, "_saved")
            if saved is None:
                raise RuntimeError(_FREED)
            v = saved[name[7:]]
            if v is _UNSAVED:
                return None
            return v.unpack() if type(v) is SavedTensor else v
        raise AttributeError(name)


def _build_plan(cls):
    plan = []
    for i, f in enumerate(cls._formulas):
        if f is not None:
            plan.append((i, f[0], None if f[1] == _GRAD_ONLY else f[1]))
    cls._plan = plan = tuple(plan)
    return plan


def _materialize(grads, meta):
    from .._ops.creation import zeros
    out = list(grads)
    for i, g in enumerate(out):
        if g is None and meta is not None and meta[i] is not None:
            shape, dt, dev = meta[i]
            out[i] = zeros(shape, dtype=dt, device=dev)
    return out


def _fit(g, meta):
    """Sum a broadcast gradient back to its input's shape and cast it to its dtype (torch does both)."""
    shape, dt = meta
    if not isinstance(g, Tensor):
        return g
    if g._data.shape != shape:
        g = sum_to(g, shape)
    if g._dtype is not dt:
        if dt.is_complex or not g._dtype.is_complex:
            g = g.to(dt)
        else:  # a real input's gradient is the real part of a complex one
            g = g.real.to(dt)
    return g


def sum_to(g, shape):
    """Reduce `g` over the dims broadcasting added or expanded to reach `shape`."""
    gshape = g._data.shape
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    dims = list(range(lead))
    for i, n in enumerate(shape):
        if n == 1 and gshape[lead + i] != 1:
            dims.append(lead + i)
    if dims:
        g = g.sum(dims, keepdim=True)
    if lead:
        g = g.reshape(shape)
    elif g._data.shape != shape:
        g = g.reshape(shape)
    return g


_node_classes: dict = {}


def node_class(name, formulas, n_outputs=1):
    """The node class for an op: one per (name, formulas), named as torch's node."""
    key = (name, id(formulas))
    cls = _node_classes.get(key)
    if cls is None:
        uses = {}  # saved name -> indices of the inputs whose formula names it
        for i, f in enumerate(formulas):
            for n in f[1] if f is not None else ():
                uses.setdefault(n, []).append(i)
        short = name.rpartition("::")[2]  # a C++-qualified name: the class is named as torch's Python one
        cls = type(short, (FormulaNode,), {"__slots__": (), "_formulas": formulas, "_n_outputs": n_outputs,
                                           "_uses": {k: tuple(v) for k, v in uses.items()},
                                           "_qualified": name if short != name else None})
        _node_classes[key] = cls
    return cls


_NO_EDGE = (None, 0)


class _Unsaved:
    """A tensor argument not saved because no formula that runs names it (torch's `_saved_x` is None)."""

    __slots__ = ()


_UNSAVED = _Unsaved()


def record(node_cls, inputs, outputs, saved, out_meta=None, owned=False):
    """Attach a new `node_cls` node to `outputs` (tensors), with edges to the tensor `inputs`.

    `saved` maps formula argument names to values; tensors among them are saved version-checked,
    with outputs saved without a reference cycle. As in torch, a tensor only the formulas of inputs
    without an edge name is not saved (`node._saved_self` is None then). `owned`: the caller hands
    `saved` over (a fresh dict), so it is filled in place instead of copied.
    """
    node = _new_node(node_cls)  # generated node classes have no __init__ of their own: skip Node's
    node._seq_nr = next(_seq)
    edges = []
    shapes = []
    all_edges = True
    for t in inputs:
        if isinstance(t, Tensor):
            fn = t._grad_fn
            if fn is not None:
                if t._base is not None and t._vc[0] != getattr(t, "_vv", 0):
                    fn = refresh_view(t)
                edges.append((fn, t._output_nr))
                shapes.append((t._data.shape, t._dtype))
                continue
            if t._rg:
                ref = t._accum
                acc = ref() if ref is not None else None
                edges.append((acc if acc is not None else grad_accumulator(t), 0))
                shapes.append((t._data.shape, t._dtype))
                continue
        # Python scalars and tensors not requiring grad get an empty edge, as torch's wrapped numbers do
        edges.append(_NO_EDGE)
        shapes.append(None)
        all_edges = False
    node.next_functions = tuple(edges)
    node._shapes = shapes
    node._out_meta = out_meta
    single = type(outputs) is Tensor or not isinstance(outputs, (tuple, list))
    if not single:  # numbered before they are saved: a saved output re-enters the graph as that output
        for i, o in enumerate(outputs):
            if o is not None:
                o._output_nr = i
    if saved:
        sv = saved if owned else None  # `saved` with tensors replaced by SavedTensors (copied unless owned)
        uses = None if all_edges else node_cls._uses
        for k, v in saved.items():
            if isinstance(v, Tensor):
                if sv is None:
                    sv = dict(saved)
                if uses is not None:
                    idx = uses.get(k)
                    if idx is not None:
                        for i in idx:
                            if edges[i][0] is not None:
                                break
                        else:
                            sv[k] = _UNSAVED  # no formula that runs needs it
                            continue
                if _saved_hooks:
                    sv[k] = SavedTensor(v, v is outputs if single else any(v is o for o in outputs))
                elif v is outputs if single else any(v is o for o in outputs):
                    sv[k] = _save_output(v)
                else:  # _save_input, inlined: the hot case
                    st = sv[k] = _new_saved(SavedTensor)
                    st.hooked = None
                    st.tensor = v
                    st.output_nr = 0
                    vc = v._vc
                    st.version = 0 if vc is None else vc[0]
                    st.is_output = False
                    st.node_name = None
        if sv is not None:
            saved = sv
    node._saved = saved
    if single:
        outputs._grad_fn = node
        outputs._output_nr = 0
        outputs._rg = True
        if outputs._base is not None:  # the version this view's history is valid for (see views.refresh_view)
            outputs._vv = outputs._vc[0]
        return node
    for o in outputs:
        if o is None:
            continue
        o._grad_fn = node
        o._rg = True
        if o._base is not None:
            o._vv = o._vc[0]
    return node


def refresh_view(t):
    from .views import refresh_view
    return refresh_view(t)


def should_record(values):
    """True when grad mode is on and any tensor among `values` requires grad."""
    for t in values:
        if getattr(t, "_rg", False):
            return grad_mode.state.enabled
    return False
