"""`torch.special`: the special functions, mostly aliases of the pointwise family.

The elementwise kernels live in `_ops/pointwise_ext.py` (scipy.special, imported lazily); this module
only names them as torch.special does.
"""
from __future__ import annotations

from ._ops import pointwise as _pw
from ._ops import pointwise_ext as _ext

expit = _pw.sigmoid.fn
exp2 = _ext.exp2.fn
expm1 = _ext.expm1.fn
log1p = _ext.log1p.fn
logit = _ext.logit.fn
erf = _ext.erf.fn
erfc = _ext.erfc.fn
erfinv = _ext.erfinv.fn
erfcx = _ext._special_erfcx.fn
gammaln = _ext.lgamma.fn
digamma = psi = _ext.digamma.fn
polygamma = _ext.polygamma
multigammaln = _ext.mvlgamma.fn
i0 = _ext.i0.fn
i0e = _ext._special_i0e.fn
i1 = _ext._special_i1.fn
i1e = _ext._special_i1e.fn
ndtr = _ext._special_ndtr.fn
ndtri = _ext._special_ndtri.fn
log_ndtr = _ext._special_log_ndtr.fn
sinc = _ext.sinc.fn
entr = _ext._special_entr.fn
round = _ext.round
xlogy = _ext.xlogy.fn
xlog1py = _ext.special_xlog1py.fn
zeta = _ext._special_zeta.fn
gammainc = _ext._special_gammainc.fn
gammaincc = _ext._special_gammaincc.fn
bessel_j0 = _ext.SPECIAL_OPS["bessel_j0"].fn
bessel_j1 = _ext.SPECIAL_OPS["bessel_j1"].fn
bessel_y0 = _ext.SPECIAL_OPS["bessel_y0"].fn
bessel_y1 = _ext.SPECIAL_OPS["bessel_y1"].fn
spherical_bessel_j0 = _ext.SPECIAL_OPS["spherical_bessel_j0"].fn
modified_bessel_i0 = _ext.SPECIAL_OPS["modified_bessel_i0"].fn
modified_bessel_i1 = _ext.SPECIAL_OPS["modified_bessel_i1"].fn
modified_bessel_k0 = _ext.SPECIAL_OPS["modified_bessel_k0"].fn
modified_bessel_k1 = _ext.SPECIAL_OPS["modified_bessel_k1"].fn
scaled_modified_bessel_k0 = _ext.SPECIAL_OPS["scaled_modified_bessel_k0"].fn
scaled_modified_bessel_k1 = _ext.SPECIAL_OPS["scaled_modified_bessel_k1"].fn
airy_ai = _ext.SPECIAL_OPS["airy_ai"].fn


def softmax(input, dim, *, dtype=None):
    """Mirrors `torch.special.softmax`."""
    return _ext.softmax(input, dim, dtype=dtype)


def log_softmax(input, dim, *, dtype=None):
    """Mirrors `torch.special.log_softmax`."""
    return _ext.log_softmax(input, dim, dtype=dtype)


def logsumexp(input, dim, keepdim=False, *, out=None):
    """Mirrors `torch.special.logsumexp` (the reduction family's `numtorch.logsumexp`)."""
    import numtorch
    return numtorch.logsumexp(input, dim, keepdim, out=out) if out is not None else \
        numtorch.logsumexp(input, dim, keepdim)
