"""NumPy bridge against torch: from_numpy/.numpy() share memory both ways, np.asarray(t), errors, warnings."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from conftest import assert_same, same_error

import numtorch


@pytest.mark.parametrize("dt", [np.float32, np.float64, np.int64, np.int8, np.uint8, np.bool_, np.complex128,
                                np.float16, np.int16, np.uint16])
def test_from_numpy_shares(dt):
    arr = np.zeros((2, 3), dt)
    t = numtorch.from_numpy(arr)
    assert_same(t, torch.from_numpy(np.zeros((2, 3), dt)), strides=True)
    arr[1, 2] = 1
    assert t[1, 2].item() == 1
    t[0, 0] = 1
    assert arr[0, 0] == 1
    back = t.numpy()
    assert np.shares_memory(back, arr)
    assert back.dtype == arr.dtype


def test_strided_arrays():
    arr = np.arange(12.0).reshape(3, 4)[:, ::2].T
    a, b = numtorch.from_numpy(arr), torch.from_numpy(arr)
    assert_same(a, b, strides=True)
    assert a.numpy().strides == b.numpy().strides
    same_error(lambda: numtorch.from_numpy(arr[::-1]), lambda: torch.from_numpy(arr[::-1]))
    same_error(lambda: numtorch.from_numpy(np.array(["a"])), lambda: torch.from_numpy(np.array(["a"])))
    same_error(lambda: numtorch.from_numpy(np.ones(2, np.float128 if hasattr(np, "float128") else object)),
               lambda: torch.from_numpy(np.ones(2, np.float128 if hasattr(np, "float128") else object)))
    z = np.zeros(0)
    assert_same(numtorch.from_numpy(z), torch.from_numpy(z))
    s = np.array(3.5)
    assert_same(numtorch.from_numpy(s), torch.from_numpy(s))


def test_numpy_method():
    t = numtorch.arange(6.0).reshape(2, 3).t()
    n = t.numpy()
    assert n.strides == torch.arange(6.0).reshape(2, 3).t().numpy().strides
    n[0, 0] = 42
    assert t[0, 0].item() == 42
    a, b = numtorch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    same_error(lambda: a.numpy(), lambda: b.numpy())
    assert np.array_equal(a.numpy(force=True), b.numpy(force=True))
    assert np.array_equal(a.detach().numpy(), np.ones(2, np.float32))
    same_error(lambda: numtorch.ones(2, device="meta").numpy(), lambda: torch.ones(2, device="meta").numpy(),
               match_message=False)
    same_error(lambda: numtorch.ones(2, dtype=numtorch.bfloat16).numpy(),
               lambda: torch.ones(2, dtype=torch.bfloat16).numpy())


def test_np_asarray_and_array():
    t = numtorch.arange(4, dtype=numtorch.int32)
    a = np.asarray(t)
    assert a.dtype == np.int32 and np.shares_memory(a, t.numpy())
    assert np.asarray(t, dtype=np.float64).dtype == np.float64
    assert np.array(t).tolist() == [0, 1, 2, 3]
    assert np.asarray(numtorch.tensor(2.5)).shape == ()
    # NumPy ops on tensors and tensors with arrays
    r = t + np.ones(4, np.int32)
    assert isinstance(r, numtorch.Tensor)
    # (torch raises for `ndarray + tensor`; ours defers to the tensor and returns one)
    assert isinstance(np.ones(4, np.int32) + t, numtorch.Tensor)


def test_non_writeable_warning():
    arr = np.ones(3)
    arr.flags.writeable = False
    with warnings.catch_warnings(record=True) as wa:
        warnings.simplefilter("always")
        a = numtorch.from_numpy(arr)
    arr2 = np.ones(3)
    arr2.flags.writeable = False
    with warnings.catch_warnings(record=True) as wb:
        warnings.simplefilter("always")
        torch.from_numpy(arr2)
    assert [w.category for w in wa] == [w.category for w in wb]
    assert [str(w.message).split(" (Triggered")[0] for w in wa] == \
        [str(w.message).split(" (Triggered")[0] for w in wb]
    assert_same(a, torch.ones(3, dtype=torch.float64))


def test_as_tensor_shares_numpy():
    arr = np.arange(3.0)
    t = numtorch.as_tensor(arr)
    arr[0] = 5
    assert t[0].item() == 5
    t2 = numtorch.tensor(arr)
    arr[0] = 6
    assert t2[0].item() == 5


def test_bfloat16_loads_ml_dtypes_on_first_use():
    """`import numtorch` leaves ml_dtypes (0.7 takes over half a second to import) until bfloat16 is used, and a
    bfloat16 array made with ml_dtypes converts before numtorch has touched bfloat16 itself."""
    import subprocess
    import sys
    code = ("import sys, numpy as np, numtorch\n"
            "assert 'ml_dtypes' not in sys.modules\n"
            "numtorch.manual_seed(0); numtorch.randn(20); numtorch.tensor([1.5, 2.0]).argmax()\n"
            "assert 'ml_dtypes' not in sys.modules\n"
            "import ml_dtypes\n"
            "t = numtorch.from_numpy(np.array([1.5, -2.0], ml_dtypes.bfloat16))\n"
            "print(t.dtype, t.tolist(), numtorch.ones(2, dtype=numtorch.bfloat16).sum().item())\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    t = torch.from_numpy(np.array([1.5, -2.0], np.float32)).to(torch.bfloat16)
    assert out.split() == [str(t.dtype), "[1.5,", "-2.0]", str(torch.ones(2, dtype=torch.bfloat16).sum().item())]
