"""Tensor: geometry, storage, autograd fields and the Python protocol.

Op methods (add, sum, view, ...) are attached by the op registry (`_ops/_registry.py`); this file holds
only what is not an op.

Note [tensor state]: a tensor is a backend array *view* (`_data`: numpy.ndarray, cupy.ndarray, or a
zero-memory placeholder on `meta`) plus its torch dtype and device. Everything else is a class-level
default that only some tensors override, so wrapping a fresh kernel result costs three attribute stores:
  _st      the storage root array this tensor views (None: `_data` is its own root, offset 0)
  _vc      version counter, a one-element list shared by views and `detach()` (None until needed)
  _rg      requires grad: a leaf marked `requires_grad`, or any tensor with a `grad_fn`
  _grad_fn the autograd node that produced it (None for leaves)
  _base    the tensor this is an autograd view of (torch's `_base`)
"""
from __future__ import annotations

import numpy as np

from . import _dtype as D
from ._device import CPU, META
from ._device import device as _device_cls
from ._size import Size

_object_new = object.__new__
_ndarray = np.ndarray


class Tensor:
    """Mirrors `torch.Tensor`."""

    _st = None
    _vc = None
    _rg = False
    _grad_fn = None
    _grad = None
    _base = None
    _output_nr = 0
    _hooks = None
    _retains_grad = False
    _accum = None
    _post_accumulate_hooks = None
    _is_param = False
    __array_priority__ = 1000  # NumPy defers `ndarray + tensor` to Tensor.__radd__

    # ---- construction ---------------------------------------------------------------------------
    def __new__(cls, *args, **kwargs):
        # The legacy constructor `torch.Tensor(2, 3)` / `torch.Tensor([1, 2])`: default-dtype data.
        from ._ops.creation import legacy_new
        return legacy_new(cls, D.get_default_dtype(), args, kwargs)

    def __init__(self, *args, **kwargs):
        pass

    @staticmethod
    def _make_subclass(cls, data, require_grad=False):
        t = _object_new(cls)
        t._data = data._data
        t._dtype = data._dtype
        t._device = data._device
        t._st = data._st
        t._vc = data._vc
        if require_grad:
            t._rg = True
        return t

    # ---- geometry -------------------------------------------------------------------------------
    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim, True)]

    @property
    def dtype(self):
        return self._dtype

    @property
    def device(self):
        return self._device

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        return self._data.ndim

    ndimension = dim

    def numel(self):
        return self._data.size

    nelement = numel

    def stride(self, dim=None):
        st = self._strides()
        if dim is None:
            return st
        return st[_wrap_dim(dim, self._data.ndim, True)]

    def _strides(self):
        a = self._data
        isz = a.itemsize
        if a.size == 0 and not any(a.strides):  # NumPy zeroes the strides of empty arrays; torch does not
            out, n = [], 1
            for m in reversed(a.shape):
                out.append(n)
                n *= max(m, 1)
            return tuple(reversed(out))
        return tuple(s // isz for s in a.strides)

    def storage_offset(self):
        if self._st is None:
            return 0
        return (_addr(self._data) - _addr(self._st)) // self._data.itemsize

    def is_contiguous(self, memory_format=None):
        if memory_format is not None and memory_format is not _contiguous_format:
            from ._memory_format import is_contiguous_as
            return is_contiguous_as(self, memory_format)
        a = self._data
        return a.flags.c_contiguous or _c_contiguous(a.shape, self._strides())

    def data_ptr(self):
        if self._device is META or self._data.size == 0 and self._st is None:
            return 0
        return _addr(self._data)

    def element_size(self):
        return self._dtype.itemsize

    @property
    def itemsize(self):
        return self._dtype.itemsize

    @property
    def nbytes(self):
        return self._data.size * self._dtype.itemsize

    @property
    def is_cuda(self):
        return self._device.type == "cuda"

    @property
    def is_cpu(self):
        return self._device is CPU

    @property
    def is_meta(self):
        return self._device is META

    @property
    def is_sparse(self):
        return False

    is_quantized = is_sparse
    is_mkldnn = is_sparse
    is_nested = is_sparse

    @property
    def layout(self):
        from . import strided
        return strided

    def is_floating_point(self):
        return self._dtype.is_floating_point

    def is_complex(self):
        return self._dtype.is_complex

    def is_signed(self):
        return self._dtype.is_signed

    def get_device(self):
        return -1 if self._device.index is None else self._device.index

    def _is_view(self):
        return self._base is not None

    def untyped_storage(self):
        from ._storage import UntypedStorage
        return UntypedStorage._of(self)

    # ---- version counter ------------------------------------------------------------------------
    @property
    def _version(self):
        vc = self._vc
        return 0 if vc is None else vc[0]

    def _bump(self):
        """Record an in-place write (torch bumps even under no_grad)."""
        vc = self._vc
        if vc is None:
            self._vc = [1]
        else:
            vc[0] += 1

    def _shared_vc(self):
        vc = self._vc
        if vc is None:
            vc = self._vc = [0]
        return vc

    # ---- autograd fields ------------------------------------------------------------------------
    @property
    def requires_grad(self):
        return self._rg

    @requires_grad.setter
    def requires_grad(self, flag):
        if flag and self._grad_fn is None and self._dtype._category < 2:
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad=True):
        if self._grad_fn is not None:
            if not requires_grad:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want to use a "
                    "computed variable in a subgraph that doesn't require differentiation use "
                    "var_no_grad = var.detach().")
            return self
        if requires_grad and not (self._dtype.is_floating_point or self._dtype.is_complex):
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._rg = bool(requires_grad)
        return self

    @property
    def grad_fn(self):
        fn = self._grad_fn
        if fn is not None and self._base is not None and self._vc[0] != getattr(self, "_vv", 0):
            from .autograd.views import refresh_view
            fn = refresh_view(self)  # the base changed in place since this view's history was recorded
        return fn

    @property
    def is_leaf(self):
        return self._grad_fn is None

    @property
    def output_nr(self):
        return self._output_nr

    @property
    def grad(self):
        if self._grad_fn is not None and not self._retains_grad:
            import warnings
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
                "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
                "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
                "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
                "instead. See github.com/pytorch/pytorch/pull/30531 for more informations.",
                UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value._dtype is not self._dtype:
                raise RuntimeError("assigned grad has data of a different type")
            if value._device != self._device:
                raise RuntimeError("assigned grad has data located on a different device")
            if value._data.shape != self._data.shape:
                raise RuntimeError("assigned grad has data of a different size")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    @property
    def retains_grad(self):
        return self._retains_grad

    def retain_grad(self):
        from .autograd import graph
        graph.retain_grad(self)

    def register_hook(self, hook):
        from .autograd import graph
        return graph.register_tensor_hook(self, hook)

    def register_post_accumulate_grad_hook(self, hook):
        from .autograd import graph
        return graph.register_post_accumulate_hook(self, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        if gradient is None and inputs is None and not create_graph:
            from .autograd.engine import backward_implicit
            backward_implicit(self, retain_graph)
            return
        from . import autograd
        autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self):
        """A new leaf sharing storage and version counter, with no history."""
        t = _object_new(Tensor)
        t._data = self._data
        t._dtype = self._dtype
        t._device = self._device
        t._st = self._st if self._st is not None else self._data
        t._vc = self._shared_vc()
        return t

    def detach_(self):
        if self._base is not None and self._grad_fn is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead. If you are using "
                               "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view "
                               "is set as True, gradients are views of DDP buckets, and hence detach_() "
                               "cannot be called on these gradients. To fix this error, please refer to "
                               "the Optimizer.zero_grad() function in torch/optim/optimizer.py as the "
                               "solution.")
        self._grad_fn = None
        self._rg = False
        return self

    @property
    def data(self):
        """Shares storage but not the version counter or history (torch's `.data`)."""
        t = _object_new(Tensor)
        t._data = self._data
        t._dtype = self._dtype
        t._device = self._device
        t._st = self._st if self._st is not None else self._data
        return t

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
        self._data = value._data
        self._dtype = value._dtype
        self._device = value._device
        self._st = value._st if value._st is not None else value._data

    # ---- Python protocol ------------------------------------------------------------------------
    def __repr__(self, *, tensor_contents=None):
        from ._tensor_str import format_tensor
        return format_tensor(self, tensor_contents=tensor_contents)

    def __format__(self, spec):
        if self._data.ndim == 0 and self._device is not META:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __contains__(self, element):
        if isinstance(element, (Tensor, int, float, bool, complex)):
            return bool((self == element).any().item())
        raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
                           f"{type(element)}.")

    def __hash__(self):
        return id(self)

    def _scalar_check(self, what):
        n = self._data.size
        if n != 1:
            if what == "bool":
                raise RuntimeError(f"Boolean value of Tensor with {'no values' if n == 0 else 'more than one value'}"
                                   " is ambiguous")
            if what != "item":
                raise ValueError("only one element tensors can be converted to Python scalars")
            raise RuntimeError(f"a Tensor with {n} elements cannot be converted to Scalar")
        if self._device is META:
            raise RuntimeError("Tensor.item() cannot be called on meta tensors")

    def item(self):
        self._scalar_check("item")
        v = self._host().reshape(()).item()
        if self._dtype is D.bfloat16:
            return float(v)
        return v

    def __bool__(self):
        self._scalar_check("bool")
        return bool(self._host().reshape(()).item())

    def __float__(self):
        self._scalar_check("float")
        v = self._host().reshape(()).item()
        if isinstance(v, complex):
            if v.imag:
                raise RuntimeError("value cannot be converted to type double without overflow")
            v = v.real
        return float(v)

    def __int__(self):
        self._scalar_check("int")
        v = self._host().reshape(()).item()
        if isinstance(v, complex):
            if v.imag:
                raise RuntimeError("value cannot be converted to type int64_t without overflow")
            v = v.real
        return int(v)

    def __pos__(self):
        if self._dtype is D.bool_:
            raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
        return self

    def __complex__(self):
        self._scalar_check("complex")
        return complex(self._host().reshape(()).item())

    def __index__(self):
        if self._dtype._category > 1 or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._host().reshape(()).item())

    def tolist(self):
        if self._device is META:
            raise RuntimeError("Tensor.tolist() cannot be called on meta tensors")
        a = self._host()
        if self._dtype is D.bfloat16:
            a = a.astype(np.float32)
        return a.tolist()

    def _host(self):
        """A NumPy array with this tensor's values (the array itself on the CPU)."""
        a = self._data
        if type(a) is _ndarray:
            return a
        from ._backends import to_host
        return to_host(self)

    def numpy(self, *, force=False):
        if self._dtype is D.bfloat16 or self._dtype is D.complex32:  # NumPy has no such dtype (for torch)
            name = "BFloat16" if self._dtype is D.bfloat16 else "ComplexHalf"
            raise TypeError(f"Got unsupported ScalarType {name}")
        if force:
            return self.detach().cpu().resolve_conj()._host()
        if self._device is not CPU:
            raise TypeError(f"can't convert {self._device.type} device type tensor to numpy. Use "
                            "Tensor.cpu() to copy the tensor to host memory first.")
        if self._rg:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                               "instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        a = self.numpy(force=self._device is not CPU) if not self._rg else self.detach().numpy()
        if dtype is not None and a.dtype != dtype:
            return a.astype(dtype)
        return a.copy() if copy else a

    def __array_wrap__(self, array, context=None, return_scalar=False):
        from ._ops.creation import from_numpy
        return from_numpy(np.asarray(array))

    def __dlpack__(self, *args, **kwargs):
        return self.detach()._data.__dlpack__(*args, **kwargs)

    def __dlpack_device__(self):
        return self._data.__dlpack_device__()

    def __reduce_ex__(self, proto):
        from ._serialization import reduce_tensor
        return reduce_tensor(self)

    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the "
                               "deepcopy protocol at the moment.  If you were attempting to deepcopy a "
                               "module, this may be because of a torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        if id(self) in memo:
            return memo[id(self)]
        from . import no_grad
        with no_grad():
            new = self.clone()
        if type(self) is not Tensor:
            new = Tensor._make_subclass(type(self), new, self._rg)
        else:
            new._rg = self._rg
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        d = getattr(self, "__dict__", None)
        memo[id(self)] = new
        if d:
            import copy
            for k, v in d.items():
                if k not in _CORE_FIELDS:
                    setattr(new, k, copy.deepcopy(v, memo))
        return new

    # ---- conversions ----------------------------------------------------------------------------
    def type(self, dtype=None, non_blocking=False, **kwargs):
        from ._legacy import parse_type, tensor_type_name
        if dtype is None:
            return tensor_type_name(self)
        d, dev = parse_type(dtype)
        return self.to(device=dev if dev is not None else self._device, dtype=d)

    def to(self, *args, **kwargs):
        from ._ops.conversion import to
        return to(self, *args, **kwargs)

    def cpu(self, memory_format=None):
        return self.to(CPU)

    def cuda(self, device=None, non_blocking=False, memory_format=None):
        if device is None:
            device = "cuda"
        elif isinstance(device, int):
            device = _device_cls("cuda", device)
        return self.to(device)

    def float(self, memory_format=None):
        return self.to(D.float32)

    def double(self, memory_format=None):
        return self.to(D.float64)

    def half(self, memory_format=None):
        return self.to(D.float16)

    def bfloat16(self, memory_format=None):
        return self.to(D.bfloat16)

    def long(self, memory_format=None):
        return self.to(D.int64)

    def int(self, memory_format=None):
        return self.to(D.int32)

    def short(self, memory_format=None):
        return self.to(D.int16)

    def char(self, memory_format=None):
        return self.to(D.int8)

    def byte(self, memory_format=None):
        return self.to(D.uint8)

    def bool(self, memory_format=None):
        return self.to(D.bool_)

    def cfloat(self, memory_format=None):
        return self.to(D.complex64)

    def cdouble(self, memory_format=None):
        return self.to(D.complex128)

    def type_as(self, other):
        return self.to(other._dtype)

    def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, layout=None):
        from ._ops.creation import tensor
        return tensor(data, dtype=dtype or self._dtype, device=device or self._device,
                      requires_grad=requires_grad)

    def __setstate__(self, state):
        raise RuntimeError("numtorch tensors unpickle through numtorch._serialization")


