"""Shared differential-testing helpers: build numtorch tensors from torch ones and compare results.

Everything here is generic (no op knowledge): `to_nt` copies a torch tensor's whole storage and rebuilds
the same geometry over it; `assert_same` compares values, dtype, shape (and strides on request);
`same_error` runs a callable on both libraries and checks they raise the same class and message.
"""
from __future__ import annotations

import re

import numpy as np
import pytest
import torch

import numtorch
from numtorch import _dtype as D
from numtorch._tensor import make_view, wrap

DTYPE_NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "uint16", "uint32", "uint64",
               "float16", "bfloat16", "float32", "float64", "complex64", "complex128"]


def nt_dtype(th_dtype):
    """The numtorch dtype named like a torch dtype."""
    return getattr(numtorch, str(th_dtype).split(".")[1])


def th_dtype(nt_dt):
    """The torch dtype named like a numtorch dtype."""
    return getattr(torch, str(nt_dt).split(".")[1])


def _storage_numpy(th):
    """A NumPy copy of the whole storage under `th` (flat, in th's dtype)."""
    st = th.untyped_storage()
    n = st.nbytes() // th.element_size()
    flat = torch.empty(0, dtype=th.dtype).set_(st, 0, (n,), (1,)).detach().clone()
    dt = nt_dtype(th.dtype)
    if th.dtype == torch.bfloat16:  # NumPy has no bfloat16: reinterpret the bits
        return flat.view(torch.int16).numpy().view(dt.np), dt
    return flat.numpy(), dt


def to_nt(th, requires_grad=None):
    """A numtorch tensor with th's values, dtype, shape, strides and storage offset."""
    if th.device.type == "meta":
        return numtorch.empty(tuple(th.shape), dtype=nt_dtype(th.dtype), device="meta")
    arr, dt = _storage_numpy(th.detach())
    base = wrap(arr, dt)
    isz = dt.itemsize
    if th.numel() == 0:
        view = arr[:0].reshape(tuple(th.shape)) if arr.size else np.empty(tuple(th.shape), dt.np)
    else:
        view = np.lib.stride_tricks.as_strided(arr[th.storage_offset():], tuple(th.shape),
                                               tuple(s * isz for s in th.stride()))
    t = make_view(base, view) if th.numel() else wrap(np.array(view), dt)
    t._base = None  # not an autograd view: a fresh leaf sharing one storage
    rg = th.requires_grad if requires_grad is None else requires_grad
    if rg:
        t.requires_grad_(True)
    return t


def to_np(x):
    """NumPy values of a torch or numtorch tensor (bfloat16 compared as float32)."""
    if isinstance(x, torch.Tensor):
        x = x.detach()
        if x.dtype == torch.bfloat16:
            x = x.float()
        return x.resolve_conj().numpy()
    a = np.asarray(x.detach()._host())
    return a.astype(np.float32) if x.dtype is D.bfloat16 else a


def assert_same(nt, th, strides=False, equal_nan=True, exact=True, rtol=1e-6, atol=1e-6):
    """Same type, dtype, shape (and strides), values (exactly unless exact=False)."""
    if isinstance(th, torch.Tensor):
        assert isinstance(nt, numtorch.Tensor), f"expected a Tensor, got {type(nt).__name__}"
        assert str(nt.dtype) == str(th.dtype), f"dtype {nt.dtype} != {th.dtype}"
        assert tuple(nt.shape) == tuple(th.shape), f"shape {tuple(nt.shape)} != {tuple(th.shape)}"
        assert str(nt.device) == str(th.device), f"device {nt.device} != {th.device}"
        if strides:
            assert nt.stride() == th.stride(), f"stride {nt.stride()} != {th.stride()}"
        if th.device.type == "meta":
            return
        a, b = to_np(nt), to_np(th)
        if exact:
            np.testing.assert_array_equal(a, b) if not equal_nan else \
                np.testing.assert_array_equal(np.where(np.isnan(a), 0, a) if a.dtype.kind in "fc" else a,
                                              np.where(np.isnan(b), 0, b) if b.dtype.kind in "fc" else b)
            if a.dtype.kind in "fc":
                np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
        else:
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    elif isinstance(th, (tuple, list)):
        assert type(nt) is type(th) or isinstance(nt, type(th)), f"{type(nt)} != {type(th)}"
        assert len(nt) == len(th)
        for x, y in zip(nt, th):
            assert_same(x, y, strides=strides, equal_nan=equal_nan, exact=exact, rtol=rtol, atol=atol)
    elif isinstance(th, torch.dtype):
        assert str(nt) == str(th)
    else:
        assert type(nt) is type(th), f"{type(nt).__name__} != {type(th).__name__}"
        if isinstance(th, float) and th != th:
            assert nt != nt
        else:
            assert nt == th, f"{nt!r} != {th!r}"


def _norm_msg(msg):
    """Messages compare after the library name and pointer addresses are normalized."""
    msg = msg.replace("numtorch", "torch")
    return re.sub(r"0x[0-9a-f]+", "0x?", msg)


def same_error(fn_nt, fn_th, match_message=True, prefix=False):
    """Both callables raise; same exception class and (normalized) message. Returns the two exceptions."""
    with pytest.raises(Exception) as th_info:
        fn_th()
    with pytest.raises(Exception) as nt_info:
        fn_nt()
    e_th, e_nt = th_info.value, nt_info.value
    assert type(e_nt).__name__ == type(e_th).__name__, f"{type(e_nt).__name__}({e_nt}) vs " \
                                                       f"{type(e_th).__name__}({e_th})"
    assert isinstance(e_nt, type(e_th)) or type(e_th).__module__.startswith("torch"), \
        f"{type(e_nt)} is not a {type(e_th)}"
    if match_message:
        a, b = _norm_msg(str(e_nt)), _norm_msg(str(e_th))
        if prefix:
            assert b.startswith(a) or a.startswith(b), f"{a!r} vs {b!r}"
        else:
            assert a == b, f"\nours:  {a!r}\ntorch: {b!r}"
    return e_nt, e_th


def both(fn, *args, **kwargs):
    """fn(lib, *args) for lib in (numtorch, torch)."""
    return fn(numtorch, *args, **kwargs), fn(torch, *args, **kwargs)


def same_or_type_error(call, compare):
    """call(torch), then call(numtorch): when torch rejects the arguments with a TypeError numtorch must too;
    otherwise compare(numtorch's result, torch's)."""
    import numtorch
    try:
        expected = call(torch)
    except TypeError:
        with pytest.raises(TypeError):
            call(numtorch)
        return
    compare(call(numtorch), expected)


def outcome(fn):
    """('ok', value) or ('err', class name, message) of fn(); for tables of differential cases."""
    try:
        return ("ok", fn())
    except Exception as e:  # noqa: BLE001 - any error is a result to compare
        return ("err", type(e).__name__, _norm_msg(str(e)))


def same_result(f):
    """f(numtorch) and f(torch) give the same tensor (assert_same) or raise the same error (class, message)."""
    nt, th = outcome(lambda: f(numtorch)), outcome(lambda: f(torch))
    if th[0] == "err":
        assert nt == th
    else:
        assert nt[0] == "ok", nt
        assert_same(nt[1], th[1])
