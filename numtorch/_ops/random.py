"""Random factories and in-place samplers on top of the CPU generator in `numtorch/_random.py`.

The generator produces flat NumPy arrays in torch's draw order; this module shapes them, writes them in
torch's memory order (so `rand_like(x.t())` matches), and handles dtype, device, `out=` and generator=.
On CUDA the values are drawn on the host generator and moved (deterministic per seed; torch's Philox
streams are not reproduced).
"""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype as D
from .._backends import move
from .._device import CPU, META
from .._tensor import Tensor, wrap
from ._promotion import cxx_double as _g
from ._registry import check_inplace_leaf, export, write_into
from .creation import _dev, _like, _sizes, check_pin_memory, empty, factory_sizes

_random_module = []


def _engine():
    """The generator module, imported on first use (keeps `import numtorch` light)."""
    if not _random_module:
        from .. import _random
        _random_module.append(_random)
    return _random_module[0]


def _gen(generator):
    if generator is None:
        return _engine().default_generator
    return getattr(generator, "_impl", generator)


def _memory_order_fill(shape, strides, values):
    """Arrange flat `values` (torch's draw order = memory order) into an array of `shape` with `strides`."""
    nd = len(shape)
    if nd <= 1:
        return values.reshape(shape)
    order = sorted(range(nd), key=lambda i: (-strides[i], -i))  # outermost (largest stride) first
    arr = values.reshape([shape[i] for i in order])
    inv = [0] * nd
    for pos, d in enumerate(order):
        inv[d] = pos
    return arr.transpose(inv)


def _fill(t, values):
    """Write flat `values` (or `values(n, dtype, contiguous)`) into tensor `t` in its memory order."""
    a = t._data
    if t._device is CPU and a.flags.c_contiguous:  # the common case: memory order is the flat order
        a.reshape(-1)[...] = values(a.size, t._dtype, True) if callable(values) else values.reshape(-1)
        t._bump()
        return t
    if callable(values):
        values = values(a.size, t._dtype, t.is_contiguous())
    if t._device is META:
        t._bump()
        return t
    write_into(t, move(_memory_order_fill(a.shape, t._strides(), values), CPU, t._device))
    return t


def _new(size, dtype, device, requires_grad, out, name, draw, layout_like=None):
    """A new tensor (or `out`) filled by `draw`; `layout_like` gives a `*_like` its input's layout."""
    if out is not None:
        from ._registry import check_out, resize_out
        check_out(name, out, out._dtype, ())
        resize_out(out, _sizes(name, size))
        return _fill(out, draw)
    dt = dtype or D._default[0]
    if layout_like is not None:
        if device is not None or layout_like._device is not CPU or not layout_like._data.flags.c_contiguous:
            t = _fill(_like(name, layout_like, None, dt, device, False, None), draw)  # the input's layout
            return t.requires_grad_(True) if requires_grad else t
        size, device = layout_like._data.shape, CPU  # a contiguous CPU input: laid out as a fresh tensor
    shape = _sizes(name, size)
    dev = _dev(device)
    if dev is CPU:  # a fresh draw in torch's order is already the contiguous result
        t = wrap(draw(math.prod(shape), dt, True).reshape(shape), dt, CPU)
    else:
        t = _fill(empty(shape, dtype=dt, device=dev), draw)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _float_only(name, dt):
    if not (dt.is_floating_point or dt.is_complex):
        raise NotImplementedError(f'"{name}" not implemented for \'{_tn(dt)}\'')


def _tn(dt):
    from ._promotion import torch_name
    return torch_name(dt)


def _uniform_draw(g, low=0.0, high=1.0):
    def draw(n, dt, contiguous):
        if dt.is_complex:
            v = g.uniform(2 * n, dt.to_real().np, low, high)
            return v.view(dt.np) if dt.np.itemsize == 2 * v.itemsize else v[0::2] + 1j * v[1::2]
        return g.uniform(n, dt.np, low, high)
    return draw


def _normal_draw(g, mean=0.0, std=1.0):
    # torch's vectorised normal path runs only for contiguous outputs; others draw one value at a time
    def draw(n, dt, contiguous):
        if dt.is_complex:
            # torch draws 2n reals with std / sqrt(2) and pairs them
            v = g.normal(2 * n, dt.to_real().np, mean, std / np.sqrt(2), contiguous=contiguous)
            return v.view(dt.np)
        return g.normal(n, dt.np, mean, std, contiguous=contiguous)
    return draw


