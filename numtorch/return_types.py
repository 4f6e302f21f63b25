"""Named-tuple results (`torch.return_types.max(values=..., indices=...)`)."""
from __future__ import annotations

_made: dict = {}


class _StructSeq(tuple):
    """A tuple with named fields and torch's multi-line repr."""

    __slots__ = ()
    _fields: tuple = ()
    # construction is tuple's own, `cls(values)`: a Python __new__ would cost ~0.3 us per result

    @property
    def n_fields(self):
        return len(self._fields)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
        return f"torch.return_types.{type(self).__name__}(\n{body})"

    def __reduce__(self):
        return (_make, (type(self).__name__, self._fields, tuple(self)))


def _make(name, fields, values):
    return structseq(name, fields)(values)


def structseq(name, fields):
    """The result class `name` with `fields` (one class per name)."""
    cls = _made.get(name)
    if cls is None:
        ns = {"__slots__": (), "_fields": tuple(fields), "__module__": "torch.return_types"}
        for i, f in enumerate(fields):
            ns[f] = property(lambda self, i=i: tuple.__getitem__(self, i))
        cls = _made[name] = type(name, (_StructSeq,), ns)
        globals()[name] = cls
    return cls


for _n, _f in (("max", ("values", "indices")), ("min", ("values", "indices")), ("sort", ("values", "indices")),
               ("topk", ("values", "indices")), ("kthvalue", ("values", "indices")),
               ("median", ("values", "indices")), ("nanmedian", ("values", "indices")),
               ("mode", ("values", "indices")), ("cummax", ("values", "indices")),
               ("cummin", ("values", "indices")), ("aminmax", ("min", "max")),
               ("svd", ("U", "S", "V")), ("linalg_svd", ("U", "S", "Vh")), ("qr", ("Q", "R")),
               ("linalg_qr", ("Q", "R")), ("linalg_eig", ("eigenvalues", "eigenvectors")),
               ("linalg_eigh", ("eigenvalues", "eigenvectors")), ("slogdet", ("sign", "logabsdet")),
               ("linalg_slogdet", ("sign", "logabsdet")), ("linalg_lstsq", ("solution", "residuals", "rank",
                                                                            "singular_values")),
               ("linalg_lu_factor", ("LU", "pivots")), ("linalg_inv_ex", ("inverse", "info")),
               ("linalg_cholesky_ex", ("L", "info")), ("lu_unpack", ("P", "L", "U")), ("frexp", ("mantissa",
                                                                                               "exponent")),
               ("histogram", ("hist", "bin_edges")), ("std_mean", None), ("var_mean", None)):
    if _f is not None:
        structseq(_n, _f)
