"""The default device for factories (`torch.set_default_device`, `with torch.device(...)`)."""
from __future__ import annotations

from ._device import CPU, canonical

_stack = [CPU]


def default_device():
    return _stack[-1]


def set_default_device(device):
    _stack[0] = CPU if device is None else canonical(device)


def get_default_device():
    return _stack[-1]


def push_device(d):
    _stack.append(canonical(d))


def pop_device():
    _stack.pop()
