"""Anomaly detection: with it on, the engine checks each node's gradients for NaN (torch's message)."""
from __future__ import annotations

import threading
import warnings


class _State(threading.local):
    enabled = False
    check_nan = True


state = _State()


def is_anomaly_enabled():
    return state.enabled


def is_anomaly_check_nan_enabled():
    return state.check_nan


class detect_anomaly:
    """Context manager (and decorator) turning anomaly detection on."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan
        self.prev = state.enabled
        self.prev_check_nan = state.check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should "
                      "only be enabled for debugging.", stacklevel=2)

    def __enter__(self):
        state.enabled, state.check_nan = True, self.check_nan

    def __exit__(self, *exc):
        state.enabled, state.check_nan = self.prev, self.prev_check_nan
        return False

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(self.check_nan):
                return fn(*args, **kwargs)
        return wrapper


class set_detect_anomaly:
    """Turns anomaly detection on or off, as a call or a context manager."""

    def __init__(self, mode, check_nan=True):
        self.prev = state.enabled
        self.prev_check_nan = state.check_nan
        state.enabled, state.check_nan = bool(mode), bool(check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        state.enabled, state.check_nan = self.prev, self.prev_check_nan
        return False


def check_nan(node, grads):
    """Raise torch's error when a node's backward produced NaN (called by the engine in anomaly mode)."""
    for i, g in enumerate(grads):
        if g is not None and (g._dtype.is_floating_point or g._dtype.is_complex):
            import numpy as np
            if np.isnan(g._host()).any():
                raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")
