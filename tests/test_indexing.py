"""__getitem__/__setitem__ and the index ops, differential against torch: values, shape, dtype, view-ness
and strides, errors (class + message), grad_fn names and gradients."""
import warnings

import numpy as np
import pytest
import torch

import numtorch as nt

RNG = np.random.default_rng(1)


def pair(x):
    return nt.tensor(x), torch.tensor(x)


def base3():
    return pair(RNG.standard_normal((3, 4, 5)))


def idx(m, v, dtype=None):
    """An index tensor in module `m` (numtorch or torch)."""
    return m.tensor(v) if dtype is None else m.tensor(v, dtype=getattr(m, dtype))


def same(r, e):
    if isinstance(e, (tuple, list)):
        assert len(r) == len(e)
        for x, y in zip(r, e):
            same(x, y)
        return
    assert tuple(r.shape) == tuple(e.shape)
    assert str(r.dtype) == str(e.dtype)
    np.testing.assert_allclose(r.numpy(), e.numpy(), rtol=1e-14, atol=1e-14)


KEYS = {
    "int": lambda m: 1,
    "neg_int": lambda m: -1,
    "tuple_ints": lambda m: (1, -2),
    "slice": lambda m: slice(1, None),
    "slice_step": lambda m: (slice(None), slice(None, None, 2)),
    "slice_clamped": lambda m: slice(-10, 10),
    "slice_empty": lambda m: slice(5, 2),
    "none": lambda m: None,
    "none_mid": lambda m: (0, None, slice(1, 3)),
    "ellipsis": lambda m: (Ellipsis, 1),
    "ellipsis_none": lambda m: (None, Ellipsis, None),
    "mask": lambda m: idx(m, RNG.standard_normal((3, 4)) > 0),
    "mask_full": lambda m: idx(m, RNG.standard_normal((3, 4, 5)) > 0),
    "mask_dim1": lambda m: (slice(None), idx(m, [True, False, True, True])),
    "long": lambda m: idx(m, [2, 0, 2]),
    "long_2d": lambda m: idx(m, [[0, 1], [2, -1]]),
    "list": lambda m: [0, 2],
    "two_adv": lambda m: (idx(m, [0, 2]), idx(m, [1, 3])),
    "adv_separated": lambda m: (idx(m, [0, 2]), slice(None), idx(m, [1, 3])),
    "adv_slice_adv_mid": lambda m: (slice(None), idx(m, [0, 1]), idx(m, [[1], [2]])),
    "adv_broadcast": lambda m: (idx(m, [[0], [2]]), idx(m, [1, 3])),
    "int_and_adv": lambda m: (1, slice(None), idx(m, [0, 4])),
    "int32": lambda m: idx(m, [1, 0], "int32"),
    "bool_scalar": lambda m: True,
    "empty_list": lambda m: idx(m, [], "int64"),
    "tensor_int_0d": lambda m: idx(m, 1),
}


@pytest.mark.parametrize("key", list(KEYS))
def test_getitem(key):
    a, ta = base3()
    state = RNG.bit_generator.state
    k = KEYS[key](nt)
    RNG.bit_generator.state = state
    tk = KEYS[key](torch)
    r, e = a[k], ta[tk]
    same(r, e)
    assert r._is_view() == e._is_view()
    if e._is_view() and e.numel():
        assert r.stride() == e.stride() and r.storage_offset() == e.storage_offset()


@pytest.mark.parametrize("key", list(KEYS))
def test_setitem(key):
    a, ta = base3()
    state = RNG.bit_generator.state
    k = KEYS[key](nt)
    RNG.bit_generator.state = state
    tk = KEYS[key](torch)
    a[k] = 7.5
    ta[tk] = 7.5
    same(a, ta)
    shape = tuple(ta[tk].shape)
    v = RNG.standard_normal(shape[-1:] if shape else ())
    a[k] = nt.tensor(v)
    ta[tk] = torch.tensor(v)
    same(a, ta)


def test_getitem_0dim_and_noncontiguous():
    x, tx = pair(np.array(3.5))
    same(x[None], tx[None])
    same(x[...], tx[...])
    same(x[x > 0], tx[tx > 0])
    a, ta = base3()
    a, ta = a.permute(2, 0, 1), ta.permute(2, 0, 1)
    for k in [(1,), (slice(None), 0), (Ellipsis, [0, 2])]:
        r, e = a[k], ta[k]
        same(r, e)
        if e._is_view():
            assert r.stride() == e.stride() and r.storage_offset() == e.storage_offset()