@export
def rand(*sizes, size=None, generator=None, out=None, dtype=None, layout=None, device=None, pin_memory=False,
         requires_grad=False):
    """Mirrors `torch.rand`: uniform on [0, 1), torch's exact CPU stream."""
    size = sizes if size is None and not pin_memory else factory_sizes("rand", sizes, size, pin_memory)
    dt = dtype or (out._dtype if out is not None else D._default[0])
    _float_only("check_uniform_bounds", dt)
    return _new(size, dtype, device, requires_grad, out, "rand", _uniform_draw(_gen(generator)))


@export
def randn(*sizes, size=None, generator=None, out=None, dtype=None, layout=None, device=None, pin_memory=False,
          requires_grad=False):
    """Mirrors `torch.randn`: standard normal, torch's exact CPU stream."""
    size = sizes if size is None and not pin_memory else factory_sizes("randn", sizes, size, pin_memory)
    dt = dtype or (out._dtype if out is not None else D._default[0])
    _float_only("normal_kernel_cpu", dt)
    return _new(size, dtype, device, requires_grad, out, "randn", _normal_draw(_gen(generator)))


@export
def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None,
              generator=None):
    """Mirrors `torch.rand_like` (filled in the input's memory order)."""
    _float_only("check_uniform_bounds", dtype or input._dtype)
    return _new(None, dtype or input._dtype, device, requires_grad, None, "rand_like",
                _uniform_draw(_gen(generator)), layout_like=input)


@export
def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None,
               generator=None):
    """Mirrors `torch.randn_like`."""
    _float_only("normal_kernel_cpu", dtype or input._dtype)
    return _new(None, dtype or input._dtype, device, requires_grad, None, "randn_like",
                _normal_draw(_gen(generator)), layout_like=input)


def _bind(name, args, given, *overloads):
    """Positional args and the keywords `given`, bound as Python binds them to the overload (a tuple of
    parameter names) with as many parameters as there are arguments; the arguments in that overload's
    order."""
    for names in overloads:
        if len(args) + len(given) == len(names):
            bound = dict(zip(names, args))
            if not bound.keys() & given.keys() and given.keys() <= set(names):
                bound.update(given)
                return tuple(bound[n] for n in names)
    got = ", ".join([type(a).__name__ for a in args] + [f"{k}={type(v).__name__}" for k, v in given.items()])
    raise TypeError(f"{name}() received an invalid combination of arguments - got ({got})")


def _randint_args(args):
    if len(args) == 2:
        (high, size), low = args, 0
        high = _int64_arg(high, "high", 1, args)
    elif len(args) == 3:
        low, high, size = args
        low, high = _int64_arg(low, "low", 1, args), _int64_arg(high, "high", 2, args)
    else:
        raise TypeError("randint() received an invalid combination of arguments")
    return low, high, size


def _int64_arg(v, name, pos, args):
    """randint's low/high as torch's argument parser takes them: ints (also NumPy ints and one-element
    integer tensors) within int64; a bool or float is a TypeError, as in torch."""
    if type(v) is int and -(1 << 63) <= v < 1 << 63:
        return v
    if isinstance(v, Tensor) and not v._dtype.is_floating_point and v._dtype is not D.bool_ and v.numel() == 1:
        v = v.item()
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
        if len(args) == 2:
            raise TypeError(f"randint(): argument '{name}' (position {pos}) must be int, not {type(v).__name__}")
        got = ", ".join(type(a).__name__ for a in args)
        raise TypeError(f"randint() received an invalid combination of arguments - got ({got}), but expected "
                        "(int low, int high, tuple of ints size)")
    v = int(v)
    if not -(1 << 63) <= v < 1 << 63:
        raise ValueError("Overflow when unpacking long long")
    return v


@export
def randint(*args, generator=None, out=None, dtype=None, layout=None, device=None, pin_memory=False,
            requires_grad=False, size=None, low=None, high=None):
    """Mirrors `torch.randint(low=0, high, size)`: int64 by default."""
    if pin_memory:
        check_pin_memory()
    if size is not None or high is not None or low is not None:
        given = {k: v for k, v in (("low", low), ("high", high), ("size", size)) if v is not None}
        args = _bind("randint", args, given, ("low", "high", "size"), ("high", "size"))
    lo, hi, size = _randint_args(args)
    if lo >= hi:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={lo} >= to={hi}")
    g = _gen(generator)
    dt = dtype or (out._dtype if out is not None else D.int64)
    return _new(size, dt, device, requires_grad, out, "randint", lambda n, d, c: g.randint(n, lo, hi, d.np))


