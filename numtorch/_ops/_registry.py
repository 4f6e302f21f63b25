"""The op registry: declare an op once, get every variant torch has.

Two ways to declare:

* `@pointwise(promote=...)` over a kernel `def f(xp, self, other, *, option=default)` that sees only
  backend arrays. Positional parameters are operands (tensors or Python scalars); keyword-only ones are
  options. Generated: `numtorch.f`, `Tensor.f`, `Tensor.f_`, `out=`, and the dunders named by `dunder=`.
  Derivatives attach with `f.derivative(self=lambda grad, other: ..., other=...)`; a formula's argument
  names say what is saved (`grad`, operand names, option names, `result`).

* `@export(method=True)` over a function of tensors (reductions, views, linalg, ...), which builds its
  own result with `wrap`/`make_view` and records autograd with `record(NodeClass, inputs, result, saved)`
  using a node class from `node("SumBackward0", self=lambda grad, ...: ...)`.

Note [hot path]: every variant of a pointwise op (function, method, dunder) first tries one fast path when
its operands are plain CPU tensors of one dtype, Python numbers, or `None` for an optional operand, and
`mask` operands are CPU bool tensors: one kernel call, one wrap, no promotion lookup, no device checks.
It hands back None (and the general path runs) whenever anything is unusual: mixed dtypes or devices,
out=, keyword options, a result dtype the kernel did not keep. (Three-operand kernels get a Python number
there as a cached 0-d array of the tensor's dtype: see `number_array`.) Everything else goes through `_call`,
which does torch's full promotion, device checks and argument handling. Ops declared with `export`
keep their own lean paths for the same plain-CPU case (see `sum`, `max`, `cat`, `mm`, `softmax`).
"""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype as D
from .._backends import cast
from .._device import CPU, META
from .._tensor import Tensor, wrap
from ..autograd import grad_mode
from ..autograd.graph import node_class, record
from . import _promotion as P

FUNCTIONS: dict = {}   # public name -> callable, exported into the numtorch namespace
OPS: dict = {}         # name -> OpDef (pointwise) or the exported function
_ndarray = np.ndarray
_asarray = np.asarray
_object_new = object.__new__
_state = grad_mode.state


# ---- promotion kinds: (promoted dtype) -> (computation dtype, result dtype) -----------------------

def DEFAULT(d):
    return P.computation_dtype(d), d


def INT_TO_FLOAT(d):
    d = P.int_to_float(d)
    return P.computation_dtype(d), d


def ALWAYS_BOOL(d):
    return d, D.bool_


def COMPLEX_TO_FLOAT(d):
    return P.computation_dtype(d), d.to_real()


def NO_OPMATH(d):
    return d, d


def INT_TO_FLOAT_NO_OPMATH(d):
    """Integers to the default float; float16/bfloat16 computed in their own type, every step rounded
    (kernels whose torch code does Half arithmetic: xlogy's log(y) is a Half before the multiply)."""
    d = P.int_to_float(d)
    return d, d


def INT_TO_FLOAT_TO_REAL(d):
    d = P.int_to_float(d)
    return P.computation_dtype(d), d.to_real()


# ---- dtype support -------------------------------------------------------------------------------

def _not_implemented(name, d):
    return NotImplementedError(f'"{name}" not implemented for \'{P.torch_name(d)}\'')


class OpDef:
    """One declared pointwise op."""

    def __init__(self, name, kernel, promote, operands, options, kernel_name, reject, masks=()):
        self.name = name
        self.kernel = kernel
        self.promote = promote
        self.operands = operands          # positional parameter names of the kernel (after xp)
        self.n_required = sum(1 for _, has_default in operands if not has_default)
        self.options = options            # keyword-only parameter names -> default
        n_def = len(kernel.__defaults__ or ())  # optional operands come last
        self.defaults = (_MISSING,) * (len(operands) - n_def) + (kernel.__defaults__ or ())  # per operand
        self.kernel_name = kernel_name    # torch's kernel name in "not implemented for" errors
        self.reject = reject              # dtypes torch has no kernel for
        # operand positions that are boolean masks (where's `condition`): outside promotion, never cast
        self.masks = frozenset(i for i, (n, _) in enumerate(operands) if n in masks)
        self.node_cls = None              # tensor-tensor node
        self.scalar_node_cls = None       # node when the last operand is a Python number, if torch differs
        self.number_self = False          # the function takes a Python number as `input` (torch.sub(1, x))
        self.number_self_node_cls = None  # node then, if torch's differs (pow(Scalar, Tensor): PowBackward2)
        self.saves = ()
        self.save_plan = None             # (name, source) per saved name, built at first record
        self.fast = frozenset()           # dtypes for which same-dtype inputs compute directly
        self.fast_path = None
        self.check = None                 # check(*operands) on the original operands, before promotion
        self.checked = None               # result dtype -> the dtype Python-number operands must fit
        self.half_numbers = False         # round Python numbers to a float16/bfloat16 input type first
        self.tensors = frozenset()        # operand positions that must be tensors
        self.fn = None

    def derivative(op, node=None, scalar_node=None, number_self_node=None, **formulas):  # noqa: N805
        """Attach derivative formulas, one per operand name (`self` among them); names of lambda args say
        what is saved."""
        names = [n for n, _ in op.operands]
        fs, saves = [], set()
        for n in names:
            f = formulas.get(n)
            if f is None:
                fs.append(None)
                continue
            args = _argnames(f)
            saves.update(a for a in args if a != "grad")
            fs.append((f, args))
        fs = tuple(fs)
        op.saves = tuple(sorted(saves))
        op.save_plan = None
        node = node or (op.name[0].upper() + _camel(op.name[1:]) + "Backward0")
        op.node_cls = node_class(node, fs)
        op.scalar_node_cls = node_class(scalar_node, fs) if scalar_node else op.node_cls
        op.number_self_node_cls = node_class(number_self_node, fs) if number_self_node else op.node_cls
        return op

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def __repr__(self):
        return f"<op {self.name}>"


