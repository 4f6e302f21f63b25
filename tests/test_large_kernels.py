"""Large-input fast paths (BLAS-backed sum/mean, blocked std/var, max/argmax along a dim without a NaN
pass) agree with torch on the same inputs, within torch-compatible float tolerance."""
import numpy as np
import pytest
import torch

import numtorch

BIG = 1 << 20  # the size where the fast paths start
SIZES = [BIG, BIG + 4095, 3 * 10**6]


def _pair(x):
    return numtorch.from_numpy(x), torch.from_numpy(x)


def _close(a, b, rtol):
    assert str(a.dtype) == str(b.dtype) and tuple(a.shape) == tuple(b.shape)
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=rtol, atol=0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("op", ["sum", "mean"])
def test_sum_mean(op, n, dtype):
    x = np.random.default_rng(n).random(n).astype(dtype) + 0.5
    a, b = _pair(x)
    _close(getattr(a, op)(), getattr(b, op)(), 1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("op", ["std", "var"])
@pytest.mark.parametrize("kw", [{}, {"correction": 0}, {"dim": 0, "keepdim": True}])
def test_std_var(op, n, dtype, kw):
    x = (np.random.default_rng(n).standard_normal(n) * 3 + 5).astype(dtype)
    a, b = _pair(x)
    _close(getattr(a, op)(**kw), getattr(b, op)(**kw), 1e-5 if dtype == np.float32 else 1e-12)


def test_multidim_noncontiguous_and_grad():
    x = np.random.default_rng(0).random((1024, 1030), dtype=np.float32)
    for arr in (x, x.T, x[:, ::2].reshape(-1)):  # C-contiguous, transposed view, strided
        a, b = _pair(np.asarray(arr))
        for op in ("sum", "mean", "std", "var"):
            _close(getattr(a, op)(), getattr(b, op)(), 1e-5)
        dims = tuple(range(arr.ndim))
        _close(a.std(dims, keepdim=True), b.std(dims, keepdim=True), 1e-5)
    a = numtorch.tensor(x, requires_grad=True)
    b = torch.tensor(x, requires_grad=True)
    a.std().backward()
    b.std().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-4, atol=1e-12)


def test_special_values():
    x = np.random.default_rng(1).random(BIG + 7, dtype=np.float32)
    for v in (np.nan, np.inf, -np.inf):
        y = x.copy()
        y[12345] = v
        a, b = _pair(y)
        for op in ("sum", "mean", "std"):
            np.testing.assert_array_equal(getattr(a, op)().numpy(), getattr(b, op)().numpy())


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("op", ["max", "min", "argmax", "argmin"])
def test_extreme_along_dim_with_nans(op, dtype):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((600, 1000)).astype(dtype)
    x[rng.integers(0, 600, 50), rng.integers(0, 1000, 50)] = np.nan
    x[3, 5] = np.inf
    x[4, 6] = -np.inf
    a, b = _pair(x)
    for dim in (0, 1):
        r, e = getattr(a, op)(dim), getattr(b, op)(dim)
        if op in ("max", "min"):
            np.testing.assert_array_equal(r.values.numpy(), e.values.numpy())
            r, e = r.indices, e.indices
        np.testing.assert_array_equal(r.numpy(), e.numpy())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", SIZES)
def test_norm(n, dtype):
    # torch's float32 2-norm accumulates in float32 (off by ~4e-4 at 10^7 elements): compare with its float64
    x = np.random.default_rng(n).standard_normal(n).astype(dtype)
    a, b = _pair(x)
    for kw in ({}, {"dim": 0, "keepdim": True}):
        r, e = a.norm(**kw), b.double().norm(**kw).to(b.dtype)
        _close(r, e, 1e-5 if dtype == np.float32 else 1e-12)
    assert str(a.norm().dtype) == str(b.norm().dtype)
    np.testing.assert_allclose(a.norm().numpy(), b.norm().numpy(), rtol=2e-3)