def test_setitem_views_and_broadcast():
    a, ta = base3()
    v, tv = a[1], ta[1]
    v[:, 2] = nt.tensor([1.0, 2.0, 3.0, 4.0])
    tv[:, 2] = torch.tensor([1.0, 2.0, 3.0, 4.0], dtype=torch.float64)
    same(a, ta)
    a[..., 0] = nt.tensor(np.arange(4.0))
    ta[..., 0] = torch.tensor(np.arange(4.0))
    same(a, ta)
    a[a > 0] = 0
    ta[ta > 0] = 0
    same(a, ta)
    b, tb = pair(np.arange(6))
    b[[0, 0, 1]] = nt.tensor([5, 6, 7])
    tb[[0, 0, 1]] = torch.tensor([5, 6, 7])
    same(b, tb)


ERRORS = [
    lambda m, t: t[3],
    lambda m, t: t[0, 0, 0, 0],
    lambda m, t: t[::-1],
    lambda m, t: t[:, ::0],
    lambda m, t: t[m.tensor([3])],
    lambda m, t: t[m.tensor([0.5])],
    lambda m, t: t[m.tensor([True, False])],
    lambda m, t: t[1.5],
    lambda m, t: t[0, 0, 0][0],
    lambda m, t: t.__setitem__((slice(None), 0), m.zeros(2)),
    lambda m, t: t[:, :, -6],
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(i):
    a, ta = base3()
    with pytest.raises(Exception) as exp:
        ERRORS[i](torch, ta)
    with pytest.raises(type(exp.value)) as got:
        ERRORS[i](nt, a)
    assert str(got.value) == str(exp.value)


def test_getitem_grad_fn_names():
    a, ta = base3()
    a, ta = a.requires_grad_() * 1, ta.requires_grad_() * 1
    for k in ["int", "slice", "none", "ellipsis", "long", "mask", "two_adv", "tuple_ints", "none_mid"]:
        r, e = a[KEYS[k](nt)] if k != "mask" else a[a > 0], ta[KEYS[k](torch)] if k != "mask" else ta[ta > 0]
        assert type(r.grad_fn).__name__ == type(e.grad_fn).__name__, k


@pytest.mark.parametrize("key", ["int", "slice_step", "none_mid", "long_2d", "adv_separated", "mask_dim1",
                                 "ellipsis"])
def test_getitem_gradient(key):
    x = RNG.standard_normal((3, 4, 5))
    a, ta = nt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    r, e = a[KEYS[key](nt)], ta[KEYS[key](torch)]
    g = RNG.standard_normal(tuple(e.shape))
    r.backward(nt.tensor(g))
    e.backward(torch.tensor(g))
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy())


# ---- index ops ------------------------------------------------------------------------------------

