"""`torch.random` and `torch.Generator`: seeding, state, and `fork_rng`."""
from __future__ import annotations

import contextlib

from ._device import CPU
from ._device import device as _device
from ._ops.random import get_rng_state, initial_seed, manual_seed, seed, set_rng_state  # noqa: F401


class Generator:
    """Mirrors `torch.Generator` on the CPU (torch's MT19937 stream, byte-compatible state)."""

    def __init__(self, device="cpu"):
        from . import _random
        self.device = _device(device) if not isinstance(device, _device) else device
        if self.device.type != "cpu":
            raise RuntimeError("numtorch generators are CPU generators; CUDA draws use the host stream")
        self._impl = _random.Generator()

    @classmethod
    def _wrap(cls, impl):
        g = cls.__new__(cls)
        g.device = CPU
        g._impl = impl
        return g

    def manual_seed(self, seed):  # noqa: F811 - the method shadows the module-level function by design
        self._impl.manual_seed(int(seed))
        return self

    def seed(self):
        return self._impl.seed()

    def initial_seed(self):
        return self._impl.initial_seed()

    def get_state(self):
        from ._ops.random import D, np, wrap
        return wrap(np.asarray(self._impl.get_state(), dtype=np.uint8).copy(), D.uint8, CPU)

    def set_state(self, new_state):
        from ._ops.random import _state_bytes
        self._impl.set_state(_state_bytes(new_state))
        return self

    def clone_state(self):
        """A new generator in this one's state (seed and cached normal included)."""
        return Generator._wrap(self._impl.clone_state())

    def get_offset(self):
        raise RuntimeError("CPU Generator does not use offset")

    def set_offset(self, offset):
        raise RuntimeError("CPU Generator does not use offset")

    def graphsafe_get_state(self):
        raise NotImplementedError("graphsafe_get_state is not supported in this Generator")

    def graphsafe_set_state(self, state):
        raise NotImplementedError("graphsafe_set_state is not supported in this Generator")

    def __repr__(self):
        return f"<torch._C.Generator object at {hex(id(self))}>"


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type="cuda"):
    """Mirrors `torch.random.fork_rng`: restores the CPU generator state on exit."""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)