def _argnames(f):
    """A function's positional parameter names, read from its code object (inspect.signature is ~50x
    slower, and every op and formula is read once at import)."""
    c = f.__code__
    return c.co_varnames[:c.co_argcount]


def _kernel_params(kernel):
    """(operands, options) of a kernel `k(xp, *operands, *, **options)`: operands as (name, has_default)
    after `xp`; options as name -> default."""
    c = kernel.__code__
    pos = c.co_varnames[:c.co_argcount]
    n_def = len(kernel.__defaults__ or ())
    operands = [(n, i >= len(pos) - n_def) for i, n in enumerate(pos)][1:]
    kw = c.co_varnames[c.co_argcount:c.co_argcount + c.co_kwonlyargcount]
    options = {n: (kernel.__kwdefaults__ or {}).get(n) for n in kw}
    return operands, options


def _camel(s):
    return "".join(p[:1].upper() + p[1:] for p in s.split("_")) if "_" in s else s


# ---- the generic call ----------------------------------------------------------------------------

def _device_of(args):
    """The common device of the tensor operands (0-dim CPU tensors may join any device)."""
    dev = None
    for a in args:
        if isinstance(a, Tensor):
            d = a._device
            if dev is None or dev is d:
                dev = d
            elif d is CPU and a._data.ndim == 0:
                continue
            elif dev is CPU and _first_is_cpu_scalar(args, a):
                dev = d
            else:
                raise RuntimeError(f"Expected all tensors to be on the same device, but found at least two "
                                   f"devices, {_dname(dev)} and {_dname(d)}!")
    return dev


def _first_is_cpu_scalar(args, current):
    for a in args:
        if isinstance(a, Tensor):
            if a is current:
                return False
            if not (a._device is CPU and a._data.ndim == 0):
                return False
    return True


def _dname(d):
    return str(d)


def _operand_array(a, cd, dev, xp):
    """Backend array (or Python scalar) for operand `a` in computation dtype `cd` on `dev`."""
    if isinstance(a, Tensor):
        arr = a._data
        if a._device is not dev:  # a 0-dim CPU tensor joining a CUDA op
            from .._backends import move
            arr = move(arr, a._device, dev)
        if a._dtype is not cd:
            arr = arr.astype(cd.np)
        return arr
    if a is None:
        return None
    if cd._category == 1 and type(a) is int:
        lo, hi = P.INT_RANGE[cd]
        if not lo <= a <= hi:  # torch wraps out-of-range integers; NumPy raises
            return xp.asarray(np.array(a, dtype=np.int64).astype(cd.np))
    return a


def _broadcast_error(args, masks=()):
    # NOTE(torch parity): torch broadcasts a mask first (where(condition, input, other)), so its message
    # names the mask's size as tensor a
    shapes = [a._data.shape for i, a in enumerate(args) if isinstance(a, Tensor) and i in masks]
    shapes += [a._data.shape for i, a in enumerate(args) if isinstance(a, Tensor) and i not in masks]
    from ._meta import broadcast_shapes
    broadcast_shapes(*shapes)  # raises torch's message when the shapes do not broadcast


