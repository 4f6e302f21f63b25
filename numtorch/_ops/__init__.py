"""Op families. Importing this package registers every op (functions, methods, dunders)."""
from . import conversion, creation, indexing, pointwise, reduction, views  # noqa: F401
from . import index_ops, linalg, pointwise_ext, random, shape, sorting  # noqa: F401