I0 = [0, 2, 0]
R2 = [[[0, 0, 1, 1, 2]]] * 2
OPS = {
    "index_select": lambda m, t: t.index_select(1, idx(m, [3, 0, 3])),
    "index_select_int32": lambda m, t: m.index_select(t, -1, idx(m, [1], "int32")),
    "gather": lambda m, t: t.gather(1, idx(m, [[[0, 1]], [[3, 3]], [[2, 0]]])),
    "gather_neg_dim": lambda m, t: m.gather(t, -1, idx(m, [[[4], [0]], [[1], [1]]])),
    "scatter_src": lambda m, t: t.scatter(0, idx(m, [[[0, 1, 2, 0, 1]]]), t[:1] * 10),
    "scatter_value": lambda m, t: t.scatter(2, idx(m, [[[0], [4]]]), -1.0),
    "scatter_add": lambda m, t: t.scatter_add(0, idx(m, [[[0, 0, 0, 0, 0]], [[0, 0, 0, 0, 0]]]), t[:2, :1]),
    "scatter_reduce_sum": lambda m, t: t.scatter_reduce(0, idx(m, R2), t[:2, :1], "sum"),
    "scatter_reduce_prod": lambda m, t: t.scatter_reduce(0, idx(m, R2), t[:2, :1], "prod"),
    "scatter_reduce_mean": lambda m, t: t.scatter_reduce(0, idx(m, R2), t[:2, :1], "mean",
                                                         include_self=False),
    "scatter_reduce_amax": lambda m, t: t.scatter_reduce(0, idx(m, R2), t[:2, :1], "amax"),
    "scatter_reduce_amin": lambda m, t: t.scatter_reduce(0, idx(m, R2), t[:2, :1], "amin",
                                                         include_self=False),
    "index_add": lambda m, t: t.index_add(0, idx(m, I0), t * 2, alpha=3),
    "index_copy": lambda m, t: t.index_copy(1, idx(m, [3, 1]), t[:, :2] * 5),
    "index_fill": lambda m, t: t.index_fill(2, idx(m, [0, 4]), 9.0),
    "index_fill_tensor": lambda m, t: t.index_fill(0, idx(m, [1]), m.tensor(2.0, dtype=m.float64)),
    "index_put": lambda m, t: t.index_put((idx(m, [0, 2]), idx(m, [1, 1])), m.tensor(5.0, dtype=m.float64)),
    "index_put_acc": lambda m, t: t.index_put((idx(m, [0, 0]),), t[:2], accumulate=True),
    "index_put_mask": lambda m, t: t.index_put((t > 0,), m.tensor(0.0, dtype=m.float64)),
    "masked_select": lambda m, t: t.masked_select(t > 0),
    "masked_select_bcast": lambda m, t: m.masked_select(t, t[0, 0] > 0),
    "masked_scatter": lambda m, t: t.masked_scatter(t > 0, t * 100),
    "take": lambda m, t: t.take(idx(m, [[0, 59], [-1, 7]])),
    "take_along_dim": lambda m, t: m.take_along_dim(t, idx(m, [[[0, 4]]]), 2),
    "take_along_dim_flat": lambda m, t: m.take_along_dim(t, idx(m, [3, 1])),
    "put": lambda m, t: t.put(idx(m, [0, 5]), m.tensor([1.0, 2.0], dtype=m.float64)),
    "put_acc": lambda m, t: t.put(idx(m, [0, 0]), m.tensor([1.0, 2.0], dtype=m.float64), accumulate=True),
    "nonzero": lambda m, t: (t > 0).nonzero(),
    "nonzero_tuple": lambda m, t: m.nonzero(t > 0, as_tuple=True),
    "nonzero_0d": lambda m, t: m.nonzero(t[0, 0, 0]),
    "nonzero_0d_tuple": lambda m, t: t[0, 0, 0].nonzero(as_tuple=True),
    "argwhere": lambda m, t: m.argwhere(t > 0.5),
    "where_1arg": lambda m, t: m.where(t > 0),
}


@pytest.mark.parametrize("op", list(OPS))
def test_index_ops(op):
    a, ta = base3()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same(OPS[op](nt, a), OPS[op](torch, ta))


INPLACE = {
    "scatter_": lambda m, t: t.scatter_(1, idx(m, [[[0, 1, 2, 3, 0]]]), 3.0),
    "scatter_reduce_add": lambda m, t: t.scatter_(1, idx(m, [[[0, 0, 2, 3, 0]]]), 3.0, reduce="add"),
    "scatter_reduce_mul": lambda m, t: t.scatter_(1, idx(m, [[[0, 0, 2, 3, 0]]]), t[:1, :1] * 2,
                                                  reduce="multiply"),
    "scatter_add_": lambda m, t: t.scatter_add_(1, idx(m, [[[0, 0, 2, 3, 0]]]), t[:1, :1] * 2),
    "scatter_reduce_": lambda m, t: t.scatter_reduce_(1, idx(m, [[[0, 0, 2, 3, 0]]]), t[:1, :1] * 2, "amax"),
    "index_add_": lambda m, t: t.index_add_(2, idx(m, [4, 4]), t[..., :2]),
    "index_copy_": lambda m, t: t.index_copy_(0, idx(m, [2]), t[:1] * 0),
    "index_fill_": lambda m, t: t.index_fill_(1, idx(m, [3]), -2.0),
    "index_put_": lambda m, t: t.index_put_((idx(m, [1]), idx(m, [0])), t[0, 0] * 3, accumulate=True),
    "masked_scatter_": lambda m, t: t.masked_scatter_(t < 0, t.flip(0)),
    "put_": lambda m, t: t.put_(idx(m, [1, 2, 1]), m.tensor([7.0, 8.0, 9.0], dtype=m.float64),
                                accumulate=True),
}


@pytest.mark.parametrize("op", list(INPLACE))
def test_inplace_index_ops(op):
    a, ta = base3()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r, e = INPLACE[op](nt, a), INPLACE[op](torch, ta)
    assert r is a and e is ta
    same(a, ta)


