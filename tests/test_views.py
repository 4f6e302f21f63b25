"""Views and copying shape ops, differential against torch: values, shape, dtype, strides, storage offset,
storage sharing, writes through views, errors, grad_fn names, gradients."""
import warnings

import numpy as np
import pytest
import torch
from conftest import assert_same, same_or_type_error

import numtorch as nt

RNG = np.random.default_rng(0)


def _inputs(shape, kind="contig", dtype=np.float64):
    """The same data as (numtorch, torch) tensors, laid out as `kind` in both."""
    if kind == "contig":
        x = RNG.standard_normal(shape).astype(dtype)
        return nt.tensor(x), torch.tensor(x)
    if kind == "transposed":
        x = RNG.standard_normal(shape[::-1]).astype(dtype)
        return nt.tensor(x).permute(*range(len(shape) - 1, -1, -1)), \
            torch.tensor(x).permute(*range(len(shape) - 1, -1, -1))
    if kind == "sliced":
        x = RNG.standard_normal(tuple(2 * s + 1 for s in shape)).astype(dtype)
        key = tuple(slice(1, None, 2) for _ in shape)
        return nt.tensor(x)[key], torch.tensor(x)[key]
    if kind == "expanded":
        x = RNG.standard_normal((1,) + tuple(shape[1:])).astype(dtype)
        return nt.tensor(x).expand(*shape), torch.tensor(x).expand(*shape)
    raise ValueError(kind)


def _root(t):
    return t if t._base is None else t._base


def same(r, e, a=None, ta=None, view=None):
    """numtorch result `r` matches torch result `e` (and their relation to inputs `a`, `ta`)."""
    if isinstance(e, (tuple, list)):
        assert isinstance(r, (tuple, list)) and len(r) == len(e)
        for x, y in zip(r, e):
            same(x, y, a, ta, view)
        return
    assert tuple(r.shape) == tuple(e.shape)
    assert str(r.dtype) == str(e.dtype)
    np.testing.assert_array_equal(r.numpy(), e.numpy())
    if view is None and ta is not None:
        view = e._is_view() and e._base is _root(ta)
    if view:
        if e.numel():  # NumPy normalizes the strides of empty arrays (a known numtorch gap)
            assert r.stride() == e.stride()
        assert r.storage_offset() - a.storage_offset() == e.storage_offset() - ta.storage_offset()
        assert r._is_view() and r._base is _root(a)
    elif a is not None:
        assert not (r._is_view() and r._base is _root(a)) or r is a


KINDS = ["contig", "transposed", "sliced", "expanded"]

