"""numtorch/_libm_log.py: its vectorised log must give math.log's (libm's) bits wherever it does not defer to
math.log, and its tables must have the properties its exactness argument uses."""
import math
from fractions import Fraction

import numpy as np
import pytest

from numtorch import _libm_log as L


def randn_uniforms(rng, n):
    """randn's u1 = 1 - m 2**-53: (0, 1] on the 2**-53 grid, with extra weight near both ends."""
    m = np.concatenate([rng.integers(0, 2 ** 53, n), rng.integers(0, 2 ** 24, n // 8),
                        2 ** 53 - rng.integers(1, 2 ** 24, n // 8)])
    return 1.0 - m.astype(np.float64) * 2.0 ** -53


def libm(x):
    return np.array([math.log(v) for v in x.tolist()])


def test_platform_agrees_so_the_fast_path_is_used():
    assert L._agrees_with_libm()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_unflagged_lanes_are_libm_exact(seed):
    x = randn_uniforms(np.random.default_rng(seed), 200_000)
    y, suspect = L._log_accurate(x)
    want = libm(x)
    assert np.array_equal(y[~suspect], want[~suspect])
    assert suspect.mean() < 0.08  # about 2 * _TAU of the lanes defer to math.log
    assert (y != want).any()       # the check has teeth: rounding alone does miss some


def test_log_unit_matches_libm_on_edges():
    powers = [math.ldexp(1.0, -j) for j in range(1, 61)]
    x = np.concatenate([powers, np.nextafter(powers, 0), np.nextafter(powers, 1), [1.0, np.nextafter(1.0, 0)],
                        1.0 - np.arange(1, 4096) * 2.0 ** -53, np.linspace(2.0 ** -60, 1.0, 5001)])
    got = L.log_unit(x.reshape(-1, 1))
    assert got.shape == (x.size, 1)
    assert np.array_equal(got.reshape(-1), libm(x))
    assert math.copysign(1.0, L.log_unit(np.array([1.0]))[0]) == 1.0  # log(1) is +0, as in libm


def test_fallback_is_plain_libm(monkeypatch):
    monkeypatch.setattr(L, "_state", False)
    x = randn_uniforms(np.random.default_rng(7), 2000)
    assert np.array_equal(L.log_unit(x), libm(x))


def test_tables():
    invc, log_hi, log_lo, ln2_hi, ln2_lo = L._build_tables()
    grid = 2.0 ** L._HI_GRID
    for v in list(log_hi) + [ln2_hi]:  # multiples of 2**-43: k ln2_hi + log_hi[i] is exact for |k| <= 64
        assert (v * grid).is_integer() and abs(v * grid) < 2 ** 43
    assert invc[0] == 1.0 and log_hi[0] == 0.0 and log_lo[0] == 0.0
    assert ln2_hi + ln2_lo == math.log(2.0) and abs(ln2_lo) < 2.0 ** -43
    n = invc.size
    for i in range(n):
        assert (invc[i] * 2048).is_integer()  # 11 significant bits: zh * invc is exact
        assert abs(log_hi[i] + log_lo[i] - -math.log(invc[i])) <= 2 * math.ulp(abs(math.log(invc[i])) or 1.0)
        # |r| = |z invc - 1| < 2**-10 over the whole interval, so that r is a double
        if i == 0:
            lo, hi = 1 - Fraction(1, 2 ** 12), 1 + Fraction(1, 2 ** 11)
        else:
            lo = 1 + Fraction(2 * i - 1, 2 ** 11)
            hi = lo + Fraction(1, 1024)
        for z in (lo, hi):
            assert abs(z * Fraction(invc[i]) - 1) < Fraction(1, 1024)
