"""numtorch: PyTorch's tensor and autograd API in pure Python on NumPy (CPU) and CuPy (CUDA).

`import numtorch as torch` and ordinary PyTorch code runs unchanged.
"""
from __future__ import annotations

import math as _math
import warnings as _warnings

from . import _dtype

# Note [floating-point warnings]: torch computes inf/nan silently; NumPy warns ("divide by zero encountered
# in log"). Guarding each kernel with np.errstate would cost ~0.9 us a call, so instead NumPy's
# floating-point RuntimeWarnings are ignored when raised from numtorch's own code (no cost unless a
# flag is actually set, and users' own NumPy calls still warn).
_warnings.filterwarnings("ignore", message=r".* encountered in ", category=RuntimeWarning,
                         module=r"numtorch(\.|$)")
from ._device import device
from ._dtype import dtype as dtype
from ._dtype import finfo, get_default_dtype, iinfo, set_default_dtype
from ._factory_defaults import get_default_device, set_default_device
from ._memory_format import (
    channels_last,
    channels_last_3d,
    contiguous_format,
    layout,
    memory_format,
    preserve_format,
    sparse_coo,
    strided,
)
from ._size import Size
from ._tensor import Tensor

globals().update(_dtype.ALIASES)

# op families register their functions and methods on import
import numtorch._ops  # noqa: E402,F401

from ._ops import _registry  # noqa: E402
from ._ops._promotion import can_cast, promote_types  # noqa: E402
from ._ops._promotion import result_type as _result_type  # noqa: E402

globals().update(_registry.FUNCTIONS)

from . import accelerator, autograd, cuda, linalg, random, return_types, special  # noqa: E402
from ._legacy import CPU_TYPES as _CPU_TYPES  # noqa: E402
from ._ops._meta import broadcast_shapes  # noqa: E402
from ._ops.random import get_rng_state, initial_seed, manual_seed, seed, set_rng_state  # noqa: E402,F401
from ._tensor_str import get_printoptions, printoptions, set_printoptions  # noqa: E402
from .autograd import (  # noqa: E402
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .random import Generator  # noqa: E402

globals().update(_CPU_TYPES)

from . import version  # noqa: E402
from ._settings import (  # noqa: E402
    are_deterministic_algorithms_enabled,
    get_float32_matmul_precision,
    get_num_interop_threads,
    get_num_threads,
    is_deterministic_algorithms_warn_only_enabled,
    set_float32_matmul_precision,
    set_num_interop_threads,
    set_num_threads,
    use_deterministic_algorithms,
)

__version__ = version.__version__
inf, nan, pi, e = _math.inf, _math.nan, _math.pi, _math.e
newaxis = None


def result_type(tensor1, tensor2):
    """Mirrors `torch.result_type`."""
    return _result_type(tensor1, tensor2)


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_floating_point(input):
    return input._dtype.is_floating_point


def is_complex(input):
    return input._dtype.is_complex


def numel(input):
    return input.numel()


def is_nonzero(input):
    if input.numel() != 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous" if input.numel()
                           else "Boolean value of Tensor with no values is ambiguous")
    return input.__bool__()  # `bool` here is numtorch.bool, the dtype


def __getattr__(name):
    if name == "default_generator":
        return random.Generator._wrap(__import__("numtorch._random", fromlist=["x"]).default_generator)
    raise AttributeError(f"module 'numtorch' has no attribute '{name}'")