def _compute(op, args, kw, rd_in):
    """(result array, result dtype, device) of pointwise `op` over `args`."""
    cd, rd = op.promote(rd_in)
    if op.reject and (rd_in in op.reject or cd in op.reject):
        raise _not_implemented(op.kernel_name, rd_in if rd_in in op.reject else cd)
    dev = _device_of(args)
    if dev is META:
        from .._backends import meta_empty
        from ._meta import broadcast_shapes
        shape = broadcast_shapes(*[a._data.shape for a in args if isinstance(a, Tensor)])
        return meta_empty(shape, rd.np), rd, dev
    xp = np if dev is CPU else _xp(dev)
    masks = op.masks
    if op.checked is not None:
        d = op.checked(rd)
        for a in args:
            if a is not None and not isinstance(a, Tensor):
                P.check_number(a, d)
    half = op.half_numbers and (rd_in is D.float16 or rd_in is D.bfloat16)
    if half:
        args = [half_number(a, rd_in.np) if type(a) is float or type(a) is int else a for a in args]
    alpha = kw.get("alpha", 1) if kw else 1
    if alpha != 1 and _SCALAR_CATEGORY.get(type(alpha), 9) <= rd._category:  # of another kind: the kernel raises
        alpha = P.number_as(alpha, rd)  # a Scalar too; add/sub on half types round it, and alpha * other
        kw = dict(kw, alpha=half_number(alpha, rd_in.np), _half=rd_in.np) if half else dict(kw, alpha=alpha)
    arrays = [_operand_array(a, a._dtype if i in masks and isinstance(a, Tensor) else cd, dev, xp)
              for i, a in enumerate(args)]
    if not isinstance(args[0], Tensor) and arrays[0] is args[0]:
        # a number as input (number_self): torch wraps it as a tensor, cast to the op's common dtype
        arrays[0] = xp.asarray(np.asarray(args[0]).astype(rd.np).astype(cd.np))
    try:
        r = op.kernel(xp, *arrays, **kw)
    except ValueError as e:
        _broadcast_error(args, op.masks)
        raise RuntimeError(str(e)) from None
    except ZeroDivisionError:
        raise RuntimeError("ZeroDivisionError") from None
    if type(r) is not _ndarray:
        r = xp.asarray(r)
    if r.dtype != rd.np:
        r = r.astype(rd.np)
    return r, rd, dev


def half_number(v, np_dtype):
    """Python number `v` rounded to half type `np_dtype` (overflowing to inf), as a float; `v` itself if
    exact."""
    with np.errstate(over="ignore"):
        r = float(np.asarray(v, np_dtype))
    return v if r == v else r


def _xp(dev):
    from .._backends import xp_for
    return xp_for(dev)


def _promoted(op, args):
    """The promoted dtype of `args`; mask operands take no part (torch's where promotes self and other)."""
    masks = op.masks
    return P.result_type(*[a for i, a in enumerate(args) if a is not None and i not in masks])


def _check_args(op, args):
    if len(args) < op.n_required:
        missing = op.operands[len(args)][0]
        raise TypeError(f"{op.name}() missing required argument '{missing}'")
    if not isinstance(args[0], Tensor) and not (op.number_self and isinstance(args[0], _NUMBERS)
                                                and any(isinstance(a, Tensor) for a in args[1:])):
        raise TypeError(f"{op.name}(): argument 'input' (position 1) must be Tensor, not {type(args[0]).__name__}")
    for i, a in enumerate(args):
        if not (a is None or isinstance(a, (Tensor, int, float, complex, bool, np.number, np.bool_))):
            raise TypeError(f"{op.name}(): argument '{op.operands[i][0]}' (position {i + 1}) must be Tensor, "
                            f"not {type(a).__name__}")
    if op.check is not None:
        op.check(*args)


def _check_tensor_operands(op, name, args, kw, first=0):
    """torch's TypeError for a number given to an operand that must be a tensor, in a call of `name` whose
    positions count from `first` (0 for methods: self does not count)."""
    for i in op.tensors:
        n = op.operands[i][0]
        a = args[i] if i < len(args) else kw.get(n)
        if a is not None and not isinstance(a, Tensor):
            where = f" (position {i + first})" if i < len(args) else ""
            raise TypeError(f"{name}(): argument '{n}'{where} must be Tensor, not {type(a).__name__}")


def _call(op, args, kw):
    _check_args(op, args)
    r, rd, dev = _compute(op, args, kw, _promoted(op, args))
    t = wrap(r, rd, dev)
    if op.node_cls is not None:
        for a in args:
            if getattr(a, "_rg", False):
                if _state.enabled:
                    _record(op, args, kw, t)
                break
    return t


def _record(op, args, kw, result, original_self=None):
    plan = op.save_plan
    if plan is None:
        plan = op.save_plan = _save_plan(op)
    saved = {}
    n = len(args)
    for s, i in plan:
        if i >= 0:
            saved[s] = (original_self if i == 0 and original_self is not None else args[i]) if i < n else None
        elif i == -1:
            saved[s] = result
        else:
            saved[s] = kw.get(s, op.options.get(s))
    cls = op.node_cls
    # torch's scalar overload (ClampBackward1, LerpBackward0) when the last operand given is a number; an
    # optional operand left at None does not count (clamp(x, min=t) is the tensor overload)
    if op.scalar_node_cls is not cls and not isinstance(next((a for a in reversed(args) if a is not None), None),
                                                        Tensor):
        cls = op.scalar_node_cls
    elif not isinstance(args[0], Tensor):  # a number as input (number_self)
        cls = op.number_self_node_cls
    record(cls, args, result, saved, owned=True)


