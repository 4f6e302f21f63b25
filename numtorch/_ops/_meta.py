"""Generic shape rules shared by op families: broadcasting, dim lists, reductions."""
from __future__ import annotations

from .._size import Size


def broadcast_shapes(*shapes):
    """Mirrors `torch.broadcast_shapes`: shapes fold pairwise, right-aligned, with torch's error text."""
    out = ()
    for s in shapes:
        out = _infer_size(out, tuple(s) if not isinstance(s, int) else (s,))
    return Size(out)


def _infer_size(a, b):
    na, nb = len(a), len(b)
    n = na if na > nb else nb
    out = [0] * n
    for i in range(n - 1, -1, -1):
        off = n - 1 - i
        sa = a[na - 1 - off] if off < na else 1
        sb = b[nb - 1 - off] if off < nb else 1
        if sa != sb and sa != 1 and sb != 1:
            raise RuntimeError(f"The size of tensor a ({sa}) must match the size of tensor b ({sb}) at "
                               f"non-singleton dimension {i}")
        if sb < 0 or sa < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {min(sa, sb)}: "
                               f"{list(a if sa < 0 else b)}")
        out[i] = sb if sa == 1 else sa
    return tuple(out)


def wrap_dim(dim, ndim):
    """torch's dim wrapping (a 0-dim tensor accepts -1 and 0) with its IndexError text."""
    n = ndim if ndim > 0 else 1
    if type(dim) is not int:
        try:
            dim = dim.__index__()
        except AttributeError:
            raise TypeError(f"dim must be int, not {type(dim).__name__}") from None
    if dim < -n or dim >= n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim + n if dim < 0 else dim


def wrap_dims(dims, ndim):
    """A sorted tuple of wrapped dims from an int, a list/tuple, or None (all dims); rejects repeats."""
    if dims is None:
        return tuple(range(ndim))
    if isinstance(dims, (list, tuple)):
        out = [wrap_dim(d, ndim) for d in dims]
        seen = set()
        for d in out:
            if d in seen:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
            seen.add(d)
        return tuple(sorted(out))
    return (wrap_dim(dims, ndim),)


def reduced_shape(shape, dims, keepdim):
    if keepdim:
        return tuple(1 if i in dims else n for i, n in enumerate(shape))
    return tuple(n for i, n in enumerate(shape) if i not in dims)


def sizes_or_keyword(fname, args, value, kwname="size"):
    """The `*sizes` of a torch function or method, or the same given as its keyword (`zeros(size=...)`,
    `permute(dims=...)`); both at once is the TypeError Python would raise."""
    if value is None:
        return args
    if args:
        raise TypeError(f"{fname}() got multiple values for argument '{kwname}'")
    return (value,)


def parse_size(args, name="size"):
    """Sizes given as varargs, a tuple/list, or a torch.Size (`zeros(2, 3)`, `zeros((2, 3))`)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = args[0]
    out = []
    for a in args:
        if type(a) is not int:
            idx = getattr(a, "__index__", None)
            if idx is None or isinstance(a, (float, bool)):
                raise TypeError(f"{name} must be tuple of ints, but found element of type "
                                f"{type(a).__name__} at pos {len(out)}")
            a = idx()
        out.append(a)
    return tuple(out)