IERRORS = [
    lambda m, t: t.index_select(0, idx(m, [0, 5])),
    lambda m, t: t.index_select(0, idx(m, [[0]])),
    lambda m, t: t.index_select(0, idx(m, [0.0])),
    lambda m, t: t.gather(1, idx(m, [[[0, 5]]])),
    lambda m, t: t.gather(1, idx(m, [0])),
    lambda m, t: t.gather(1, idx(m, [[[0]]], "int16")),
    lambda m, t: t.gather(1, m.zeros(4, 1, 1, dtype=m.int64)),
    lambda m, t: t.scatter(1, idx(m, [[[0, 5]]]), 1.0),
    lambda m, t: t.scatter(1, idx(m, [[[0]]]), m.ones(1, 1, 1)),
    lambda m, t: t.scatter_reduce(1, idx(m, [[[0]]]), t, "foo"),
    lambda m, t: t.index_add(0, idx(m, [0, 2]), t),
    lambda m, t: t.index_copy(0, idx(m, [0, 2]), t),
    lambda m, t: t.index_fill(0, idx(m, [0]), m.tensor([1.0, 2.0])),
    lambda m, t: t.masked_select(m.ones(3, 4, 5)),
    lambda m, t: t.take(idx(m, [60])),
    lambda m, t: t.masked_scatter(t > -100, m.ones(3, dtype=m.float64)),
    lambda m, t: t.index_put((idx(m, [5]),), m.tensor(1.0, dtype=m.float64)),
    lambda m, t: t.put_(idx(m, [60]), m.tensor([1.0], dtype=m.float64)),
    lambda m, t: t.scatter(1, idx(m, [[[0]]]), 1.0, reduce="foo"),
    lambda m, t: t.index_add(0, idx(m, [5, 0]), t[:2]),
    lambda m, t: t.index_copy(0, idx(m, [5, 0]), t[:2]),
    lambda m, t: t.gather(3, idx(m, [[[0]]])),
]


@pytest.mark.parametrize("i", range(len(IERRORS)))
def test_index_op_errors(i):
    a, ta = base3()
    with pytest.raises(Exception) as exp:
        IERRORS[i](torch, ta)
    with pytest.raises(type(exp.value)) as got:
        IERRORS[i](nt, a)
    assert str(got.value) == str(exp.value)


GRADS = {
    "index_select": lambda m, t: t.index_select(1, idx(m, [3, 0, 3])),
    "gather": lambda m, t: t.gather(1, idx(m, [[[0, 1]], [[3, 3]], [[2, 0]]])),
    "scatter_src": lambda m, t: t.scatter(0, idx(m, [[[0, 1, 2, 0, 1]]]), t[:1, :1] * 10),
    "scatter_value": lambda m, t: t.scatter(2, idx(m, [[[0], [4]]]), -1.0),
    "scatter_add": lambda m, t: t.scatter_add(0, idx(m, [[[0, 0, 1, 0, 0]], [[2, 0, 0, 0, 0]]]), t[:2, :1]),
    "scatter_reduce_sum": lambda m, t: t.scatter_reduce(0, idx(m, R2), t[:2, :1], "sum"),
    "index_add": lambda m, t: t.index_add(0, idx(m, I0), t * 2, alpha=3),
    "index_copy": lambda m, t: t.index_copy(1, idx(m, [3, 1]), t[:, :2] * 5),
    "index_fill": lambda m, t: t.index_fill(2, idx(m, [0, 4]), 9.0),
    "index_put": lambda m, t: t.index_put((idx(m, [0, 2]), idx(m, [1, 1])), t[0, 0, :1]),
    "masked_select": lambda m, t: t.masked_select(t > 0),
    "masked_scatter": lambda m, t: t.masked_scatter(t > 0, t * 100),
    "take": lambda m, t: t.take(idx(m, [[0, 59], [-1, 0]])),
    "take_along_dim": lambda m, t: m.take_along_dim(t, idx(m, [[[0, 4]]]), 2),
    "put": lambda m, t: t.put(idx(m, [0, 5]), t[0, 0, :2]),
}


@pytest.mark.parametrize("op", list(GRADS))
def test_index_op_gradients(op):
    x = RNG.standard_normal((3, 4, 5))
    a, ta = nt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    r, e = GRADS[op](nt, a * 1), GRADS[op](torch, ta * 1)
    assert type(r.grad_fn).__name__ == type(e.grad_fn).__name__
    g = RNG.standard_normal(tuple(e.shape))
    r.backward(nt.tensor(g))
    e.backward(torch.tensor(g))
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_setitem_autograd():
    x = RNG.standard_normal((3, 4))
    a, ta = nt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    v, tv = nt.tensor(x[0], requires_grad=True), torch.tensor(x[0], requires_grad=True)
    b, tb = a * 2, ta * 2
    b[1] = v * 3
    tb[1] = tv * 3
    assert type(b.grad_fn).__name__ == type(tb.grad_fn).__name__
    b.sum().backward()
    tb.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy())
    np.testing.assert_allclose(v.grad.numpy(), tv.grad.numpy())