def _save_plan(op):
    """Where each saved name comes from: operand index, -1 for the result, -2 for an option."""
    names = [n for n, _ in op.operands]
    return tuple((s, -1 if s == "result" else names.index(s) if s in names else -2) for s in op.saves)


# ---- in-place and out= (one write path) -----------------------------------------------------------

def check_inplace_leaf(t):
    if _state.enabled:
        if t._rg and t._grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        base = t._base
        if base is not None and base._rg:  # torch's view checks (multi-output, no_grad, leaf base)
            from ..autograd.views import check_view_inplace
            check_view_inplace(t)


def internal_overlap(a):
    if a.size == 0:  # an empty tensor has no element to share (NumPy gives it zero strides)
        return False
    for n, s in zip(a.shape, a.strides):
        if s == 0 and n > 1:
            return True
    return False


def write_into(dst, array):
    """Copy `array` (broadcastable, any dtype) into tensor `dst`'s memory and bump its version."""
    d = dst._data
    if internal_overlap(d):
        raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a "
                           "single memory location. Please clone() the tensor before performing the operation.")
    if dst._device is not META:
        xp = np if dst._device is CPU else _xp(dst._device)
        if d.itemsize == 2 and getattr(array, "dtype", d).itemsize >= 4:
            array = cast(array, d.dtype)  # torch's double -> half conversion (through float)
        xp.copyto(d, array, casting="unsafe")
    dst._bump()


def _inplace(op, self, args, kw):
    _check_args(op, (self,) + args)
    check_inplace_leaf(self)
    full = (self,) + args
    rd_in = _promoted(op, full)
    cd, rd = op.promote(rd_in)
    from ._meta import broadcast_shapes
    shape = broadcast_shapes(*[a._data.shape for a in full if isinstance(a, Tensor)])
    if shape != self._data.shape:  # torch checks the output shape before dtypes
        raise RuntimeError(f"output with shape {list(self._data.shape)} doesn't match the broadcast shape "
                           f"{list(shape)}")
    if not P.can_cast(rd, self._dtype):
        # NOTE(torch parity): clamp_ with a number bound names the output type as C++ does ("signed char")
        scalar = op.checked is not None and any(type(a) in _SCALARS for a in args)
        raise RuntimeError(f"result type {P.torch_name(rd)} can't be cast to the desired output type "
                           f"{(P.cxx_int_name if scalar else P.torch_name)(self._dtype)}")
    r, _, _ = _compute(op, full, kw, rd_in)
    if r.shape != self._data.shape:
        raise RuntimeError(f"output with shape {list(self._data.shape)} doesn't match the broadcast shape "
                           f"{list(r.shape)}")
    recording = op.node_cls is not None and _state.enabled and any(getattr(a, "_rg", False) for a in full)
    original = None
    if recording and "self" in op.saves:
        original = self.clone()
    write_into(self, r)
    if recording:
        from ..autograd.inplace import rebase_history
        rebase_history(self, lambda: _record(op, (self,) + args, kw, self, original_self=original))
    return self


def check_out(name, out, rd, inputs):
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if _state.enabled and any(getattr(a, "_rg", False) for a in inputs) or (_state.enabled and out._rg):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic differentiation, "
                           "but one of the arguments requires grad.")
    if not P.can_cast(rd, out._dtype):
        raise RuntimeError(f"result type {P.torch_name(rd)} can't be cast to the desired output type "
                           f"{P.torch_name(out._dtype)}")


def resize_out(out, shape):
    """torch's out= resizing: a mismatched out is resized (with a warning when it had elements)."""
    if out._data.shape == tuple(shape):
        return
    if out._data.size != 0:
        import warnings
        warnings.warn(f"An output with one or more elements was resized since it had shape {list(out._data.shape)}, "
                      f"which does not match the required output shape {list(shape)}. This behavior is "
                      "deprecated, and in a future PyTorch release outputs will not be resized unless they have "
                      "zero elements. You can explicitly reuse an out tensor t by resizing it, inplace, to zero "
                      "elements with t.resize_(0).", UserWarning, stacklevel=4)
    out.resize_(shape)


def write_out(name, out, array, rd, inputs):
    """The out= protocol for a computed backend `array` of dtype `rd`: checks, resize, write, same object."""
    check_out(name, out, rd, inputs)
    dev = next((a._device for a in inputs if isinstance(a, Tensor)), out._device)
    if out._device is not dev and not (dev is CPU and all(getattr(a, "ndim", 1) == 0 for a in inputs)):
        raise RuntimeError(f"Expected out tensor to have device {dev}, but got {out._device} instead")
    resize_out(out, array.shape)
    write_into(out, array)
    return out


