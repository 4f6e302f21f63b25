"""The backward engine: dependency counting, then a ready queue, no recursion.

Note [engine order]: among ready nodes the most recently created runs first (a max-heap on the
sequence number), which is torch's order on one device, so hooks fire in the same order.
"""
from __future__ import annotations

import heapq

import numpy as np

from .._device import CPU
from .._tensor import Tensor, wrap
from . import grad_mode
from .anomaly_mode import check_nan
from .anomaly_mode import state as _anomaly
from .graph import AccumulateGrad, _store_retained, edge_of
from .graph import accumulate as _accumulate


def _root_edges(tensors, grads):
    edges = []
    for i, t in enumerate(tensors):
        if not t._rg:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        edges.append(edge_of(t))
    return edges


def _make_grads(tensors, grads, create_graph):
    out = []
    for i, (t, g) in enumerate(zip(tensors, grads)):
        if g is None:
            if t._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if not t._dtype.is_floating_point:
                raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got "
                                   f"{t._dtype}")
            dt = t._dtype
            g = wrap(np.ones(t._data.shape, dt.np), dt, CPU) if t._device is CPU else _ones_like(t)
        elif not isinstance(g, Tensor):
            from .._ops.creation import tensor
            g = tensor(g, dtype=t._dtype, device=t._device)
        else:
            if g._data.shape != t._data.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {_sz(g)} and "
                                   f"output[{i}] has a shape of {_sz(t)}.")
            if g._dtype.is_complex != t._dtype.is_complex:
                raise RuntimeError("For complex Tensors, both grad_output and output are required to have "
                                   f"the same dtype. Mismatch in dtype: grad_output[{i}] has a dtype of "
                                   f"{g._dtype} and output[{i}] has a dtype of {t._dtype}.")
        out.append(g)
    return out


def _ones_like(t):
    from .._ops.creation import ones_like
    return ones_like(t)


def _sz(t):
    from .._size import Size
    return repr(Size(t._data.shape))


def _collect(root_nodes):
    """Dependency counts (incoming edges) of every node reachable from the roots, iteratively."""
    deps = {}
    seen = set()
    stack = list(root_nodes)
    for n in root_nodes:
        seen.add(n)
    while stack:
        node = stack.pop()
        for nxt, _ in node.next_functions:
            if nxt is None:
                continue
            deps[nxt] = deps.get(nxt, 0) + 1
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return deps, seen


def _needed(seen, targets):
    """Nodes on some path to a target node (for autograd.grad / backward(inputs=)), iteratively."""
    needed = set(targets)
    order = []  # reverse topological by a post-order DFS
    visited = set()
    for start in seen:
        if start in visited:
            continue
        stack = [(start, iter(start.next_functions))]
        visited.add(start)
        while stack:
            node, it = stack[-1]
            for nxt, _ in it:
                if nxt is not None and nxt not in visited:
                    visited.add(nxt)
                    stack.append((nxt, iter(nxt.next_functions)))
                    break
            else:
                stack.pop()
                order.append(node)
    for node in order:
        if node not in needed:
            for nxt, _ in node.next_functions:
                if nxt in needed:
                    needed.add(node)
                    break
    return needed


def run(tensors, grads, retain_graph, create_graph, inputs=None, accumulate=True, allow_unused=False):
    """Back-propagate `grads` from `tensors`. With `inputs`, return their gradients (autograd.grad) or
    accumulate only into them (backward(inputs=...))."""
    grads = _make_grads(tensors, grads, create_graph)
    edges = _root_edges(tensors, grads)
    if retain_graph is None:
        retain_graph = create_graph

    # the graph root: a virtual node feeding each root edge
    roots = []
    buffers = {}
    for (node, nr), g in zip(edges, grads):
        if node is None:
            continue
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * node._n_outputs
            roots.append(node)
        buf[nr] = g if buf[nr] is None else buf[nr] + g
    deps, seen = _collect(roots)

    capture = None
    if inputs is not None:
        capture = {}
        target_nodes = set()
        for i, t in enumerate(inputs):
            node, nr = edge_of(t)
            if node is None:
                if not t._rg:
                    raise RuntimeError("One of the differentiated Tensors does not require grad")
                continue
            capture.setdefault((node, nr), []).append(i)
            target_nodes.add(node)
        needed = _needed(seen, target_nodes)
    else:
        needed = None

    results = [None] * (len(inputs) if inputs is not None else 0)
    prev = grad_mode.state.enabled
    grad_mode.state.enabled = bool(create_graph)
    push, pop = heapq.heappush, heapq.heappop
    anomaly = _anomaly.enabled and _anomaly.check_nan
    if needed is None:
        try:
            _run_plain(roots, buffers, deps, retain_graph, anomaly)
        finally:
            grad_mode.state.enabled = prev
        return None
    try:
        heap = []
        for n in roots:
            if deps.get(n, 0) == 0:
                push(heap, (-n._seq_nr, n))  # sequence numbers are unique: nodes are never compared
        while heap:
            node = pop(heap)[1]
            buf = buffers.pop(node, None)
            if buf is None:
                buf = [None] * node._n_outputs
            if needed is not None and node not in needed:
                _release_edges(node, deps, buffers, heap, needed)
                if not retain_graph:
                    node.release()
                continue
            if node._tensor_pre_hooks or node._retain_hooks or node._pre_hooks:
                buf = _pre_hooks(node, buf)
            if capture is not None:
                for nr, g in enumerate(buf):
                    idx = capture.get((node, nr))
                    if idx:
                        for i in idx:
                            results[i] = g
            if type(node) is AccumulateGrad:
                if accumulate and (capture is None or (node, 0) in capture):
                    node.apply(buf)
                if not retain_graph:
                    node.release()
                continue
            if capture is not None and not accumulate and not any(
                    nxt in needed for nxt, _ in node.next_functions if nxt is not None):
                continue
            out = _apply(node, buf, anomaly)
            if not retain_graph:
                node.release()
            for (nxt, nr), g in zip(node.next_functions, out):
                if nxt is None:
                    continue
                if g is not None and (needed is None or nxt in needed):
                    b = buffers.get(nxt)
                    if b is None:
                        b = buffers[nxt] = [None] * nxt._n_outputs
                    b[nr] = g if b[nr] is None else b[nr] + g
                d = deps[nxt] - 1
                deps[nxt] = d
                if d == 0:
                    push(heap, (-nxt._seq_nr, nxt))
    finally:
        grad_mode.state.enabled = prev

    if inputs is not None and not accumulate:
        for i, t in enumerate(inputs):
            if results[i] is None and not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used in "
                                   "the graph. Set allow_unused=True if this is the desired behavior.")
        return results
    return None


