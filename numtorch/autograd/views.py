"""In-place ops on views: torch's CopySlices.

Note [CopySlices]: after `v = b[0]; v.mul_(2)` the base `b` changed too, so `b`'s history must route
through the in-place node. `rebase_view` records the in-place node `fn` on the view as usual, then wraps
it in a `CopySlices` node that becomes the base's grad_fn: its backward takes the base's gradient, runs
`fn`'s backward on the region the view covers, writes the result for the view's old value back into that
region, and passes `fn`'s other input gradients on. The view itself becomes `AsStridedBackward0` of the
new base. The region is located as flat positions in the base (`_positions`), computed from the arrays'
memory geometry, so any view (slice, transpose, diagonal, expand-free as_strided) works the same way.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _addr, wrap
from . import grad_mode
from .graph import Node, edge_of

_MULTI = ("is a view and is being modified inplace. This view is the output of a function that returns "
          "multiple views. Such functions do not allow the output views to be modified inplace. You should "
          "replace the inplace operation by an out-of-place one.")
_NO_GRAD = ("A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given "
            "that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by "
            "moving both the view and the inplace either both inside the no_grad block (if you don't want "
            "the inplace to be tracked) or both outside (if you want the inplace to be tracked).")
_LEAF_VIEW = "a view of a leaf Variable that requires grad is being used in an in-place operation."


def mark_multi_output_views(views):
    """Called by ops returning several views (unbind, split, chunk): in-place on them is refused."""
    for v in views:
        if isinstance(v, Tensor) and v._base is not None:
            v._multi_view = True
    return views


def check_view_inplace(view):
    """torch's checks before an in-place op on a view (grad mode on)."""
    base = view._base
    if getattr(view, "_multi_view", False) and view._grad_fn is not None:
        fn = view._grad_fn.name()
        op = fn[:-len("Backward0")] if fn.endswith("Backward0") else fn
        raise RuntimeError(f"Output {view._output_nr} of {op} {_MULTI}")
    if base._rg and view._grad_fn is None:
        raise RuntimeError(_NO_GRAD)
    if base._rg and base._grad_fn is None:
        raise RuntimeError(_LEAF_VIEW)


def rebase_view(view, base, do_record):
    """Record an in-place op on `view` (via `do_record`) and reroute `base`'s history through it."""
    check_view_inplace(view)
    old = edge_of(view)
    do_record()
    fn = view._grad_fn
    nf = fn.next_functions
    k = next((i for i, e in enumerate(nf) if e[0] is old[0] and e[1] == old[1]), 0)
    pos = _positions(base, view)
    cs = CopySlices()
    cs._fn = fn
    cs._k = k
    cs._pos = pos
    cs._base_meta = (base._data.shape, base._dtype, base._device)
    cs.next_functions = (edge_of(base),) + nf[:k] + nf[k + 1:]
    base._grad_fn = cs
    base._output_nr = 0
    base._rg = True
    vnode = AsStridedBackward0()
    vnode.next_functions = ((cs, 0),)
    vnode._pos = pos
    vnode._base_meta = cs._base_meta
    view._grad_fn = vnode
    view._output_nr = 0
    view._rg = True
    view._vv = view._vc[0]


def refresh_view(view):
    """A view whose base changed in place since its grad_fn was recorded gets torch's regenerated
    history: AsStridedBackward0 of the base's current history. Returns the (new) grad_fn."""
    base = view._base
    view._vv = view._vc[0]
    if not base._rg:
        return view._grad_fn
    vnode = AsStridedBackward0()
    vnode.next_functions = (edge_of(base),)
    vnode._pos = _positions(base, view)
    vnode._base_meta = (base._data.shape, base._dtype, base._device)
    view._grad_fn = vnode
    view._output_nr = 0
    return vnode


def _positions(base, view):
    """Flat positions in `base` of each element of `view` (an int64 array of view's shape)."""
    # pure geometry (addresses, strides), so it holds for any backend's arrays; the result is on the host
    b, v = base._data, view._data
    isz = b.itemsize
    root = base._st if base._st is not None else b
    r0 = _addr(root)
    bo = (_addr(b) - r0) // isz
    vo = (_addr(v) - r0) // isz
    bs = [s // isz for s in b.strides]
    vs = [s // isz for s in v.strides]
    ext = 1 + max(bo + sum((n - 1) * s for n, s in zip(b.shape, bs) if n), vo + sum(
        (n - 1) * s for n, s in zip(v.shape, vs) if n))
    buf = np.full(ext, -1, np.int64)
    st = np.lib.stride_tricks.as_strided
    st(buf[bo:], b.shape, [s * 8 for s in bs])[...] = np.arange(b.size).reshape(b.shape)
    return st(buf[vo:], v.shape, [s * 8 for s in vs]).copy()


# ---- differentiable gather / scatter over flat positions -----------------------------------------

def take(g, pos):
    """g.flatten()[pos], differentiable."""
    r = wrap(g._data.reshape(-1)[pos], g._dtype, g._device)
    if g._rg and grad_mode.state.enabled:
        n = _Take()
        n.next_functions = (edge_of(g),)
        n._pos, n._shape = pos, g._data.shape
        r._grad_fn, r._rg = n, True
    return r


def put(g, pos, shape):
    """zeros(shape) with g placed at flat positions `pos` (g has pos's shape), differentiable."""
    out = np.zeros(int(np.prod(shape)), g._data.dtype)
    # positions are distinct (a view written in place never overlaps itself), so assignment is the sum
    out[pos.reshape(-1)] = np.broadcast_to(g._data, pos.shape).reshape(-1)
    r = wrap(out.reshape(shape), g._dtype, g._device)
    if g._rg and grad_mode.state.enabled:
        n = _Put()
        n.next_functions = (edge_of(g),)
        n._pos = pos
        r._grad_fn, r._rg = n, True
    return r


class _Take(Node):
    def name(self):
        return "TakeBackward0"

    def apply(self, grads):
        return [put(grads[0], self._pos, self._shape)]


class _Put(Node):
    def name(self):
        return "PutBackward0"

    def apply(self, grads):
        return [take(grads[0], self._pos)]


class AsStridedBackward0(Node):
    """The grad_fn of a view modified in place: its gradient lands on its region of the base."""

    def apply(self, grads):
        return [put(grads[0], self._pos, self._base_meta[0])]


class CopySlices(Node):
    """The base's grad_fn after an in-place op on one of its views."""

    def name(self):
        return "torch::autograd::CopySlices"

    def apply(self, grads):
        g = grads[0]
        if g is None:
            from .._ops.creation import zeros
            shape, dt, dev = self._base_meta
            g = zeros(shape, dtype=dt, device=dev)
        pos = self._pos
        res = self._fn.apply([take(g, pos)])
        k = self._k
        mask = np.ones(g._data.shape, dtype=bool)
        mask.reshape(-1)[pos.reshape(-1)] = False
        # the region's old values are the view's old values: their gradient is what fn gave its self
        region = res[k]
        result = g * wrap(mask, _bool(), g._device)
        if region is not None:
            result = result + put(region, pos, g._data.shape)
        return [result] + list(res[:k]) + list(res[k + 1:])

    def release(self):
        self._fn.release()


def _bool():
    from .. import _dtype
    return _dtype.bool_