def _out(op, args, kw, out):
    _check_args(op, args)
    r, rd, dev = _compute(op, args, kw, _promoted(op, args))
    return write_out(op.name, out, r, rd, args)


# ---- generation ------------------------------------------------------------------------------------

def _attach(name, fn):
    setattr(Tensor, name, fn)


def pointwise(promote=DEFAULT, *, name=None, dunder=None, reflected=None, method=True, inplace=True,
              out=True, aliases=(), reject=(), kernel_name=None, fast=True, check=None, function=True, masks=(),
              checked=False, half_numbers=False, tensors=(), number_self=False):
    """Declare a pointwise op over kernel `f(xp, *operands, **options)`; see the module docstring.
    `function=False` keeps an internal op (a fused backward) out of the numtorch namespace. `masks` names
    bool operands that are not promoted with the others and reach the kernel in their own dtype. `checked`:
    Python-number operands are torch Scalars that must fit the result dtype (clamp's bounds: `P.check_number`)
    rather than wrapped numbers; a function instead of True maps the result dtype to the one they must fit.
    `half_numbers`: on float16/bfloat16 inputs a Python number is first rounded to that type (torch casts it
    to the common dtype; ops such as mul and div instead keep the number at full precision). `tensors` names
    operands that must be tensors (addcmul's tensor1 and tensor2: torch's TypeError for a number).
    `number_self`: the function form also takes a Python number as `input` when another operand is a tensor
    (torch wraps it: `torch.sub(1, x)`, `torch.pow(2, x)`), and so does the reflected operator; "always": even
    when no operand is a tensor (`torch.add(1, 2)` is `tensor(3)`: torch's numbers-as-tensors ops)."""
    def deco(kernel):
        opname = name or kernel.__name__.rstrip("_")
        operands, options = _kernel_params(kernel)
        op = OpDef(opname, kernel, promote, operands, options, kernel_name or f"{opname}_cpu", frozenset(reject),
                   masks)
        if fast:
            op.fast = frozenset(d for d in D.ALL if d is not D.complex32 and d not in op.reject
                                and promote(d) == (d, d if promote is not ALWAYS_BOOL else D.bool_)
                                and not (promote is ALWAYS_BOOL and d in (D.float16, D.bfloat16)))
        op.check = check
        op.checked = (lambda d: d) if checked is True else checked or None
        op.half_numbers = half_numbers
        op.tensors = frozenset(i for i, (n, _) in enumerate(operands) if n in tensors)
        op.number_self = number_self
        op.fast_path = _fast_path(op) if fast else None
        op.fn = _make_function(op, out)
        if function:
            FUNCTIONS[opname] = op.fn
        OPS[opname] = op
        for a in aliases:
            FUNCTIONS[a] = op.fn
        if method:
            m = _make_method(op)
            _attach(opname, m)
            for a in aliases:
                _attach(a, m)
        if inplace:
            ip = _make_inplace(op)
            _attach(opname + "_", ip)
            FUNCTIONS[opname + "_"] = ip
            for a in aliases:
                _attach(a + "_", ip)
        if dunder:
            _make_dunders(op, dunder, reflected)
        return op
    return deco


def _bind(op, args, kw):
    """Move operand keywords (`input=`, `other=`) into position; reject unknown keywords."""
    if all(k in op.options for k in kw):
        return args, kw
    kw = dict(kw)
    slots = list(args) + [_MISSING] * (len(op.operands) - len(args))
    for i, (n, _) in enumerate(op.operands):
        key = "input" if i == 0 and "input" in kw else n
        if key in kw:
            if slots[i] is not _MISSING:
                raise TypeError(f"{op.name}() got multiple values for argument '{n}'")
            slots[i] = kw.pop(key)
    for k in kw:
        if k not in op.options:
            raise TypeError(f"{op.name}() got an unexpected keyword argument '{k}'")
    while slots and slots[-1] is _MISSING:
        slots.pop()
    for i, v in enumerate(slots):
        if v is _MISSING:  # an optional operand skipped over (clamp(x, max=1)) takes its default
            slots[i] = op.defaults[i]
            if slots[i] is _MISSING:
                raise TypeError(f"{op.name}() missing required argument '{op.operands[i][0]}'")
    return tuple(slots), kw


_MISSING = object()


def _with_defaults(op, args):
    """`args` with any trailing optional operands left out given their defaults, so that the fast path, which
    takes every operand, serves `x.clamp(0)` and `x.clamp(min=0)` too (as `x.clamp(0, None)`)."""
    n = len(args)
    if n >= len(op.operands) or op.defaults[n] is _MISSING:
        return args
    return args + op.defaults[n:]


def _fast_path(op):
    """The lean path shared by every variant (Note [hot path]): plain CPU tensors of one dtype (or a tensor
    and Python numbers) compute with one kernel call and one wrap. The function returned gives None when
    the general path must run; an op with more than three operands gets no fast path (None)."""
    inner = _fast_path_unchecked(op)
    if op.check is not None and inner is not None:
        def checked(*args):
            op.check(*args)
            return inner(*args)
        return checked
    return inner