def backward_implicit(t, retain_graph):
    """`t.backward()` with no gradient, inputs or create_graph: the lean path of `run` for one root."""
    data = t._data
    if data.size != 1:
        raise RuntimeError("grad can be implicitly created only for scalar outputs")
    dt = t._dtype
    if not dt.is_floating_point:
        raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got {dt}")
    if not t._rg:
        raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    if t._device is CPU:
        shape = data.shape
        g = wrap(np.array(1, dt.np) if shape == () else np.ones(shape, dt.np), dt, CPU)
    else:
        g = _ones_like(t)
    node, nr = edge_of(t)
    buf = [None] * node._n_outputs
    buf[nr] = g
    del g  # the buffer holds the only reference: the engine frees it once the root node has run
    deps = {}
    get = deps.get
    stack = [node]
    while stack:  # dependency counts; one root, so no node is both a root and reached from it
        for nxt, _ in stack.pop().next_functions:
            if nxt is not None:
                d = get(nxt)
                if d is None:
                    deps[nxt] = 1
                    stack.append(nxt)
                else:
                    deps[nxt] = d + 1
    state = grad_mode.state
    prev = state.enabled
    state.enabled = False
    try:
        _run_plain(None, {node: buf}, deps, bool(retain_graph), _anomaly.enabled and _anomaly.check_nan, node)
    finally:
        state.enabled = prev


def _run_plain(roots, buffers, deps, retain_graph, anomaly, start=None):
    """The loop of a plain `backward()`: every reachable node runs (the lean path of `run`).
    `start`: the one root (instead of `roots`), which nothing in the graph leads to."""
    if start is None:
        heap = [(-n._seq_nr, n) for n in roots if n not in deps]  # sequence numbers are unique
        if not heap:
            return
        heapq.heapify(heap)
        node = heapq.heappop(heap)[1]
    else:
        heap = []
        node = start
    push, pushpop, pop = heapq.heappush, heapq.heappushpop, heapq.heappop
    pop_buf = buffers.pop
    while True:
        buf = pop_buf(node, None)
        if buf is None:
            buf = [None] * node._n_outputs
        if node._has_hooks:
            buf = _pre_hooks(node, buf)
        ready = None
        if type(node) is AccumulateGrad:
            _accumulate(node.variable, buf[0])
        else:
            out = _apply(node, buf, anomaly)
            if not retain_graph:
                node.release()
            del buf  # the incoming gradient is not needed any more: free it before the next node runs
            for (nxt, nr), g in zip(node.next_functions, out):
                if nxt is None:
                    continue
                if g is not None:
                    b = buffers.get(nxt)
                    if b is None:
                        if nxt._n_outputs == 1:
                            buffers[nxt] = [g]
                        else:
                            b = buffers[nxt] = [None] * nxt._n_outputs
                            b[nr] = g
                    elif b[nr] is None:
                        b[nr] = g
                    else:
                        b[nr] = b[nr] + g
                d = deps[nxt] - 1
                deps[nxt] = d
                if d == 0:
                    if ready is None:
                        ready = nxt
                    else:
                        push(heap, (-nxt._seq_nr, nxt))
            out = g = None
        # the most recently created ready node runs next (Note [engine order]); a lone one skips the heap
        if ready is not None:
            node = pushpop(heap, (-ready._seq_nr, ready))[1] if heap else ready
        elif heap:
            node = pop(heap)[1]
        else:
            return


def _apply(node, buf, anomaly):
    """Run `node` on its incoming gradients: no outputs when nothing flowed in; anomaly check; post-hooks."""
    if (buf[0] is None) if len(buf) == 1 else all(g is None for g in buf):
        return [None] * len(node.next_functions)
    out = node.apply(buf)
    if anomaly:
        check_nan(node, out)
    if node._hooks:
        for h in node._hooks:
            r = h(tuple(out), tuple(buf))
            if r is not None:
                out = list(r)
    return out


def _release_edges(node, deps, buffers, heap, needed):
    for nxt, _ in node.next_functions:
        if nxt is None:
            continue
        d = deps[nxt] - 1
        deps[nxt] = d
        if d == 0:
            heapq.heappush(heap, (-nxt._seq_nr, nxt))


def _pre_hooks(node, buf):
    th = node._tensor_pre_hooks
    if th:
        for nr, hooks in th.items():
            for h in list(hooks):
                if buf[nr] is None:
                    continue
                r = h(buf[nr])
                if r is not None:
                    buf[nr] = r
    rh = node._retain_hooks
    if rh:
        for nr, ref in rh.items():
            t = ref()
            if t is not None:
                _store_retained(t, buf[nr])
    if node._pre_hooks:
        for h in node._pre_hooks:
            r = h(tuple(buf))
            if r is not None:
                buf = list(r)
    return buf
