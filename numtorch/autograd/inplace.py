"""History of in-place ops: a tensor modified in place takes the in-place op's node as its grad_fn.

Note [in-place on views]: when the modified tensor is a view, its base changed too, so the base's history
must route through the change (torch's CopySlices); see `views.rebase_view`. Callers only get here when
the op records (grad mode on and some operand requires grad), so a base that did not require grad joins
the graph, as in torch.
"""
from __future__ import annotations


def rebase_history(t, do_record):
    """Record the in-place op (via `do_record`, which sets `t._grad_fn`)."""
    base = t._base
    if base is not None:
        from .views import rebase_view
        rebase_view(t, base, do_record)
        return
    do_record()
