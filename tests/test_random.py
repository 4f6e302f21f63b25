"""The public random API against torch: same seed, same numbers, same layout, same errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from conftest import same_or_type_error

import numtorch


def same(nt, th):
    assert nt.dtype.name == str(th.dtype).split(".")[1]
    assert tuple(nt.shape) == tuple(th.shape)
    assert nt.stride() == th.stride()
    if th.dtype == torch.bfloat16:  # NumPy has no bfloat16 for either library: compare as float32
        nt, th = nt.float(), th.float()
    np.testing.assert_array_equal(nt.numpy(), th.numpy())


def both(fn, seed=1729):
    numtorch.manual_seed(seed)
    torch.manual_seed(seed)
    return fn(numtorch), fn(torch)


@pytest.mark.parametrize("call", [
    lambda m: m.rand(2, 3),
    lambda m: m.rand((4, 5), dtype=m.float64),
    lambda m: m.rand(17, dtype=m.float16),
    lambda m: m.rand(3, 3, dtype=m.bfloat16),
    lambda m: m.randn(2, 3),
    lambda m: m.randn(40, dtype=m.float64),
    lambda m: m.randn(5),
    lambda m: m.randint(0, 10, (3, 4)),
    lambda m: m.randint(5, (7,), dtype=m.int32),
    lambda m: m.randint(-100, 100, (2, 2), dtype=m.int16),
    lambda m: m.randperm(10),
    lambda m: m.randperm(5, dtype=m.int32),
    lambda m: m.normal(2.0, 3.0, size=(3, 2)),
    lambda m: m.empty(3, 4).uniform_(-2, 5),
    lambda m: m.empty(20).normal_(1.0, 0.5),
    lambda m: m.empty(4, 4, dtype=m.int64).random_(0, 7),
    lambda m: m.empty(6).exponential_(),
    lambda m: m.empty(6).bernoulli_(0.3),
    lambda m: m.empty(5, dtype=m.int64).geometric_(0.4),
    lambda m: m.empty(4, dtype=m.int8).random_(5, None),
    lambda m: m.empty(4, dtype=m.int16).random_(7),
    lambda m: m.empty(3, dtype=m.int32).random_(),
    lambda m: m.normal(m.zeros(3), 2.0),
    lambda m: m.normal(1.0, m.ones(20)),
    lambda m: m.normal(m.zeros(2, 18), m.ones(18)),
], ids=lambda f: f.__code__.co_consts[0] if f.__code__.co_consts else None)
def test_seeded_values_match(call):
    nt, th = both(call)
    same(nt, th)


def test_like_functions_fill_in_memory_order():
    for fn in (lambda m, x: m.rand_like(x), lambda m, x: m.randn_like(x),
               lambda m, x: m.randint_like(x, 0, 50)):
        nt_x, th_x = numtorch.ones(3, 20).t(), torch.ones(3, 20).t()
        numtorch.manual_seed(7)
        torch.manual_seed(7)
        same(fn(numtorch, nt_x), fn(torch, th_x))


def test_inplace_on_a_transposed_tensor():
    nt_x, th_x = numtorch.zeros(4, 6).t(), torch.zeros(4, 6).t()
    numtorch.manual_seed(3)
    torch.manual_seed(3)
    nt_x.uniform_()
    th_x.uniform_()
    same(nt_x, th_x)


def test_state_roundtrip_and_bytes():
    numtorch.manual_seed(11)
    torch.manual_seed(11)
    numtorch.rand(5)
    torch.rand(5)
    s_nt, s_th = numtorch.get_rng_state(), torch.get_rng_state()
    assert s_nt.dtype is numtorch.uint8 and s_nt.shape == s_th.shape
    np.testing.assert_array_equal(s_nt.numpy(), s_th.numpy())
    a = numtorch.rand(3)
    numtorch.set_rng_state(s_nt)
    np.testing.assert_array_equal(a.numpy(), numtorch.rand(3).numpy())
    assert numtorch.initial_seed() == torch.initial_seed() == 11


def test_generator_objects():
    g_nt = numtorch.Generator().manual_seed(42)
    g_th = torch.Generator().manual_seed(42)
    same(numtorch.rand(4, generator=g_nt), torch.rand(4, generator=g_th))
    same(numtorch.randn(18, generator=g_nt), torch.randn(18, generator=g_th))
    assert g_nt.initial_seed() == 42
    np.testing.assert_array_equal(g_nt.get_state().numpy(), g_th.get_state().numpy())
    # clone_state: an independent generator in the same state (cached normal and seed included)
    numtorch.randn(3, generator=g_nt), torch.randn(3, generator=g_th)
    c_nt, c_th = g_nt.clone_state(), g_th.clone_state()
    assert c_nt is not g_nt and c_nt.initial_seed() == c_th.initial_seed() == 42
    same(numtorch.randn(5, generator=c_nt), torch.randn(5, generator=c_th))
    same(numtorch.randn(5, generator=g_nt), torch.randn(5, generator=g_th))
    for name, args in (("get_offset", ()), ("set_offset", (3,)), ("graphsafe_get_state", ()),
                       ("graphsafe_set_state", (g_th,))):
        with pytest.raises(Exception) as th:
            getattr(g_th, name)(*args)
        with pytest.raises(type(th.value), match=str(th.value)):
            getattr(g_nt, name)(*args)


def test_out_is_the_same_object():
    nt_out, th_out = numtorch.zeros(2, 2), torch.zeros(2, 2)
    numtorch.manual_seed(5)
    torch.manual_seed(5)
    assert numtorch.rand(2, 2, out=nt_out) is nt_out
    torch.rand(2, 2, out=th_out)
    same(nt_out, th_out)


def test_fork_rng_restores_state():
    numtorch.manual_seed(9)
    with numtorch.random.fork_rng():
        numtorch.rand(10)
    a = numtorch.rand(3)
    numtorch.manual_seed(9)
    np.testing.assert_array_equal(a.numpy(), numtorch.rand(3).numpy())


def test_requires_grad_and_meta():
    t = numtorch.rand(2, 3, requires_grad=True)
    assert t.requires_grad and t.is_leaf
    m = numtorch.rand(2, 3, device="meta")
    assert m.is_meta and tuple(m.shape) == (2, 3)


@pytest.mark.parametrize("call", [
    lambda m: m.randint(10, size=(3,)),
    lambda m: m.randint(1, 5, size=(2,)),
    lambda m: m.randint(1, high=5, size=(2,)),
    lambda m: m.randint(low=1, high=5, size=(2,)),
    lambda m: m.randint(high=10, size=(3,)),
    lambda m: m.rand(size=(2, 3)),
    lambda m: m.randn(size=[4]),
    lambda m: m.empty(3).random_(to=5),
    lambda m: m.empty(3).random_(2, to=5),
    lambda m: m.empty(3).random_(**{"from": 2, "to": 5}),
    lambda m: m.empty(3, dtype=m.int16).random_(2, None),
    lambda m: m.empty(3).uniform_(to=3),
    lambda m: m.empty(3).uniform_(**{"from": -1}),
    lambda m: m.empty(3).uniform_(1, to=2),
    lambda m: m.empty(3).random_(**{"from": 2}),
    lambda m: m.empty(3).uniform_(a=1),
])
def test_argument_forms(call):
    """Keyword and positional forms of the factories' and samplers' arguments, as torch binds them: the
    same values (same seed), or both reject the call with a TypeError."""
    torch.manual_seed(4)
    numtorch.manual_seed(4)
    same_or_type_error(call, same)


@pytest.mark.parametrize("call", [
    lambda m: m.rand(2, dtype=m.int64),
    lambda m: m.randn(2, dtype=m.int32),
    lambda m: m.randint(5, 2, (3,)),
    lambda m: m.empty(3).uniform_(2, 1),
    lambda m: m.normal(0.0, -1.0, size=(2,)),
    lambda m: m.randperm(-1),
    lambda m: m.multinomial(m.tensor([1, 2]), 1),
    lambda m: m.multinomial(m.tensor([1.0, 2.0]), 0),
    lambda m: m.multinomial(m.tensor([float("nan"), 1.0]), 1),
    lambda m: m.multinomial(m.tensor([float("inf"), 1.0]), 2, True),
    lambda m: m.multinomial(m.tensor([float("nan"), 1.0]), 2, True),
    lambda m: m.multinomial(m.tensor([[1.0, 1.0], [0.0, 0.0]]), 1),
    lambda m: m.multinomial(m.tensor([[0.0, 0.0], [1.0, -1.0]]), 2, True),
    lambda m: m.multinomial(m.ones(0), 1, True),
    lambda m: m.poisson(m.tensor([1, 2])),
    lambda m: m.poisson(m.tensor([-1.0])),
    lambda m: m.bernoulli(m.tensor([0.5, float("nan")])),
    lambda m: m.bernoulli(m.tensor([1, 0])),
    lambda m: m.empty(3).bernoulli_(m.tensor([0.2, 2.0, 0.3])),
    lambda m: m.empty(3).exponential_(0),
    lambda m: m.empty(3).exponential_(float("nan")),
    lambda m: m.empty(3, dtype=m.int64).exponential_(),
    lambda m: m.empty(3).geometric_(1),
    lambda m: m.empty(3, dtype=m.bool).geometric_(0.5),
    lambda m: m.empty(3).log_normal_(0, -1),
    lambda m: m.empty(3).cauchy_(0, 0),
    lambda m: m.empty(3, dtype=m.int16).cauchy_(),
    lambda m: m.empty(3).normal_(0, float("nan")),
    lambda m: m.empty(3, dtype=m.int64).normal_(0, -1),
    lambda m: m.normal(m.zeros(3), m.ones(4)),
    lambda m: m.normal(m.zeros(3, dtype=m.int64), 1.0),
    lambda m: m.normal(m.zeros(2), -1.0),
    lambda m: m.empty(3, dtype=m.int8).random_(0, 300),
    lambda m: m.empty(3, dtype=m.uint8).random_(-1, 5),
    lambda m: m.empty(3, dtype=m.int8).random_(200, None),
    lambda m: m.empty(3).random_(2 ** 24, None),
    lambda m: m.empty(3, dtype=m.bfloat16).uniform_(-1e39, 1),
    lambda m: m.randint(0, 300, (3,), dtype=m.uint8),
    lambda m: m.randint(0, 2 ** 63, (3,)),
    lambda m: m.randint(3.5, (2,)),
    lambda m: m.randint(0, 2.5, (2,)),
    lambda m: m.randint_like(m.zeros(3), 10, dtype=m.bool),
    lambda m: m.randperm(3, dtype=m.bool),
    lambda m: m.randperm(129, dtype=m.int8),
    lambda m: m.randperm(2050, dtype=m.float16),
    lambda m: m.manual_seed(2 ** 64),
    lambda m: m.set_rng_state(m.zeros(10, dtype=m.uint8)),
    lambda m: m.set_rng_state(m.zeros(5056)),
    lambda m: m.rand_like(m.zeros(3, dtype=m.int64)),
    lambda m: m.randn_like(m.zeros(3, dtype=m.int64)),
])
def test_errors_match(call):
    with pytest.raises(Exception) as th:
        call(torch)
    with pytest.raises(type(th.value)) as nt:
        call(numtorch)
    assert str(nt.value).split(" ")[:3] == str(th.value).split(" ")[:3]


@pytest.mark.parametrize("call", [
    lambda m: m.empty(3).random_(0, 2 ** 25),
    lambda m: m.empty(3, dtype=m.float16).random_(2049, 2051),
    lambda m: m.randint(0, 2 ** 54, (2,), dtype=m.float64),
])
def test_imprecise_integer_ranges_warn(call):
    """Integers beyond 2**digits of a floating dtype: torch warns (the draw still happens), and so do we."""
    with pytest.warns(UserWarning) as th:
        call(torch)
    with pytest.warns(UserWarning) as nt:
        call(numtorch)
    assert str(th[0].message).startswith(str(nt[0].message))  # torch adds where in its C++ it warned
