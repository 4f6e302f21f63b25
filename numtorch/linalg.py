"""`torch.linalg`: the functions live in `_ops/linalg.py`; this module gives them torch's public names."""
from __future__ import annotations

from ._ops.linalg import (  # noqa: F401
    LinAlgError,
    cholesky_ex,
    cond,
    eigvals,
    eigvalsh,
    inv_ex,
    lstsq,
    lu_factor,
    lu_factor_ex,
    lu_solve,
    matrix_exp,
    matrix_norm,
    matrix_power,
    matrix_rank,
    multi_dot,
    pinv,
    solve_ex,
    solve_triangular,
    svdvals,
    tensorinv,
    tensorsolve,
    vander,
    vecdot,
    vector_norm,
)
from ._ops.linalg import linalg_cholesky as cholesky  # noqa: F401
from ._ops.linalg import linalg_cross as cross  # noqa: F401
from ._ops.linalg import linalg_det as det  # noqa: F401
from ._ops.linalg import linalg_diagonal as diagonal  # noqa: F401
from ._ops.linalg import linalg_eig as eig  # noqa: F401
from ._ops.linalg import linalg_eigh as eigh  # noqa: F401
from ._ops.linalg import linalg_inv as inv  # noqa: F401
from ._ops.linalg import linalg_lu as lu  # noqa: E402,F401
from ._ops.linalg import linalg_matmul as matmul  # noqa: F401
from ._ops.linalg import linalg_norm as norm  # noqa: F401
from ._ops.linalg import linalg_qr as qr  # noqa: F401
from ._ops.linalg import linalg_slogdet as slogdet  # noqa: F401
from ._ops.linalg import linalg_solve as solve  # noqa: F401
from ._ops.linalg import linalg_svd as svd  # noqa: F401