def _fast_path_unchecked(op):
    kernel = op.kernel
    fast = op.fast
    if len(op.operands) == 1:
        def run(a):
            dt = a._dtype
            if dt in fast and a._device is CPU:
                r = kernel(np, a._data)
                if type(r) is not _ndarray:
                    r = _asarray(r)
                if r.dtype is dt.np:
                    t = _object_new(Tensor)  # wrap(), inlined: this is the hottest path there is
                    t._data = r
                    t._dtype = dt
                    t._device = CPU
                    if a._rg and _state.enabled and op.node_cls is not None:
                        _record(op, (a,), _NO_KW, t)
                    return t
            return None
        return run
    if len(op.operands) == 3:
        return _fast_path_3(op)
    if len(op.operands) > 3:
        return None  # no such op yet: the general path serves it

    checked = op.checked is not None

    def run2(a, b):
        dt = a._dtype
        if dt not in fast or a._device is not CPU:
            return None
        tb = type(b)
        if tb is Tensor:
            if dt is not b._dtype or b._device is not CPU:
                return None
            try:
                r = kernel(np, a._data, b._data)
            except ValueError:
                _broadcast_error((a, b))
                raise
            rg = a._rg or b._rg
        elif tb in _SCALARS and (dt._category >= 2 or tb is not float):
            if tb is int and dt._category == 1 and not _INT_RANGE[dt][0] <= b <= _INT_RANGE[dt][1]:
                return None  # torch wraps it to the dtype (NumPy would compare exactly): the general path does
            if checked and dt._category == 2 and not -P.FLOAT_MAX[dt] <= b <= P.FLOAT_MAX[dt]:
                return None  # a Scalar out of range (or NaN): the general path checks it
            try:
                r = kernel(np, a._data, b)
            except OverflowError:
                return None
            rg = a._rg
        else:
            return None
        if type(r) is not _ndarray:
            r = _asarray(r)
        rdt = r.dtype
        if rdt is dt.np:
            t = wrap(r, dt, CPU)
        elif rdt is _NP_BOOL:
            t = wrap(r, D.bool_, CPU)
        else:
            return None
        if rg and _state.enabled and op.node_cls is not None:
            _record(op, (a, b), _NO_KW, t)
        return t
    return run2


def _fast_path_3(op):
    """The fast path of three-operand ops (clamp, where, lerp, addcmul, ...). After the first tensor, each
    operand is a tensor of its dtype, a Python number (given to the kernel as a 0-d array; not where the op
    takes tensors only), `None` where the operand is optional, or (at a mask position) a bool tensor; only
    the first operand may require grad."""
    kernel = op.kernel
    fast = op.fast
    # per operand after the first: 0 operand, 1 optional operand (may be None), 2 mask, 3 tensor only
    kb, kc = (2 if i in op.masks else 3 if i in op.tensors else int(has_default)
              for i, (_, has_default) in enumerate(op.operands[1:], 1))

    def run3(a, b, c):
        dt = a._dtype
        if dt not in fast or a._device is not CPU:
            return None
        x = _plain_operand(b, kb, dt)
        y = _plain_operand(c, kc, dt)
        if x is _SLOW or y is _SLOW:
            return None
        try:
            r = kernel(np, a._data, x, y)
        except ValueError:
            _broadcast_error((a, b, c), op.masks)
            return None  # shapes broadcast: the general path reports the kernel's own error
        except OverflowError:  # a Python int out of the dtype's range: the general path wraps it as torch does
            return None
        if type(r) is not _ndarray:
            r = _asarray(r)
        if r.dtype is not dt.np:
            return None
        t = wrap(r, dt, CPU)
        if a._rg and _state.enabled and op.node_cls is not None:
            _record(op, (a, b, c), _NO_KW, t)
        return t
    return run3


_INT_RANGE = P.INT_RANGE
_NUMBER_ARRAYS: dict = {}  # NumPy dtype -> {Python number: read-only 0-d array of it}


def number_array(v, np_dtype):
    """Python number `v` as a read-only 0-d array of `np_dtype`, made once: for a CPU kernel's operand (a
    fast path's clamp bound, a kernel's constant), or _SLOW for an int out of the dtype's range.

    A NumPy ufunc converts a Python-number operand on every call (~0.3 us, as much as the whole ufunc on a
    small array); a 0-d array of the array operand's dtype gives the same result (NEP 50 casts the number to
    that dtype, as np.asarray does). Callers keep 0.0, -0.0 and NaN out: as dict keys they are confused."""
    cache = _NUMBER_ARRAYS.get(np_dtype)
    if cache is None:
        cache = _NUMBER_ARRAYS[np_dtype] = {}
    a = cache.get(v)
    if a is None:
        try:
            with np.errstate(over="ignore"):
                a = np.asarray(v, np_dtype)
        except OverflowError:  # an int out of range: the general path wraps or raises it, as torch does
            return _SLOW
        if np.isinf(a) and v not in (math.inf, -math.inf):  # a float out of range: likewise
            return _SLOW
        a.flags.writeable = False
        if len(cache) >= 256:  # bounded: numbers seen once (a loop's changing bound) do not pile up
            cache.clear()
        cache[v] = a
    return a