@export
def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None, requires_grad=False,
                 memory_format=None, generator=None):
    """Mirrors `torch.randint_like`."""
    if high is None:
        low, high = 0, low
    g = _gen(generator)
    lo, hi = int(low), int(high)
    return _new(None, dtype or input._dtype, device, requires_grad, None, "randint_like",
                lambda n, d, c: g.randint(n, lo, hi, d.np), layout_like=input)


@export
def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, pin_memory=False,
             requires_grad=False):
    """Mirrors `torch.randperm` (int64 by default)."""
    if pin_memory:
        check_pin_memory()
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    g = _gen(generator)
    dt = dtype or (out._dtype if out is not None else D.int64)
    _check_randperm_dtype(n, dt)
    return _new((n,), dt, device, requires_grad, out, "randperm", lambda k, d, c=True: g.randperm(k, d.np))


@export
def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           pin_memory=False, requires_grad=False):
    """Mirrors `torch.normal`'s four overloads (tensor/float mean and std, or floats with size)."""
    if pin_memory:
        check_pin_memory()
    g = _gen(generator)
    tm, ts = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not tm and not ts:
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments - got (float, float)")
        if not std >= 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {_g(std)}")
        return _new(size, dtype, device, requires_grad, out, "normal", _normal_draw(g, mean, std))
    if not ts and not std >= 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_g(std)}")
    if ts and (std < 0).any().item():
        raise RuntimeError("normal expects all elements of std >= 0.0")
    _float_only("normal_kernel_cpu", (mean if tm else std)._dtype)  # the result's dtype
    if tm and ts:
        from ._meta import broadcast_shapes
        broadcast_shapes(mean._data.shape, std._data.shape)  # torch's error for shapes that do not match
    # torch's composition per overload (tensor mean: normal_(0, std) + mean; tensor std: normal_(0, 1) * std
    # + mean), done by the generator on host arrays
    dt = (mean if tm else std)._dtype
    m = mean._host() if tm else mean
    sd = std._host() if ts else std
    res = wrap(np.asarray(g.normal_tensor(m, sd, dt.np)), dt, CPU)
    dev = (mean if tm else std)._device
    if dev is not CPU:
        res = res.to(dev)
    if out is not None:
        return out.resize_(res.shape).copy_(res)
    return res


def _check_probabilities(p):
    """bernoulli's tensor of probabilities: a floating dtype, every value in [0, 1] (NaN is not)."""
    if not p._dtype.is_floating_point:
        raise NotImplementedError(f'"bernoulli_tensor_cpu_p_" not implemented for \'{_tn(p._dtype)}\'')
    a = p._host()
    with np.errstate(invalid="ignore"):
        if not ((a >= 0) & (a <= 1)).all():
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
                               "message be improved?  If so, please report an enhancement request to PyTorch.)")


@export(method=True)
def bernoulli(input, p=None, *, generator=None, out=None):
    """Mirrors `torch.bernoulli` (probabilities from `input`, or a scalar `p`)."""
    g = _gen(generator)
    a = input._host()
    if p is None:
        _check_probabilities(input)
        vals = g.bernoulli_tensor(np.ascontiguousarray(a).reshape(-1), input._dtype.np)
    else:
        vals = g.bernoulli_scalar(a.size, float(p), input._dtype.np)
    t = wrap(np.empty(a.shape, input._dtype.np), input._dtype, CPU)
    _fill(t, vals)
    t = wrap(move(t._data, CPU, input._device), input._dtype, input._device)
    if out is not None:
        return out.resize_(t.shape).copy_(t)
    return t