VIEW_CASES = {
    "view_flat": lambda m, t: t.view(-1),
    "view_2": lambda m, t: t.view(2, -1),
    "reshape_flat": lambda m, t: t.reshape(-1),
    "reshape_3d": lambda m, t: t.reshape(3, 1, -1),
    "flatten": lambda m, t: t.flatten(),
    "flatten_1": lambda m, t: t.flatten(1),
    "unflatten": lambda m, t: t.unflatten(0, (1, 3)),
    "squeeze": lambda m, t: t.unsqueeze(1).squeeze(),
    "squeeze_dims": lambda m, t: t.unsqueeze(0).unsqueeze(-1).squeeze((0, -1)),
    "unsqueeze": lambda m, t: t.unsqueeze(-1),
    "t": lambda m, t: t.t(),
    "T": lambda m, t: t.T,
    "mT": lambda m, t: t.mT,
    "H": lambda m, t: t.H,
    "mH": lambda m, t: t.mH,
    "adjoint": lambda m, t: t.adjoint(),
    "transpose": lambda m, t: t.transpose(0, 1),
    "swapaxes": lambda m, t: m.swapaxes(t, 0, 1),
    "swapdims": lambda m, t: t.swapdims(1, 0),
    "permute": lambda m, t: t.permute(1, 0),
    "movedim": lambda m, t: t.movedim(0, -1),
    "moveaxis": lambda m, t: m.moveaxis(t, (0, 1), (1, 0)),
    "expand": lambda m, t: t.expand(2, 3, 4),
    "expand_as": lambda m, t: t[:1].expand_as(t),
    "narrow": lambda m, t: t.narrow(1, 1, 2),
    "narrow_neg": lambda m, t: m.narrow(t, 0, -2, 2),
    "select": lambda m, t: t.select(1, -1),
    "unfold": lambda m, t: t.unfold(1, 2, 1),
    "unfold_step": lambda m, t: t.unfold(0, 2, 2),
    "diagonal": lambda m, t: t.diagonal(),
    "diagonal_off": lambda m, t: t.diagonal(1),
    "diagonal_neg": lambda m, t: m.diagonal(t, -1, 1, 0),
    "as_strided": lambda m, t: t.as_strided((2, 2), (1, 2)),
    "as_strided_off": lambda m, t: m.as_strided(t, (2,), (3,), 1),
    "unbind": lambda m, t: t.unbind(1),
    "split": lambda m, t: t.split(3, 1),
    "split_sizes": lambda m, t: t.split([1, 3], 1),
    "chunk": lambda m, t: t.chunk(3, 1),
    "tensor_split": lambda m, t: t.tensor_split(3, 1),
    "tensor_split_idx": lambda m, t: t.tensor_split([1, -1], 1),
    "hsplit": lambda m, t: t.hsplit(2),
    "vsplit": lambda m, t: t.vsplit([1]),
    "getitem_int": lambda m, t: t[1],
    "getitem_slice": lambda m, t: t[:, 1::2],
    "getitem_none": lambda m, t: t[None, ..., 0],
    "broadcast_to": lambda m, t: m.broadcast_to(t, (2, 3, 4)),
    "atleast_3d": lambda m, t: m.atleast_3d(t),
    "meshgrid": lambda m, t: m.meshgrid(t[0], t[1], indexing="xy"),
    "detach": lambda m, t: t.detach(),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", list(VIEW_CASES))
def test_view_geometry(case, kind):
    fn = VIEW_CASES[case]
    a, ta = _inputs((3, 4), kind)
    try:
        e = fn(torch, ta)
    except RuntimeError as err:
        with pytest.raises(RuntimeError) as got:
            fn(nt, a)
        assert str(got.value) == str(err)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = fn(nt, a)
    same(r, e, a, ta)


@pytest.mark.parametrize("case", ["view_flat", "reshape_flat", "unsqueeze", "t", "T", "permute", "expand",
                                  "narrow", "select", "unfold", "diagonal", "as_strided", "split",
                                  "getitem_slice", "flatten", "squeeze", "getitem_none"])
def test_write_through(case):
    """Writes through the base show in the view; writes through the view show in the base."""
    fn = VIEW_CASES[case]
    a, ta = _inputs((3, 4))
    r, e = fn(nt, a), fn(torch, ta)
    a.mul_(2)
    ta.mul_(2)
    same(r, e)
    rs = r if isinstance(r, tuple) else (r,)
    es = e if isinstance(e, tuple) else (e,)
    if case not in ("expand", "unfold", "as_strided"):  # overlapping views reject in-place writes
        rs[0].add_(1)
        es[0].add_(1)
        same(a, ta)
        same(rs[-1], es[-1])


@pytest.mark.parametrize("shape", [(), (0,), (1,), (2, 0, 3), (1, 1)])
def test_degenerate_shapes(shape):
    a, ta = nt.zeros(shape, dtype=nt.float64), torch.zeros(shape, dtype=torch.float64)
    for fn in (lambda m, t: t.view(-1), lambda m, t: t.reshape(-1), lambda m, t: t.flatten(),
               lambda m, t: t.unsqueeze(0), lambda m, t: t.squeeze(),
               lambda m, t: t.t() if t.dim() <= 2 else t,
               lambda m, t: t.expand(2, *t.shape), lambda m, t: t[None], lambda m, t: t[...],
               lambda m, t: t.unfold(0, 1, 1), lambda m, t: t.movedim(0, -1) if t.dim() else t,
               lambda m, t: t.as_strided(t.shape, t.stride())):
        try:
            e = fn(torch, ta)
        except RuntimeError as err:
            with pytest.raises(RuntimeError, match=str(err)):
                fn(nt, a)
            continue
        same(fn(nt, a), e, a, ta)


def test_flatten_identity_and_reshape_copy():
    a, ta = _inputs((12,))
    assert a.flatten() is a and ta.flatten() is ta
    b, tb = _inputs((3, 4), "transposed")
    assert not b.reshape(-1)._is_view() and not tb.reshape(-1)._is_view()
    assert b.reshape(4, 3)._is_view() == tb.reshape(4, 3)._is_view()
    c, tc = _inputs((3, 4), "sliced")
    for shape in [(12,), (3, 2, 2), (1, 3, 4, 1)]:
        assert c.reshape(shape)._is_view() == tc.reshape(shape)._is_view()


def test_view_dtype_and_complex_parts():
    a, ta = _inputs((3, 4))
    same(a.view(nt.int64), ta.view(torch.int64), a, ta)
    same(a.view(nt.float32), ta.view(torch.float32), a, ta)
    x = (RNG.standard_normal((3, 2)) + 1j * RNG.standard_normal((3, 2)))
    c, tc = nt.tensor(x), torch.tensor(x)
    same(c.real, tc.real, c, tc)
    same(c.imag, tc.imag, c, tc)
    c.imag.mul_(3)
    tc.imag.mul_(3)
    same(c, tc)
    same(c.view(nt.float64), tc.view(torch.float64), c, tc)
    assert a.real is a


def test_inplace_geometry():
    a, ta = _inputs((3, 1, 4))
    for fn in (lambda t: t.squeeze_(1), lambda t: t.unsqueeze_(0), lambda t: t.transpose_(0, 2),
               lambda t: t.squeeze_().t_(), lambda t: t.as_strided_((2, 2), (1, 2), 1)):
        b, tb = a.clone(), ta.clone()
        assert fn(b) is b and fn(tb) is tb
        same(b, tb)
        assert b.stride() == tb.stride() and b.storage_offset() == tb.storage_offset()


def test_meta_views():
    m, tm = nt.empty(3, 4, device="meta"), torch.empty(3, 4, device="meta")
    for name in ["view_flat", "t", "permute", "narrow", "select", "unfold", "diagonal_off", "as_strided_off",
                 "expand", "getitem_slice", "movedim", "split"]:
        r, e = VIEW_CASES[name](nt, m), VIEW_CASES[name](torch, tm)
        rs, es = (r, e) if isinstance(r, tuple) else ((r,), (e,))
        for x, y in zip(rs, es):
            assert tuple(x.shape) == tuple(y.shape) and x.stride() == y.stride()
            assert x.storage_offset() == y.storage_offset() and x.is_meta


ERRORS = [
    lambda m, t: t.view(5, -1),
    lambda m, t: t.t().view(-1),
    lambda m, t: t.view(-1, -1),
    lambda m, t: t.narrow(0, 5, 1),
    lambda m, t: t.narrow(0, 1, 5),
    lambda m, t: t.select(0, 5),
    lambda m, t: t.select(2, 0),
    lambda m, t: t.unfold(1, 5, 1),
    lambda m, t: t.unfold(1, 2, 0),
    lambda m, t: t.split(0),
    lambda m, t: t.split([1, 1]),
    lambda m, t: t.chunk(0),
    lambda m, t: t.unflatten(1, (3, 2)),
    lambda m, t: t.movedim((0, 1), (0,)),
    lambda m, t: t.diagonal(0, 0, 0),
    lambda m, t: t[0].hsplit(3),
    lambda m, t: t[0].vsplit(1),
    lambda m, t: t.tensor_split(0),
    lambda m, t: t.flatten(1, 0),
    lambda m, t: t.expand(2, 3),
    lambda m, t: t.permute(0, 0),
    lambda m, t: t.permute(0),
    lambda m, t: t[0].mT,
    lambda m, t: t[0].H,
    lambda m, t: t.unsqueeze(0).H,
    lambda m, t: t[0].adjoint(),
    lambda m, t: t.imag,
    lambda m, t: t[0, 0].unbind(),
    lambda m, t: t.transpose(0, 2),
    lambda m, t: t[:, :-1].view(m.float64 if m is nt else torch.float64) and t.view(m.complex128),
    lambda m, t: t.float()[:, ::2].view(m.float64),
    lambda m, t: t.as_strided((3, 4), (4, 1), 5),
    lambda m, t: m.cat([]),
    lambda m, t: m.cat([t, t[0]]),
    lambda m, t: m.cat([t, t[:, :2]], 0),
    lambda m, t: m.cat([t[0, 0], t[0, 0]]),
    lambda m, t: m.stack([t, t[0]]),
    lambda m, t: m.stack([]),
    lambda m, t: t.flip(0, 0),
    lambda m, t: t.roll((1, 2), 0),
    lambda m, t: t.rot90(1, (0, 0)),
    lambda m, t: t.repeat(2),
    lambda m, t: t[0].tril(),
    lambda m, t: m.block_diag(t[None]),
    lambda m, t: m.combinations(t),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(i):
    fn = ERRORS[i]
    a, ta = _inputs((3, 4))
    with pytest.raises(Exception) as exp:
        fn(torch, ta)
    with pytest.raises(type(exp.value)) as got:
        fn(nt, a)
    assert str(got.value) == str(exp.value)


SHAPE_CASES = {
    "cat0": lambda m, t: m.cat([t, t * 2], 0),
    "cat1": lambda m, t: m.concat([t, t[:, :1]], dim=-1),
    "cat_promote": lambda m, t: m.cat([t.float(), t.long(), t.int()]),
    "cat_empty_legacy": lambda m, t: m.cat([t, m.tensor([])]),
    "concatenate": lambda m, t: m.concatenate([t, t], axis=1),
    "stack": lambda m, t: m.stack([t, t + 1], 1),
    "stack_last": lambda m, t: m.stack([t, t], -1),
    "hstack": lambda m, t: m.hstack([t, t]),
    "hstack1": lambda m, t: m.hstack([t[0], t[1]]),
    "vstack": lambda m, t: m.vstack([t[0], t[1]]),
    "row_stack": lambda m, t: m.row_stack([t, t]),
    "dstack": lambda m, t: m.dstack([t, t]),
    "column_stack": lambda m, t: m.column_stack([t[0], t[1], t[2]]),
    "column_stack2": lambda m, t: m.column_stack([t, t[:, 0]]),
    "flip": lambda m, t: t.flip(0, 1),
    "fliplr": lambda m, t: t.fliplr(),
    "flipud": lambda m, t: m.flipud(t),
    "roll": lambda m, t: t.roll(1),
    "roll_dims": lambda m, t: t.roll((1, -1), (0, 1)),
    "rot90": lambda m, t: t.rot90(),
    "rot90_3": lambda m, t: t.rot90(3, (1, 0)),
    "rot90_2": lambda m, t: t.rot90(2),
    "repeat": lambda m, t: t.repeat(2, 1, 3),
    "tile": lambda m, t: t.tile((2,)),
    "repeat_interleave": lambda m, t: t.repeat_interleave(2),
    "repeat_interleave_dim": lambda m, t: t.repeat_interleave(m.tensor([1, 0, 2]), dim=0),
    "repeat_interleave_1arg": lambda m, t: m.repeat_interleave(m.tensor([1, 0, 2])),
    "broadcast_tensors": lambda m, t: m.broadcast_tensors(t, t[0], t[:, :1]),
    "atleast_1d": lambda m, t: m.atleast_1d(t[0, 0]),
    "atleast_2d": lambda m, t: m.atleast_2d(t[0], t),
    "atleast_3d_0": lambda m, t: m.atleast_3d(t[0, 0]),
    "tril": lambda m, t: t.tril(),
    "triu": lambda m, t: t.triu(1),
    "tril_neg": lambda m, t: m.tril(t, -1),
    "diag1": lambda m, t: t[0].diag(),
    "diag1_off": lambda m, t: m.diag(t[0], -2),
    "diag2": lambda m, t: t.diag(1),
    "diag_embed": lambda m, t: t.diag_embed(),
    "diag_embed_off": lambda m, t: m.diag_embed(t, 1, 0, 2),
    "diagflat": lambda m, t: t.diagflat(),
    "block_diag": lambda m, t: m.block_diag(t, t[0], t[0, 0]),
    "meshgrid_ij": lambda m, t: m.meshgrid(t[0], t[1, :2], indexing="ij"),
    "cartesian_prod": lambda m, t: m.cartesian_prod(t[0], t[1, :2]),
    "combinations": lambda m, t: m.combinations(t[0]),
    "combinations_rep": lambda m, t: m.combinations(t[0], 3, with_replacement=True),
}


@pytest.mark.parametrize("kind", ["contig", "transposed", "expanded"])
@pytest.mark.parametrize("case", list(SHAPE_CASES))
def test_shape_ops(case, kind):
    a, ta = _inputs((3, 4), kind)
    e = SHAPE_CASES[case](torch, ta)
    r = SHAPE_CASES[case](nt, a)
    same(r, e, a, ta)


def test_meshgrid_warns():
    a = nt.tensor([1, 2])
    with pytest.warns(UserWarning, match="indexing argument"):
        nt.meshgrid(a, a)


def test_cat_out():
    a, ta = _inputs((2, 3))
    o, to = nt.empty(0, dtype=nt.float64), torch.empty(0, dtype=torch.float64)
    assert nt.cat([a, a], out=o) is o
    torch.cat([ta, ta], out=to)
    same(o, to)


GRAD_CASES = {
    "view": lambda m, t: t.view(-1),
    "reshape_copy": lambda m, t: t.t().reshape(-1),
    "select": lambda m, t: t.select(1, 2),
    "narrow": lambda m, t: t.narrow(0, 1, 2),
    "diagonal": lambda m, t: t.diagonal(1),
    "unfold": lambda m, t: t.unfold(1, 2, 1),
    "as_strided": lambda m, t: t.as_strided((2, 3), (1, 2), 1),
    "expand": lambda m, t: t.expand(2, 3, 4),
    "permute": lambda m, t: t.permute(1, 0),
    "unbind": lambda m, t: t.unbind(1)[2],
    "split": lambda m, t: m.stack(t.split(2, 1)[::-1]),
    "split_sizes": lambda m, t: t.split([1, 3], 1)[1],
    "chunk": lambda m, t: t.chunk(2)[0],
    "tensor_split": lambda m, t: t.tensor_split(2, 1)[1],
    "cat": lambda m, t: m.cat([t, t * 2], 1),
    "stack": lambda m, t: m.stack([t, t[0].expand(3, 4)]),
    "flip": lambda m, t: t.flip(1),
    "roll": lambda m, t: t.roll(1, 0),
    "repeat": lambda m, t: t.repeat(2, 1, 2),
    "tril": lambda m, t: t.tril(),
    "diag_embed": lambda m, t: t.diag_embed(),
    "block_diag": lambda m, t: m.block_diag(t, t[0]),
    "movedim": lambda m, t: t.movedim(0, 1),
}


@pytest.mark.parametrize("case", list(GRAD_CASES))
def test_gradients(case):
    fn = GRAD_CASES[case]
    x = RNG.standard_normal((3, 4))
    a, ta = nt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    r, e = fn(nt, a * 1), fn(torch, ta * 1)
    assert type(r.grad_fn).__name__ == type(e.grad_fn).__name__
    g = RNG.standard_normal(tuple(e.shape))
    r.backward(nt.tensor(g))
    e.backward(torch.tensor(g))
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy())


def test_grad_fn_names():
    x = RNG.standard_normal((3, 4))
    a, ta = nt.tensor(x, requires_grad=True) * 1, torch.tensor(x, requires_grad=True) * 1
    for fn in list(VIEW_CASES.values()) + list(SHAPE_CASES.values()):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                e = fn(torch, ta)
            except RuntimeError:
                continue
            r = fn(nt, a)
        rs, es = (r, e) if isinstance(e, (tuple, list)) else ((r,), (e,))
        for x1, y1 in zip(rs, es):
            assert type(x1.grad_fn).__name__ == type(y1.grad_fn).__name__


@pytest.mark.parametrize("call", [
    lambda m: m.arange(6).view(size=(2, 3)),
    lambda m: m.arange(6).reshape(shape=(2, 3)),
    lambda m: m.reshape(m.arange(6), shape=(3, 2)),
    lambda m: m.arange(6).view(2, 3).permute(dims=(1, 0)),
    lambda m: m.permute(m.arange(6).view(2, 3), dims=(1, 0)),
    lambda m: m.zeros(1, 2).expand(size=(3, 2)),
    lambda m: m.arange(3).repeat(repeats=(2,)),
    lambda m: m.arange(6).split(split_size=2),
    lambda m: m.split(m.arange(6), split_size_or_sections=4),
    lambda m: m.zeros(2).new_zeros(size=(3,)),
    lambda m: m.zeros(2).new_ones(size=[2, 2]),
    lambda m: m.arange(6).view(2, 3, size=(2, 3)),
    lambda m: m.arange(6).split(),
])
def test_shape_keywords(call):
    """The shape arguments of view/reshape/permute/expand/repeat/split/new_* given by keyword, as torch
    names them; both at once, or none where one is required, is a TypeError in both."""
    def compare(got, expected):
        if isinstance(expected, tuple):
            assert len(got) == len(expected)
            for a, b in zip(got, expected):
                assert_same(a, b)
        else:
            assert_same(got, expected)
    same_or_type_error(call, compare)