Tensor.__module__ = "numtorch"  # prints as <class 'numtorch.Tensor'>, as torch's does as torch.Tensor

_CORE_FIELDS = frozenset(("_data", "_dtype", "_device", "_st", "_vc", "_rg", "_grad_fn", "_grad", "_base",
                          "_output_nr", "_hooks", "_retains_grad", "_accum", "_post_accumulate_hooks"))
_contiguous_format = None  # set by numtorch/_memory_format.py


def _addr(a):
    return a.__array_interface__["data"][0] if type(a) is _ndarray else a.data.ptr


def _c_contiguous(shape, strides):
    expected = 1
    for n, s in zip(reversed(shape), reversed(strides)):
        if n != 1 and s != expected:
            return False
        expected *= n
    return True


def _wrap_dim(dim, ndim, scalar_error=False):
    """torch's dim wrapping with its IndexError text (a 0-dim tensor accepts -1 and 0 unless
    `scalar_error`: `size(dim)`/`stride(dim)` reject every dim of a 0-dim tensor)."""
    if type(dim) is not int:
        dim = _index_of(dim)
    if scalar_error and ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    n = ndim if ndim > 0 else 1
    if dim < -n or dim >= n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim + n if dim < 0 else dim


def _index_of(dim):
    try:
        return dim.__index__()
    except AttributeError:
        raise TypeError(f"dim must be an int, not {type(dim).__name__}") from None


def wrap(data, dtype, device=CPU):
    """A new tensor over a backend array (no copy). The one constructor every op goes through."""
    t = _object_new(Tensor)
    t._data = data
    t._dtype = dtype
    t._device = device
    return t


def make_view(base, data):
    """A view of `base` over `data` (a backend view of base's array): shares storage and version counter.

    Autograd records `_base` (the root) for in-place-on-view handling; recording the view's grad_fn is
    the op layer's job.
    """
    t = _object_new(Tensor)
    t._data = data
    t._dtype = base._dtype
    t._device = base._device
    st = base._st
    t._st = st if st is not None else base._data
    vc = base._vc
    if vc is None:
        vc = base._vc = [0]
    t._vc = vc
    root = base._base
    t._base = root if root is not None else base
    return t
