"""`torch.Size`: a tuple of ints that prints as `torch.Size([2, 3])`."""
from __future__ import annotations


class Size(tuple):
    """Mirrors `torch.Size`."""

    __slots__ = ()

    def __new__(cls, sizes=()):
        if type(sizes) is tuple:
            for i, n in enumerate(sizes):
                if type(n) is not int:
                    break
            else:
                return tuple.__new__(cls, sizes)
        out = []
        for i, n in enumerate(sizes):
            if type(n) is not int:
                idx = getattr(n, "__index__", None)
                if idx is None or isinstance(n, float):
                    raise TypeError(f"torch.Size() takes an iterable of 'int' (item {i} is "
                                    f"'{type(n).__name__}')")
                n = idx()
            out.append(n)
        return tuple.__new__(cls, out)

    def __repr__(self):
        return f"torch.Size([{', '.join(map(str, self))}])"

    __str__ = __repr__

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, key):
        r = tuple.__getitem__(self, key)
        return Size(r) if isinstance(key, slice) else r

    def __add__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n):
        return Size(tuple(self) * n)

    __rmul__ = __mul__

    def __reduce__(self):
        return (Size, (tuple(self),))
