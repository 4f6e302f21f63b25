"""Process-wide settings torch exposes that numtorch keeps and reports back: the thread counts torch's CPU
kernels use, float32 matmul precision and deterministic-algorithm mode.  NumPy computes every op the same
way whatever they say (its float32 matmul is always 'highest', every numtorch op is deterministic), so they
are recorded, checked as torch checks them, and returned."""
from __future__ import annotations

import os
import warnings

_state = {"threads": os.cpu_count() or 1, "interop": os.cpu_count() or 1, "precision": "highest",
          "deterministic": False, "warn_only": False}


def _threads(name, n):
    if type(n) is not int:
        raise RuntimeError(f"{name} expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError(f"{name} expects a positive integer")
    return n


def get_num_threads():
    return _state["threads"]


def set_num_threads(int):  # noqa: A002 - torch's parameter name
    _state["threads"] = _threads("set_num_threads", int)


def get_num_interop_threads():
    return _state["interop"]


def set_num_interop_threads(int):  # noqa: A002
    _state["interop"] = _threads("set_num_interop_threads", int)


def get_float32_matmul_precision():
    return _state["precision"]


def set_float32_matmul_precision(precision):
    if precision not in ("highest", "high", "medium"):
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      "setFloat32MatmulPrecision call has no effect.", UserWarning, stacklevel=2)
        return
    _state["precision"] = precision


def use_deterministic_algorithms(mode, *, warn_only=False):
    for name, v in (("mode", mode), ("warn_only", warn_only)):
        if type(v) is not bool:
            raise TypeError(f"_set_deterministic_algorithms(): argument '{name}' must be bool, not "
                            f"{type(v).__name__}")
    _state["deterministic"], _state["warn_only"] = mode, warn_only


def are_deterministic_algorithms_enabled():
    return _state["deterministic"]


def is_deterministic_algorithms_warn_only_enabled():
    return _state["warn_only"]