def _plain_operand(b, kind, dt):
    """What the kernel gets for operand `b` of a fast call whose first tensor has dtype `dt` (kind as in
    `_fast_path_3`), or _SLOW when the general path must run. A Python number of a category the dtype holds
    (it does not promote: clamp's bounds, lerp's weight) becomes a cached 0-d array (`number_array`)."""
    tb = type(b)
    if tb is Tensor:
        if b._device is CPU and b._dtype is (_BOOL if kind == 2 else dt) and not b._rg:
            return b._data
        return _SLOW
    if kind >= 2:  # a mask, or an operand that must be a tensor: the general path checks it
        return _SLOW
    if _SCALAR_CATEGORY.get(tb, 9) <= dt._category:
        if tb is float and not (b and b == b):
            return b  # 0.0 == -0.0 and NaN != NaN would confuse the cache: these stay numbers
        return number_array(b, dt.np)
    return b if b is None and kind == 1 else _SLOW


_SLOW = object()
_BOOL = D.bool_
_NP_BOOL = np.dtype(bool)
_NO_KW: dict = {}  # never written: the keywords of a fast-path call


def _make_function(op, with_out):
    fast = op.fast_path
    n_fast = len(op.operands) if fast is not None else -1  # the fast path takes every operand, no option

    if n_fast == 1:
        # unary ops take their input as a named parameter: binding one positional argument is cheaper
        # than packing and unpacking *args, on the commonest call there is (`torch.exp(x)`)
        def fn(input=_MISSING, *args, out=None, **kw):
            if out is None and not args and not kw and isinstance(input, Tensor):
                r = fast(input)
                if r is not None:
                    return r
            return _general(op, args if input is _MISSING else (input,) + args, kw, out, with_out)
    else:
        tensors = op.tensors

        def fn(*args, out=None, **kw):
            if tensors:
                _check_tensor_operands(op, op.name, args, kw, 1)
            if kw:
                args, kw = _bind(op, args, kw)
            if len(args) != n_fast and n_fast > 0:
                args = _with_defaults(op, args)
            if len(args) == n_fast and out is None and not kw and isinstance(args[0], Tensor):
                r = fast(*args)
                if r is not None:
                    return r
            return _general(op, args, kw, out, with_out)
    fn.__name__ = fn.__qualname__ = op.name
    fn.__doc__ = f"Mirrors `torch.{op.name}`."
    return fn


def _general(op, args, kw, out, with_out):
    """The function variant's general path: keywords bound, then out= or a plain call."""
    if kw:
        args, kw = _bind(op, args, kw)
    if op.number_self == "always" and args and isinstance(args[0], _NUMBERS) \
            and not any(isinstance(a, Tensor) for a in args):
        from .creation import tensor
        args = (tensor(args[0]),) + args[1:]  # as the 0-d tensor torch.tensor makes of it
    if out is not None:
        if not with_out:
            raise TypeError(f"{op.name}() got an unexpected keyword argument 'out'")
        return _out(op, args, kw, out)
    return _call(op, args, kw)


def _make_method(op):
    fast = op.fast_path
    n_fast = len(op.operands) if fast is not None else -1
    n_args = n_fast - 1  # operands after self

    tensors = op.tensors

    def method(self, *args, **kw):
        if tensors:
            _check_tensor_operands(op, op.name, (self,) + args, kw)
        if len(args) == n_args and not kw:
            r = fast(self, *args)
            if r is not None:
                return r
            return _call(op, (self,) + args, kw)
        args = (self,) + args
        if kw:
            args, kw = _bind(op, args, kw)
        if n_fast > 0:
            args = _with_defaults(op, args)
            if len(args) == n_fast and not kw:
                r = fast(*args)
                if r is not None:
                    return r
        return _call(op, args, kw)
    method.__name__ = op.name
    return method


