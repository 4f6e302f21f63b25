"""Op families. Importing this package registers every op (functions, methods, dunders)."""
from . import (  # noqa: F401  # noqa: F401
    conversion,
    creation,
    index_ops,
    indexing,
    linalg,
    pointwise,
    pointwise_ext,
    random,
    reduction,
    shape,
    sorting,
    views,
)