@export(method=True)
def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Mirrors `torch.multinomial`."""
    g = _gen(generator)
    a = input._host()
    if a.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not input._dtype.is_floating_point:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {_tn(input._dtype)}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > a.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if a.shape[-1] > 1 << 24:
        raise RuntimeError("number of categories cannot exceed 2^24")
    rows = a.reshape(a.shape[0] if a.ndim == 2 else 1, a.shape[-1])
    if rows.shape[0]:
        _check_distribution(rows, not replacement or num_samples == 1)
    r = g.multinomial(rows, int(num_samples), bool(replacement))
    r = r.reshape(a.shape[:-1] + (num_samples,))
    t = wrap(move(r.astype(np.int64), CPU, input._device), D.int64, input._device)
    if out is not None:
        return out.resize_(t.shape).copy_(t)
    return t


def _check_randperm_dtype(n, dt):
    """randperm's limits: n - 1 must convert to an integer dtype, half and float hold every value up to
    n - 1 exactly; bool and the wide unsigned types are not implemented."""
    if dt is D.int64:
        return
    if dt._category == 1 and dt is not D.bool_:
        from ._promotion import check_number
        check_number(n - 1, dt)
    if dt is D.float16 and n > 2049:
        raise RuntimeError("n cannot be greater than 2049 for Half type.")
    if dt is D.float32 and n > (1 << 24) + 1:
        raise RuntimeError("n cannot be greater than 2^24+1 for Float type.")
    if dt in (D.bool_, D.uint16, D.uint32, D.uint64) or dt.is_complex:
        raise NotImplementedError(f'"randperm" not implemented for \'{_tn(dt)}\'')


def _check_distribution(rows, whole):
    """torch.multinomial's checks of the probabilities, with its messages: on the whole tensor for its
    exponential-race path (no replacement, or one sample); else row by row and element by element in order,
    as its sampling kernel goes (a NaN fails the "< 0" test there)."""
    with np.errstate(invalid="ignore"):
        if whole:
            if not rows.size:
                raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation "
                                   "has no identity.")
            if not (rows.max() < np.inf and rows.min() >= 0):
                raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
            if (rows.sum(axis=1) == 0).any():
                raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
            return
        negative = ~(rows >= 0)
        bad = negative | ~np.isfinite(rows)
        # with every entry finite and >= 0, a row sums to <= 0 only when it is all zeros
        stop = bad.any(axis=1) | ~(rows > 0).any(axis=1)
    if stop.any():
        r = int(np.argmax(stop))
        if bad[r].any():
            if negative[r, int(np.argmax(bad[r]))]:
                raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)")
            raise RuntimeError("invalid multinomial distribution (encountering probability entry = infinity or NaN)")
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")


@export(method=False)
def poisson(input, generator=None):
    """Mirrors `torch.poisson`."""
    if not input._dtype.is_floating_point:
        raise NotImplementedError(f'"poisson_cpu" not implemented for \'{_tn(input._dtype)}\'')
    g = _gen(generator)
    a = input._host()
    vals = g.poisson(np.ascontiguousarray(a).reshape(-1), input._dtype.np).reshape(a.shape)
    return wrap(move(vals, CPU, input._device), input._dtype, input._device)


# ---- in-place samplers ----------------------------------------------------------------------------

def _inplace(name, t, draw):
    check_inplace_leaf(t)
    return _fill(t, draw)


def uniform_(self, *args, generator=None, **kw):
    """uniform_(from=0, to=1) (`from` and `to` also as keywords, as in torch)."""
    if kw:
        _no_other_keywords("uniform_", kw, ("from", "to"))
        defaults = {"from": 0.0, "to": 1.0}
        kw = {**{n: defaults[n] for n in ("from", "to")[len(args):] if n not in kw}, **kw}
        a, b = _bind("uniform_", args, kw, ("from", "to"))
    elif len(args) <= 2:
        a, b = args + (0.0, 1.0)[len(args):]
    else:
        raise TypeError(f"uniform_() takes from 0 to 2 positional arguments but {len(args)} were given")
    _float_only("check_uniform_bounds", self._dtype)
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a} > to={b}")
    return _inplace("uniform_", self, _uniform_draw(_gen(generator), a, b))


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    if not std >= 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_g(std)}")
    _float_only("normal_kernel_cpu", self._dtype)
    return _inplace("normal_", self, _normal_draw(_gen(generator), mean, std))



def random_(self, *args, generator=None, **kw):
    """`random_()`: the dtype's default range; `random_(to)`: [0, to); `random_(from, to)`: [from, to), where
    `to=None` means up to the dtype's maximum (torch's three overloads; `from` and `to` also as keywords)."""
    g = _gen(generator)
    if kw:
        _no_other_keywords("random_", kw, ("from", "to"))
        args = _bind("random_", args, kw, ("to",), ("from", "to"))
    if not args:
        return _inplace("random_", self, lambda n, d, c: g.random_(n, d.np))
    if len(args) > 2 or args[0] is None:
        raise TypeError("random_() received an invalid combination of arguments")
    from_, to = (0, args[0]) if len(args) == 1 else args
    if to is None:
        return _inplace("random_", self, lambda n, d, c: g.random_(n, d.np, int(from_), None))
    return _inplace("random_", self, lambda n, d, c: g.randint(n, int(from_), int(to), d.np))


def _no_other_keywords(name, kw, allowed):
    for k in kw:
        if k not in allowed:
            raise TypeError(f"{name}() got an unexpected keyword argument '{k}'")


def _continuous_only(name, dt, type_name):
    if not dt.is_floating_point:
        raise RuntimeError(f"{name} distribution is a continuous probability distribution. dtype must be a "
                           f"floating point but you specified {type_name(dt)}")


def exponential_(self, lambd=1.0, *, generator=None):
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_g(lambd)}")
    _continuous_only("Exponential", self._dtype, _tn)
    g = _gen(generator)
    return _inplace("exponential_", self, lambda n, d, c: g.exponential(n, d.np, lambd))


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={_g(sigma)}")
    from ._promotion import cxx_int_name
    _continuous_only("Cauchy", self._dtype, cxx_int_name)
    g = _gen(generator)
    return _inplace("cauchy_", self, lambda n, d, c: g.cauchy(n, d.np, median, sigma))


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={_g(std)}")
    _float_only("log_normal_cpu", self._dtype)
    g = _gen(generator)
    return _inplace("log_normal_", self, lambda n, d, c: g.log_normal(n, d.np, mean, std))


def geometric_(self, p, *, generator=None):
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_g(p)}")
    dt = self._dtype
    if dt in (D.bool_, D.uint16, D.uint32, D.uint64) or dt.is_complex:  # torch draws into the other ints
        raise NotImplementedError(f'"geometric_cpu" not implemented for \'{_tn(dt)}\'')
    g = _gen(generator)
    return _inplace("geometric_", self, lambda n, d, c: g.geometric(n, d.np, p))


def bernoulli_(self, p=0.5, *, generator=None):
    g = _gen(generator)
    if isinstance(p, Tensor):
        _check_probabilities(p)
        probs = np.broadcast_to(p._host(), self._data.shape)
        order = _memory_order_fill(self._data.shape, self._strides(), np.arange(self._data.size))
        flat = np.empty(self._data.size, probs.dtype)
        flat[order.reshape(-1)] = probs.reshape(-1)
        return _inplace("bernoulli_", self, lambda n, d, c: g.bernoulli_tensor(flat, d.np))
    return _inplace("bernoulli_", self, lambda n, d, c: g.bernoulli_scalar(n, float(p), d.np))


Tensor.uniform_ = uniform_
Tensor.normal_ = normal_
Tensor.random_ = random_
Tensor.bernoulli_ = bernoulli_
Tensor.exponential_ = exponential_
Tensor.geometric_ = geometric_
Tensor.log_normal_ = log_normal_
Tensor.cauchy_ = cauchy_


# ---- seeding and state -----------------------------------------------------------------------------

def manual_seed(seed):
    """Mirrors `torch.manual_seed`: seeds the default CPU generator; returns it."""
    seed = int(seed)
    _engine().default_generator.manual_seed(seed)
    from .. import cuda
    if cuda.is_available():
        cuda.manual_seed(seed)
    return default_generator()


def seed():
    return _engine().default_generator.seed()


def initial_seed():
    return _engine().default_generator.initial_seed()


def get_rng_state():
    st = _engine().default_generator.get_state()
    return wrap(np.asarray(st, dtype=np.uint8).copy(), D.uint8, CPU)


def set_rng_state(new_state):
    _engine().default_generator.set_state(_state_bytes(new_state))


def _state_bytes(new_state):
    """A generator state tensor's bytes (torch takes a uint8 tensor only)."""
    if not isinstance(new_state, Tensor) or new_state._dtype is not D.uint8:
        raise TypeError("RNG state must be a torch.ByteTensor")
    return new_state._host()


def default_generator():
    from ..random import Generator
    return Generator._wrap(_engine().default_generator)


FUNCTIONS_EXTRA = {"manual_seed": manual_seed, "seed": seed, "initial_seed": initial_seed,
                   "get_rng_state": get_rng_state, "set_rng_state": set_rng_state}