def _make_inplace(op):
    kernel = op.kernel
    fast = op.fast if op.check is None else frozenset()  # ops with a check take the general path
    binary = len(op.operands) == 2
    unary = len(op.operands) == 1

    tensors = op.tensors
    options = op.options

    def method(self, *args, **kw):
        if tensors:
            _check_tensor_operands(op, op.name + "_", (self,) + args, kw)
        dt = self._dtype
        if kw and not (dt in _KW_FAST and all(k in options and type(v) in _KW_VALUES for k, v in kw.items())):
            args, kw = _bind(op, (self,) + args, kw)
            return _inplace(op, args[0], args[1:], kw)
        # fast path: no autograd, same dtype, CPU, result already of self's shape (options such as add_'s
        # alpha as plain numbers on float32/float64, which need no rounding by the general path)
        base = self._base
        if not self._rg and dt in fast and self._device is CPU and (base is None or not base._rg) and (
                (unary and not args) or (binary and len(args) == 1)):
            a = self._data
            if unary:
                r = kernel(np, a, **kw)
            else:
                b = args[0]
                tb = type(b)
                if tb is Tensor and b._dtype is dt and b._device is CPU and not b._rg:
                    b = b._data
                elif not (tb in _SCALARS and (dt._category >= 2 or tb is not float)):
                    return _inplace(op, self, args, kw)
                try:
                    r = kernel(np, a, b, **kw)
                except (ValueError, OverflowError):
                    return _inplace(op, self, args, kw)
            if getattr(r, "shape", None) == a.shape and r.dtype is a.dtype and 0 not in a.strides:
                np.copyto(a, r)
                vc = self._vc
                if vc is None:
                    self._vc = [1]
                else:
                    vc[0] += 1
                return self
        return _inplace(op, self, args, kw)
    method.__name__ = op.name + "_"
    return method


_SCALARS = (int, float, bool)
_KW_FAST = frozenset((D.float32, D.float64))
_KW_VALUES = (int, float)
_NUMBERS = (int, float, complex, np.number, np.bool_)  # (bool is an int)
_SCALAR_CATEGORY = {bool: 0, int: 1, float: 2}  # Note [promotion categories]


def _make_dunders(op, dunder, reflected):
    fast = op.fast_path
    if len(op.operands) == 1:
        def unary(a):
            r = fast(a)
            return r if r is not None else _call(op, (a,), {})
        unary.__name__ = f"__{dunder}__"
        _attach(f"__{dunder}__", unary)
        return

    def forward(a, b):
        r = fast(a, b)
        if r is not None:
            return r
        if not isinstance(b, (Tensor, int, float, complex, np.number, np.bool_)):
            return NotImplemented
        return _call(op, (a, b), {})

    forward.__name__ = f"__{dunder}__"
    _attach(f"__{dunder}__", forward)
    inplace = getattr(Tensor, op.name + "_", None)

    def iop(a, b):
        if not isinstance(b, (Tensor, int, float, complex, bool, np.number, np.bool_)):
            return NotImplemented
        if inplace is not None:
            return inplace(a, b)
        return _inplace(op, a, (b,), {})
    iop.__name__ = f"__i{dunder}__"
    _attach(f"__i{dunder}__", iop)

    if reflected is not False:
        def rop(a, b):
            if not isinstance(b, (Tensor, int, float, complex, bool, np.number, np.bool_, np.ndarray)):
                return NotImplemented
            if isinstance(b, np.ndarray):
                from .creation import as_tensor
                b = as_tensor(b)
                if reflected is None:
                    return _call(op, (b, a), {})
            elif isinstance(b, Tensor):  # an explicit a.__radd__(tensor) call: op(b, a)
                return _call(op, (b, a), {})
            if reflected is not None:
                return reflected(a, b)
            if type(b) in _SCALARS and op.name in _COMMUTATIVE:
                r = fast(a, b)
                return r if r is not None else _call(op, (a, b), {})  # as torch: `s * x` is mul(x, s)
            if op.number_self:
                return _call(op, (b, a), {})
            from .creation import scalar_tensor_like
            return _call(op, (scalar_tensor_like(b, a), a), {})
        rop.__name__ = f"__r{dunder}__"
        _attach(f"__r{dunder}__", rop)


# `scalar op tensor` equals `tensor op scalar` for these (also in dtype), so __r*__ may take the fast path
_COMMUTATIVE = frozenset(("add", "mul", "bitwise_and", "bitwise_or", "bitwise_xor", "eq", "ne"))


def export(fn=None, *, name=None, method=False, function=True, aliases=(), method_aliases=()):
    """Register a tensor function under `name` in the numtorch namespace and/or as a Tensor method."""
    def deco(f):
        n = name or f.__name__
        if function:
            FUNCTIONS[n] = f
            for a in aliases:
                FUNCTIONS[a] = f
        OPS.setdefault(n, f)
        if method:
            _attach(n, f)
            for a in tuple(aliases) + tuple(method_aliases):
                _attach(a, f)
        return f
    return deco(fn) if fn is not None else deco


def node(name, n_outputs=1, **formulas):
    """A node class for an `export`ed op: formulas keyed by input position name, in input order."""
    fs = tuple((f, _argnames(f)) if f is not None else None
               for f in formulas.values())
    return node_class(name, fs, n_outputs)


def recording(*values):
    """True when grad mode is on and any tensor among `values` requires grad."""
    for v in values:
        if getattr(v, "_rg", False):
            return _state.enabled
    return False
