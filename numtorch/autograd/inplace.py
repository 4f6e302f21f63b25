"""History of in-place ops: a tensor modified in place takes the in-place op's node as its grad_fn.

Note [in-place on views]: when the modified tensor is a view of a base that is part of a graph, the
base's history must route through the view's change (torch's CopySlices); see `rebase_history`.
"""
from __future__ import annotations


def rebase_history(t, do_record):
    """Record the in-place op (via `do_record`, which sets `t._grad_fn`)."""
    base = t._base
    if base is not None and (base._rg or t._rg):
        from .views import rebase_view
        rebase_view(t, base, do_record)
        return
    do_record()
