"""Devices against torch: torch.device parsing and protocol, cuda/accelerator queries without a GPU, our own
clear error when CUDA is asked for without CuPy/GPU, the meta device, device mixing. CUDA tests need a GPU."""
from __future__ import annotations

import pickle

import pytest
import torch
from conftest import assert_same, outcome, same_error

import numtorch

HAS_CUDA = numtorch.cuda.is_available()
cuda_only = pytest.mark.skipif(not HAS_CUDA, reason="needs CuPy and a GPU")


@pytest.mark.parametrize("spec", ["cpu", "cuda", "cuda:1", "meta", "cpu:0", "cuda:0", ("cuda", 1), ("cpu",),
                                  ("cuda", 0)])
def test_device_parsing(spec):
    args = spec if isinstance(spec, tuple) else (spec,)
    a, b = numtorch.device(*args), torch.device(*args)
    assert (repr(a), str(a), a.type, a.index) == (repr(b), str(b), b.type, b.index)
    assert numtorch.device(a) == a and hash(numtorch.device(*args)) == hash(a)
    assert pickle.loads(pickle.dumps(a)) == a


@pytest.mark.parametrize("spec", ["gpu", "cuda:-1", "cuda:x", "", "cuda:1:2", "CPU", "cuda: 1", 5.0])
def test_device_errors(spec):
    a, b = outcome(lambda: numtorch.device(spec)), outcome(lambda: torch.device(spec))
    assert a[0] == b[0] and a[1:2] == b[1:2], (a, b)
    assert a == b or spec == 5.0, (a, b)  # torch lists its overloads for a float


def test_device_equality_and_misc():
    assert numtorch.device("cpu") == numtorch.device("cpu")
    assert numtorch.device("cuda") != numtorch.device("cuda:0")
    assert numtorch.device("cpu") != "cpu" or torch.device("cpu") == "cpu"
    assert (numtorch.device("cpu") == "cpu") == (torch.device("cpu") == "cpu")
    same_error(lambda: numtorch.device("cuda", "x"), lambda: torch.device("cuda", "x"), match_message=False)
    same_error(lambda: numtorch.device("cuda:1", 1), lambda: torch.device("cuda:1", 1))
    same_error(lambda: setattr(numtorch.device("cpu"), "type", "cuda"),
               lambda: setattr(torch.device("cpu"), "type", "cuda"), match_message=False)
    assert numtorch.ones(2).device == numtorch.device("cpu")
    assert numtorch.ones(2).is_cpu and not numtorch.ones(2).is_cuda and not numtorch.ones(2).is_meta
    assert numtorch.ones(2).get_device() == torch.ones(2).get_device()


@pytest.mark.skipif(HAS_CUDA, reason="checks the no-GPU answers")
def test_no_gpu_queries():
    assert numtorch.cuda.is_available() is False
    assert numtorch.cuda.device_count() == 0
    assert numtorch.accelerator.is_available() is False
    assert numtorch.accelerator.current_accelerator() is None


@pytest.mark.skipif(HAS_CUDA, reason="checks the no-GPU answers")
def test_cuda_request_without_gpu_is_clear():
    for f in (lambda: numtorch.ones(2, device="cuda"), lambda: numtorch.ones(2).cuda(),
              lambda: numtorch.ones(2).to("cuda"),
              lambda: numtorch.zeros(2, device=numtorch.device("cuda:0")),
              lambda: numtorch.tensor([1.0], device="cuda")):
        with pytest.raises(RuntimeError) as info:
            f()
        msg = str(info.value)
        # ours must say what is missing (CuPy or a GPU), not torch's "not compiled with CUDA"
        assert "CuPy" in msg or "cupy" in msg or "GPU" in msg, msg


# ---- meta ----------------------------------------------------------------------------------------------

def test_meta_tensors():
    a, b = numtorch.empty(2, 3, device="meta"), torch.empty(2, 3, device="meta")
    assert_same(a, b, strides=True)
    assert a.is_meta and a.device.type == "meta"
    assert repr(a) == repr(b)
    assert repr(numtorch.ones(2, dtype=numtorch.int64, device="meta")) == \
        repr(torch.ones(2, dtype=torch.int64, device="meta"))
    for f in (lambda x: x + 1, lambda x: x * x, lambda x: x.sum(), lambda x: x.exp(), lambda x: x.t(),
              lambda x: x.reshape(3, 2), lambda x: x[0],
              lambda x: x.to(torch.float64 if isinstance(x, torch.Tensor) else numtorch.float64),
              lambda x: x > 0, lambda x: -x, lambda x: x.clone()):
        assert_same(f(a), f(b))
    same_error(lambda: a.item(), lambda: b.item())
    assert_same(numtorch.zeros_like(a), torch.zeros_like(b))
    m = numtorch.ones(2, 3).to("meta")
    assert m.is_meta and m.shape == (2, 3)


def test_device_mixing():
    a, b = outcome(lambda: numtorch.ones(2, device="meta") + numtorch.ones(2)), \
        outcome(lambda: torch.ones(2, device="meta") + torch.ones(2))
    assert a[0] == b[0] == "err" and a[1] == b[1], (a, b)
    assert "device" in a[2]
    # a 0-dim CPU tensor may join any device, as in torch
    c = numtorch.ones(2, device="meta") + numtorch.tensor(1.0)
    d = torch.ones(2, device="meta") + torch.tensor(1.0)
    assert_same(c, d)


# ---- CUDA (only with a GPU) ----------------------------------------------------------------------------

@cuda_only
def test_cuda_roundtrip():
    a = numtorch.arange(6.0).reshape(2, 3).cuda()
    assert a.is_cuda and a.device == numtorch.device("cuda", 0) and str(a.device) == "cuda:0"
    assert a.cpu().tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert ((a + 1) * 2).cpu().tolist() == [[2.0, 4.0, 6.0], [8.0, 10.0, 12.0]]
    assert a.sum().item() == 15.0
    assert numtorch.zeros(2, device="cuda").device.type == "cuda"


@cuda_only
def test_cuda_mixing_error():
    a, b = numtorch.ones(2, device="cuda"), numtorch.ones(2)
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        a + b
    assert (a + numtorch.tensor(1.0)).is_cuda  # 0-dim CPU joins


def test_pinned_memory_without_accelerator():
    for L in (torch, numtorch):
        assert L.ones(2).is_pinned() is False
    if not numtorch.cuda.is_available() and not torch.cuda.is_available():
        for L in (torch, numtorch):
            with pytest.raises(RuntimeError, match="Cannot access accelerator device"):
                L.ones(2).pin_memory()


def test_cuda_memory_queries_without_gpu():
    """Without a GPU, torch's CPU build reports no CUDA memory and no bfloat16 support; so does numtorch."""
    if numtorch.cuda.is_available():
        pytest.skip("a GPU is present")
    for name in ("memory_allocated", "memory_reserved", "max_memory_allocated"):
        assert getattr(numtorch.cuda, name)() == getattr(torch.cuda, name)() == 0
    assert numtorch.cuda.is_bf16_supported() is torch.cuda.is_bf16_supported() is False
    assert numtorch.cuda.reset_peak_memory_stats() is None
