"""Differential tests of numtorch/_random.py against torch's CPU generator: values and state bytes.

Everything is compared bit for bit (float results through their byte patterns).  torch is the oracle, so
the module is skipped where torch is not installed.
"""
import struct
from fractions import Fraction

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from numtorch import _random as R  # noqa: E402

try:
    from ml_dtypes import bfloat16 as _bf16
except ImportError:  # pragma: no cover
    _bf16 = None

torch.set_num_threads(1)

FLOATS = [(np.float32, torch.float32), (np.float64, torch.float64), (np.float16, torch.float16)]
if _bf16 is not None:
    FLOATS.append((_bf16, torch.bfloat16))
INTS = [(np.int8, torch.int8), (np.int16, torch.int16), (np.int32, torch.int32), (np.int64, torch.int64),
        (np.uint8, torch.uint8)]
SEEDS = [0, 1, 20240607, 2 ** 32 + 5, -1]
SIZES = [0, 1, 2, 15, 16, 17, 623, 624, 625, 1000]


def tnp(t):
    """torch tensor -> numpy array with the same bytes (bfloat16 through ml_dtypes)."""
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().view(_bf16)
    return t.numpy()


def same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def assert_same(a, b, what=""):
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype, (what, a.dtype, b.dtype)
    assert a.shape == b.shape, (what, a.shape, b.shape)
    if a.tobytes() != b.tobytes():
        bad = np.flatnonzero(a.reshape(-1).view(np.uint8 if a.itemsize == 1 else f"u{a.itemsize}")
                             != b.reshape(-1).view(np.uint8 if b.itemsize == 1 else f"u{b.itemsize}"))
        raise AssertionError(f"{what}: {bad.size} of {a.size} differ, first at {bad[:5]}: "
                             f"{a.reshape(-1)[bad[:3]]} vs {b.reshape(-1)[bad[:3]]}")


def tstate():
    return torch.get_rng_state().numpy()


def check_state(g, what=""):
    assert_same(g.get_state(), tstate(), "state " + what)


@pytest.fixture
def g():
    return R.Generator()


def seeded(g, seed):
    torch.manual_seed(seed)
    g.manual_seed(seed)
    return g


# ---- seeding and state ---------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 12345, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 5, 2 ** 63, 2 ** 64 - 1, -1,
                                  -(2 ** 63), 67280421310721])
def test_manual_seed_state(g, seed):
    seeded(g, seed)
    check_state(g, "fresh")
    assert g.initial_seed() == torch.initial_seed()
    assert_same(g.uniform(5, np.float32), tnp(torch.rand(5)))
    check_state(g)


def test_seed_overflow(g):
    for bad in (2 ** 64, -(2 ** 63) - 1):
        with pytest.raises(ValueError, match="Overflow when unpacking long long"):
            torch.Generator().manual_seed(bad)
        with pytest.raises(ValueError, match="Overflow when unpacking long long"):
            g.manual_seed(bad)


def test_default_generator_object(g):
    t = torch.Generator()
    assert_same(g.get_state(), t.get_state().numpy())
    assert g.initial_seed() == t.initial_seed()
    assert_same(g.normal(20, np.float32), tnp(torch.randn(20, generator=t)))
    assert_same(g.get_state(), t.get_state().numpy())


def test_seed_is_random(g):
    a = g.seed()
    b = g.seed()
    assert a != b and g.initial_seed() == b and 0 <= b < 2 ** 64


def test_state_roundtrip_both_ways(g):
    seeded(g, 7)
    torch.randn(3)
    g.normal(3, np.float32)  # leaves a cached double normal
    torch.rand(700)
    g.uniform(700, np.float32)
    check_state(g)
    # numtorch state into torch
    s = g.get_state()
    torch.set_rng_state(torch.from_numpy(s.copy()))
    assert_same(g.normal(5, np.float64), tnp(torch.randn(5, dtype=torch.float64)))
    check_state(g)
    # torch state into numtorch, from several positions including fresh and exactly-624-draws
    for prep in (lambda: torch.manual_seed(3), lambda: torch.rand(624), lambda: torch.rand(1),
                 lambda: torch.randn(1), lambda: torch.randint(0, 2 ** 40, (311,))):
        prep()
        g.set_state(tstate())
        check_state(g, "after set_state")
        assert_same(g.normal(17, np.float32), tnp(torch.randn(17)))
        assert_same(g.randint(9, 0, 100), tnp(torch.randint(0, 100, (9,))))
        assert_same(g.normal(3, np.float32), tnp(torch.randn(3)))
        check_state(g)


def test_state_bytes_input_and_errors(g):
    seeded(g, 11)
    g.set_state(bytes(tstate().tobytes()))
    check_state(g)
    with pytest.raises(RuntimeError):
        g.set_state(np.zeros(100, np.uint8))
    bad = tstate().copy()
    bad[8:12] = np.frombuffer(struct.pack("<i", 0), np.uint8)  # left = 0
    with pytest.raises(RuntimeError):
        g.set_state(bad)


def test_state_custom_left_next(g):
    """A hand-made state whose left/next do not add up to 625 (torch reads state[next..] then twists)."""
    torch.manual_seed(5)
    torch.rand(10)
    s = tstate().copy()
    s[8:12] = np.frombuffer(struct.pack("<i", 300), np.uint8)   # left
    s[16:24] = np.frombuffer(struct.pack("<Q", 100), np.uint8)  # next
    torch.set_rng_state(torch.from_numpy(s.copy()))
    g.set_state(s)
    assert_same(g.uniform(700, np.float32), tnp(torch.rand(700)))
    check_state(g)


# ---- uniform -------------------------------------------------------------------------------------

@pytest.mark.parametrize("npdt,tdt", FLOATS)
def test_rand(g, npdt, tdt):
    for seed in SEEDS[:3]:
        seeded(g, seed)
        for n in SIZES + [100003]:
            assert_same(g.uniform(n, npdt), tnp(torch.rand(n, dtype=tdt)), f"rand {n}")
        check_state(g)


def test_uniform_bounds_errors(g):
    for npdt, tdt, lo, hi in ((np.float16, torch.float16, -65504.0, 65504.0),
                              (np.float32, torch.float32, 2, 1), (np.float16, torch.float16, 0, 1e5)):
        with pytest.raises(RuntimeError):
            torch.empty(3, dtype=tdt).uniform_(lo, hi)
        with pytest.raises(RuntimeError):
            g.uniform(3, npdt, lo, hi)


@pytest.mark.parametrize("npdt,tdt", FLOATS)
@pytest.mark.parametrize("lo,hi", [(-3.7, 2.9), (-2, 3), (0.5, 0.5000001), (1e-10, 1.0), (-1e4, 1e4),
                                   (0.0, 1.0), (3.0, 3.0), (-30000.0, 30000.0)])
def test_uniform_range(g, npdt, tdt, lo, hi):
    seeded(g, 99)
    for n in (1, 17, 5000):
        t = torch.empty(n, dtype=tdt).uniform_(lo, hi)
        assert_same(g.uniform(n, npdt, lo, hi), tnp(t), f"uniform_({lo}, {hi}) {n}")
    check_state(g)


# ---- normal --------------------------------------------------------------------------------------

@pytest.mark.parametrize("npdt,tdt", FLOATS)
def test_randn_sizes(g, npdt, tdt):
    for seed in SEEDS:
        seeded(g, seed)
        for n in SIZES + [31, 33, 48, 4097]:
            assert_same(g.normal(n, npdt), tnp(torch.randn(n, dtype=tdt)), f"randn {seed} {n}")
        check_state(g)


@pytest.mark.parametrize("npdt,tdt", FLOATS)
@pytest.mark.parametrize("mean,std", [(0.0, 1.0), (2.0, 0.5), (-3.0, 7.5), (1e6, 1e-3), (0.0, 0.0),
                                      (-0.0, 1.0)])
def test_normal_mean_std(g, npdt, tdt, mean, std):
    seeded(g, 4)
    for n in (3, 16, 37, 1000):
        t = torch.empty(n, dtype=tdt).normal_(mean, std)
        assert_same(g.normal(n, npdt, mean, std), tnp(t), f"normal_({mean}, {std}) {n}")
    check_state(g)


@pytest.mark.parametrize("npdt,tdt", FLOATS[:3])
def test_normal_noncontiguous_uses_scalar_path(g, npdt, tdt):
    seeded(g, 8)
    for rows, cols in ((8, 5), (40, 30), (3, 3)):
        t = torch.empty(rows, cols, dtype=tdt).t()  # not contiguous: serial double Box-Muller
        t.normal_(1.5, 2.0)
        ours = g.normal(rows * cols, npdt, 1.5, 2.0, contiguous=False)
        assert_same(ours, tnp(t.t()).reshape(-1))
        check_state(g)


def test_normal_cache_across_calls_and_dtypes(g):
    seeded(g, 21)
    for n, npdt, tdt in [(3, np.float32, torch.float32), (1, np.float64, torch.float64),
                         (5, np.float16, torch.float16), (20, np.float32, torch.float32),
                         (1, np.float32, torch.float32), (2, np.float64, torch.float64)]:
        assert_same(g.normal(n, npdt), tnp(torch.randn(n, dtype=tdt)), f"randn({n})")
        check_state(g)
    seeded(g, 21)
    g.normal(3, np.float32)
    torch.randn(3)
    seeded(g, 21)  # manual_seed clears the cached normal
    check_state(g)


def test_normal_large_f32(g):
    seeded(g, 2024)
    assert_same(g.normal(200_000, np.float32), tnp(torch.randn(200_000)))
    assert_same(g.normal(100_003, np.float32, -3.0, 7.5), tnp(torch.empty(100_003).normal_(-3.0, 7.5)))
    check_state(g)


def test_normal_large_f64(g):
    # many chunks of the vectorised log (numtorch/_libm_log.py), including the lanes it hands to math.log
    for seed in (2024, 7):
        seeded(g, seed)
        assert_same(g.normal(300_000, np.float64), tnp(torch.randn(300_000, dtype=torch.float64)))
        assert_same(g.normal(100_003, np.float64, -3.0, 7.5),
                    tnp(torch.empty(100_003, dtype=torch.float64).normal_(-3.0, 7.5)))
        check_state(g)


def _state_with_outputs(words):
    """torch state bytes whose next len(words) (<= 623) outputs are the given tempered words."""
    w = np.asarray(words, np.uint32).copy()
    # invert MT19937 tempering
    w ^= w >> np.uint32(18)
    w ^= (w << np.uint32(15)) & np.uint32(0xEFC60000)
    t = w.copy()
    for _ in range(5):
        t = w ^ ((t << np.uint32(7)) & np.uint32(0x9D2C5680))
    w = t
    t = w.copy()
    for _ in range(3):
        t = w ^ (t >> np.uint32(11))
    state = np.zeros(624, np.uint64)
    state[:t.size] = t
    b = bytearray(5056)
    struct.pack_into("<QiiQ", b, 0, 0, 624, 1, 0)
    b[24:24 + 624 * 8] = state.tobytes()
    return np.frombuffer(bytes(b), np.uint8)


def test_normal_f32_kernel_on_chosen_inputs(g):
    """Feed torch's AVX2 Box-Muller chosen 24-bit inputs (through crafted states) and compare the kernel,
    covering the extremes of both halves (u -> 0 and 1, theta -> 0 and 2 pi, octant edges)."""
    rng = np.random.default_rng(5)
    special = np.array([0, 1, 2, 3, 0xFFFFFF, 0xFFFFFE, 0x800000, 0x7FFFFF, 0x400000, 0x200000,
                        0xC00000, 0x600000, 0xA00000, 0xE00000, 6601320, 1971375], np.uint32)
    for rep in range(12):
        k = rng.integers(0, 1 << 24, 608, dtype=np.uint32)
        if rep == 0:
            k[:special.size] = special
            k[304:304 + special.size] = special[::-1]
        hi = rng.integers(0, 256, 608, dtype=np.uint32) << np.uint32(24)
        words = k | hi
        s = _state_with_outputs(words)
        torch.set_rng_state(torch.from_numpy(s.copy()))
        g.set_state(s)
        assert_same(g.normal(608, np.float32), tnp(torch.randn(608)), "kernel")
        check_state(g)


# ---- integers ------------------------------------------------------------------------------------

RANGES = [(0, 2), (0, 10), (-5, 1000), (0, 2 ** 28 - 1), (0, 2 ** 28), (-(2 ** 27), 2 ** 27 + 1),
          (0, 2 ** 32), (0, 2 ** 32 + 1), (5, 2 ** 40), (-(2 ** 62), 2 ** 62), (-(2 ** 63), 2 ** 63 - 1),
          (2 ** 63 - 10, 2 ** 63 - 1), (-(2 ** 63), -(2 ** 63) + 3)]


@pytest.mark.parametrize("lo,hi", RANGES)
def test_randint_ranges(g, lo, hi):
    for seed in (0, 77):
        seeded(g, seed)
        for n in (1, 16, 625, 3000):
            assert_same(g.randint(n, lo, hi), tnp(torch.randint(lo, hi, (n,))), f"randint({lo}, {hi}) {n}")
        check_state(g)


@pytest.mark.parametrize("npdt,tdt", INTS + FLOATS + [(np.uint16, torch.uint16), (np.uint32, torch.uint32),
                                                        (np.uint64, torch.uint64), (np.bool_, torch.bool)])
def test_randint_dtypes(g, npdt, tdt):
    seeded(g, 3)
    cases = [(0, 2)] if tdt == torch.bool else [(0, 100), (-100, 100), (0, 120)]
    if tdt in (torch.int32, torch.int64, torch.float32, torch.float64, torch.uint32, torch.uint64):
        cases += [(0, 2 ** 30), (-(2 ** 31), 2 ** 31 - 1) if tdt != torch.uint32 else (0, 2 ** 32 - 1)]
    if tdt in (torch.float32, torch.float64):
        cases += [(0, 2 ** 25 + 1), (-(2 ** 40) - 3, 2 ** 40 + 1)]
    for lo, hi in cases:
        if tdt in (torch.uint8, torch.uint16, torch.uint32, torch.uint64) and lo < 0:
            continue
        for n in (1, 50, 700):
            t = torch.randint(lo, hi, (n,), dtype=tdt)
            assert_same(g.randint(n, lo, hi, npdt), tnp(t), f"randint({lo}, {hi}, {tdt})")
        check_state(g)


@pytest.mark.parametrize("npdt,tdt", INTS + FLOATS + [(np.bool_, torch.bool)])
def test_random_default(g, npdt, tdt):
    seeded(g, 12)
    for n in (1, 15, 16, 700):
        t = torch.empty(n, dtype=tdt).random_()
        assert_same(g.random_(n, npdt), tnp(t), f"random_() {tdt}")
    check_state(g)


@pytest.mark.parametrize("npdt,tdt", INTS + FLOATS + [(np.bool_, torch.bool)])
def test_random_from_only(g, npdt, tdt):
    seeded(g, 13)
    for frm in (0, 1, 5):
        if tdt == torch.bool and frm > 1:
            continue
        t = torch.empty(300, dtype=tdt).random_(frm, None)
        assert_same(g.random_(300, npdt, frm, None), tnp(t), f"random_({frm}, None) {tdt}")
    check_state(g)


FULL64 = [(np.int64, torch.int64), (np.float32, torch.float32), (np.float64, torch.float64)]
if _bf16 is not None:
    FULL64.append((_bf16, torch.bfloat16))


@pytest.mark.parametrize("npdt,tdt", FULL64)
def test_random_full_64_bits(g, npdt, tdt):
    seeded(g, 14)
    t = torch.empty(333, dtype=tdt).random_(-(2 ** 63), None)
    assert_same(g.random_(333, npdt, -(2 ** 63), None), tnp(t))
    check_state(g)


# ---- randperm ------------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [0, 1, 2, 3, 10, 100, 623, 624, 625, 1000, 1024, 1025, 2049, 4096, 65_537,
                               100_000, 300_001])
def test_randperm(g, n):
    for seed in (0, 5, 2 ** 40):
        seeded(g, seed)
        assert_same(g.randperm(n), tnp(torch.randperm(n)), f"randperm({n})")
        check_state(g)


def test_randperm_dtypes(g):
    seeded(g, 6)
    for npdt, tdt in [(np.int32, torch.int32), (np.float32, torch.float32), (np.int16, torch.int16),
                      (np.float64, torch.float64)]:
        for n in (300, 5000):  # the plain loop and the block algorithm
            assert_same(g.randperm(n, npdt), tnp(torch.randperm(n, dtype=tdt)))
    check_state(g)


def _randperm_and_sequential(g, n):
    """g.randperm(n), and a plain sequential forward Fisher-Yates on the same draws (as lists)."""
    st = g.get_state()
    perm = g.randperm(n).tolist()
    g.set_state(st)
    a = list(range(n))
    draws = g._draw32(n - 1).tolist()
    for i in range(n - 1):
        j = i + draws[i] % (n - i)
        a[i], a[j] = a[j], a[i]
    return perm, a


def test_randperm_matches_sequential_reference(g):
    """The vectorised shuffles equal a plain sequential Fisher-Yates on the same draws (the forward one runs
    block by block above 1024: many seeds near there, where blocks are short and steps often share targets
    or refill positions, and several full blocks at 70,000)."""
    for n in [2, 5, 37, 1000, 2049, 3000, 70_000] + list(range(1025, 1125, 3)):
        seeded(g, n)
        perm, expected = _randperm_and_sequential(g, n)
        assert perm == expected
    # the inside-out variant used from 214748364 on
    for n in (1, 2, 7, 300):
        seeded(g, n)
        st = g.get_state()
        perm = R._perm_inside_out(g, n)
        g.set_state(st)
        z = g._draw64(n).tolist()
        a = [0] * n
        for i in range(n):
            k = z[i] % (i + 1)
            a[i] = a[k]
            a[k] = i
        assert perm.tolist() == a


# ---- call sequences ------------------------------------------------------------------------------

@pytest.mark.parametrize("prefix", [0, 1, 2, 3, 623, 624, 625, 1247])
def test_pairs_at_every_alignment(g, prefix):
    """Draws of random64() pairs (double uniforms, wide randint, full 64-bit random_) come straight from
    whole twister blocks when the read position sits at a block end, and from joined outputs otherwise:
    both match torch after any number of earlier 32-bit draws, across block boundaries."""
    seeded(g, prefix)
    for n in (311, 312, 313, 1000, 60_000):
        assert_same(g.uniform(prefix, np.float32), tnp(torch.rand(prefix)))
        assert_same(g.uniform(n, np.float64), tnp(torch.rand(n, dtype=torch.float64)), f"rand f64 {n}")
        assert_same(g.randint(n, -5, 2 ** 40), tnp(torch.randint(-5, 2 ** 40, (n,))), f"randint {n}")
        assert_same(g.random_full64(n), tnp(torch.empty(n, dtype=torch.int64).random_(-(2 ** 63), None)))
        assert_same(g.normal(n, np.float64), tnp(torch.randn(n, dtype=torch.float64)), f"randn f64 {n}")
        check_state(g, f"after n={n}")


def test_mixed_sequence(g):
    rng = np.random.default_rng(0)
    seeded(g, 31337)
    for step in range(120):
        kind = rng.integers(0, 7)
        n = int(rng.choice([0, 1, 2, 3, 15, 16, 17, 100, 623, 624, 625, 2000]))
        if kind == 0:
            a, b = g.uniform(n, np.float32), tnp(torch.rand(n))
        elif kind == 1:
            a, b = g.normal(n, np.float32), tnp(torch.randn(n))
        elif kind == 2:
            a, b = g.normal(n, np.float64), tnp(torch.randn(n, dtype=torch.float64))
        elif kind == 3:
            a, b = g.randint(n, -7, 2 ** 33), tnp(torch.randint(-7, 2 ** 33, (n,)))
        elif kind == 4:
            a, b = g.randperm(n), tnp(torch.randperm(n))
        elif kind == 5:
            a, b = g.uniform(n, np.float64, -1, 4), tnp(torch.empty(n, dtype=torch.float64).uniform_(-1, 4))
        else:
            a, b = g.randint(n, 0, 6, np.int32), tnp(torch.randint(0, 6, (n,), dtype=torch.int32))
        assert_same(a, b, f"step {step} kind {kind} n {n}")
        check_state(g, f"step {step}")


# ---- other distributions -------------------------------------------------------------------------

@pytest.mark.parametrize("npdt,tdt", FLOATS + INTS[:1] + [(np.bool_, torch.bool), (np.int64, torch.int64)])
def test_bernoulli_scalar(g, npdt, tdt):
    seeded(g, 40)
    for p in (0.0, 0.3, 0.5, 1.0):
        t = torch.empty(257, dtype=tdt).bernoulli_(p)
        assert_same(g.bernoulli_scalar(257, p, npdt), tnp(t), f"bernoulli_({p})")
    assert_same(g.bernoulli_scalar(10, 0.7, npdt), tnp(torch.bernoulli(torch.zeros(10, dtype=tdt), 0.7)))
    check_state(g)


@pytest.mark.parametrize("pdt", [torch.float32, torch.float64, torch.float16])
def test_bernoulli_tensor(g, pdt):
    seeded(g, 41)
    p = torch.rand(300, dtype=torch.float64).to(pdt)
    seeded(g, 42)
    out = torch.bernoulli(p)
    assert_same(g.bernoulli_tensor(tnp(p), tnp(p).dtype), tnp(out))
    t = torch.empty(300, dtype=torch.float32).bernoulli_(p)
    assert_same(g.bernoulli_tensor(tnp(p), np.float32), tnp(t))
    check_state(g)


@pytest.mark.parametrize("npdt,tdt", FLOATS)
def test_exponential(g, npdt, tdt):
    seeded(g, 50)
    for lam in (1.0, 0.5, 3.7):
        assert_same(g.exponential(1000, npdt, lam), tnp(torch.empty(1000, dtype=tdt).exponential_(lam)))
    check_state(g)


@pytest.mark.parametrize("npdt,tdt", FLOATS + INTS)
def test_geometric(g, npdt, tdt):
    seeded(g, 51)
    for p in (0.2, 0.5, 0.9):
        for n in (500, 30_000):  # below and above the vectorised log's threshold
            assert_same(g.geometric(n, npdt, p), tnp(torch.empty(n, dtype=tdt).geometric_(p)))
    check_state(g)


@pytest.mark.parametrize("npdt,tdt", FLOATS)
def test_log_normal_and_cauchy(g, npdt, tdt):
    seeded(g, 52)
    for mean, std in ((1.0, 2.0), (0.0, 0.25), (-1.0, 0.5)):
        assert_same(g.log_normal(501, npdt, mean, std),
                    tnp(torch.empty(501, dtype=tdt).log_normal_(mean, std)), "log_normal")
        check_state(g)
    for med, sig in ((0.0, 1.0), (2.0, 0.5), (-3.0, 10.0)):
        ref = torch.empty(500, dtype=tdt).cauchy_(med, sig)
        assert_same(g.cauchy(500, npdt, med, sig), tnp(ref), "cauchy")
    check_state(g)


@pytest.mark.parametrize("pdt", [torch.float32, torch.float64])
def test_multinomial(g, pdt):
    seeded(g, 60)
    p1 = torch.rand(7, dtype=pdt)
    p1[2] = 0
    p2 = torch.rand(4, 30, dtype=pdt)
    p3 = torch.rand(50, 300, dtype=pdt)
    p3[:, ::7] = 0
    seeded(g, 61)
    # (with replacement, large cases take the all-rows binary search, small ones count entries below)
    cases = [(p1, 1, False), (p1, 5, False), (p1, 20, True), (p2, 1, True), (p2, 3, False), (p2, 100, True),
             (p3, 500, True), (p3[:1], 2, True)]
    for p, ns, rep in cases:
        ref = torch.multinomial(p, ns, rep)
        rows = tnp(p).reshape(-1, p.shape[-1])
        ours = g.multinomial(rows, ns, rep).reshape(ref.shape)
        assert_same(ours, tnp(ref), f"multinomial {tuple(p.shape)} {ns} {rep}")
        check_state(g)


@pytest.mark.parametrize("pdt", [torch.float32, torch.float64])
def test_poisson(g, pdt):
    seeded(g, 70)
    rates = torch.tensor([0.0, 0.5, 1.0, 3.0, 9.99, 10.0, 12.5, 100.0, 1e4, 0.01] * 20, dtype=pdt)
    assert_same(g.poisson(tnp(rates)), tnp(torch.poisson(rates)))
    check_state(g)
    # many elements: the uniform stream crosses twister blocks at every alignment; an infinite rate gives
    # torch's int64 conversion of an infinite k
    other = torch.Generator().manual_seed(1)  # (leaves the streams being compared alone)
    rates = torch.cat([torch.rand(3000, dtype=pdt, generator=other) * 25,
                       torch.tensor([float("inf"), 2.0], dtype=pdt)])
    assert_same(g.poisson(tnp(rates)), tnp(torch.poisson(rates)))
    check_state(g)


@pytest.mark.parametrize("npdt,tdt", FLOATS[:3])
def test_normal_tensor_overloads(g, npdt, tdt):
    seeded(g, 80)
    m = torch.randn(5, 7, dtype=tdt)
    s = torch.rand(5, 7, dtype=tdt) * 3
    s1 = torch.rand(7, dtype=tdt)
    seeded(g, 81)
    for mean, std in ((m, 0.5), (1.5, s), (m, s), (m, s1), (m[:, :1], s)):
        ref = torch.normal(mean, std)
        ours = g.normal_tensor(tnp(mean) if isinstance(mean, torch.Tensor) else mean,
                               tnp(std) if isinstance(std, torch.Tensor) else std)
        assert_same(ours, tnp(ref), "torch.normal tensor overload")
        check_state(g)


# ---- exact arithmetic helpers --------------------------------------------------------------------

def _rn32(x):
    """Round an exact rational to float32 (nearest, ties to even) without double rounding."""
    f = np.float32(float(x))
    best = None
    for cand in (np.nextafter(f, np.float32(-np.inf)), f, np.nextafter(f, np.float32(np.inf))):
        key = (abs(Fraction(float(cand)) - x), int(np.array(cand).view(np.int32)) & 1)
        if best is None or key < best[0]:
            best = (key, cand)
    return best[1]


def test_fma_helpers_are_correctly_rounded():
    rng = np.random.default_rng(1)
    # float64: random, cancelling and near-midpoint operands
    a = rng.standard_normal(3000) * 2.0 ** rng.integers(-30, 30, 3000)
    b = rng.standard_normal(3000)
    p = a * b
    c = np.concatenate([-p[:1000] * (1 + rng.standard_normal(1000) * 2.0 ** -40),
                        -p[1000:2000] + np.spacing(np.abs(p[1000:2000])) * 0.5,
                        rng.standard_normal(1000)])
    r = R._fma64(a, b, c)
    for i in range(0, 3000, 5):
        assert r[i] == float(Fraction(a[i]) * Fraction(b[i]) + Fraction(c[i]))
    # float32: sums built to land exactly on float32 midpoints in float64
    a32 = (rng.integers(1, 2 ** 24, 2000) * 2.0 ** -24).astype(np.float32)
    b32 = (rng.integers(1, 2 ** 24, 2000) * 2.0 ** -12).astype(np.float32)
    p64 = a32.astype(np.float64) * b32
    f = p64.astype(np.float32)
    mid = f.astype(np.float64) + np.spacing(f).astype(np.float64) / 2
    c32 = (mid - p64 + np.spacing(np.abs(mid)) * rng.choice([0.0, 1e-3, -1e-3], 2000)).astype(np.float32)
    r32 = R._fma32(a32, b32, c32)
    for i in range(0, 2000, 3):
        assert r32[i] == _rn32(Fraction(float(a32[i])) * Fraction(float(b32[i])) + Fraction(float(c32[i])))


def test_small_calls_do_not_alias_internal_buffers(g):
    seeded(g, 90)
    a = g.uniform(4, np.float32)
    a[:] = 7
    b = g.uniform(4, np.float32)
    torch.rand(4)
    assert_same(b, tnp(torch.rand(4)))


@pytest.mark.parametrize("npdt,tdt", FLOATS)
def test_randint_float_bounds_adjusted(g, npdt, tdt):
    """update_from / update_to move bounds that the cast would round onto the range's ends."""
    seeded(g, 15)
    cases = {torch.float16: [(0, 65504), (-65504, 2048), (2047, 2050)],
             torch.bfloat16: [(0, 2 ** 20), (-300, 300), (255, 259)],
             torch.float32: [(2 ** 24 - 3, 2 ** 24 + 5), (-(2 ** 30), 2 ** 30)],
             torch.float64: [(2 ** 53 - 3, 2 ** 53 + 5), (0, 2 ** 60)]}[tdt]
    for lo, hi in cases:
        t = torch.randint(lo, hi, (400,), dtype=tdt)
        assert_same(g.randint(400, lo, hi, npdt), tnp(t), f"randint({lo}, {hi}) {tdt}")
    check_state(g)


def test_normal_noncontiguous_bfloat16(g):
    if _bf16 is None:
        pytest.skip("ml_dtypes missing")
    seeded(g, 16)
    t = torch.empty(20, 6, dtype=torch.bfloat16).t()
    t.normal_(0.5, 3.0)
    assert_same(g.normal(120, _bf16, 0.5, 3.0, contiguous=False), tnp(t.t()).reshape(-1))
    check_state(g)


def test_random_bool_and_small_ints_sequences(g):
    seeded(g, 17)
    for tdt, npdt in ((torch.bool, np.bool_), (torch.uint8, np.uint8), (torch.int8, np.int8)):
        for n in (1, 7, 64, 1000):
            assert_same(g.random_(n, npdt), tnp(torch.empty(n, dtype=tdt).random_()))
            assert_same(g.randint(n, 0, 2, npdt), tnp(torch.randint(0, 2, (n,), dtype=tdt)))
    check_state(g)


def test_large_calls_cross_many_blocks(g):
    """Bulk paths (pieces that end on twist boundaries, odd offsets, 64-bit pairs) at a few sizes."""
    seeded(g, 18)
    for n in (52_416 * 2 + 5, 70_001):
        torch.rand(3)
        g.uniform(3, np.float32)
        assert_same(g.uniform(n, np.float64), tnp(torch.rand(n, dtype=torch.float64)))
        assert_same(g.randint(n, 0, 2 ** 40), tnp(torch.randint(0, 2 ** 40, (n,))))
        assert_same(g.uniform(n, np.float32, -1, 7), tnp(torch.empty(n).uniform_(-1, 7)))
        assert_same(g.randint(n, -3, 11, np.int16), tnp(torch.randint(-3, 11, (n,), dtype=torch.int16)))
        assert_same(g.normal(n, np.float64, 1.0, 2.0), tnp(torch.empty(n, dtype=torch.float64).normal_(1, 2)))
        check_state(g)


@pytest.mark.parametrize("block,tail", [(8, 4), (64, 16)])
def test_randperm_blocks_under_stress(g, monkeypatch, block, tail):
    """Tiny blocks make most steps conflict (shared targets, refilled positions, long chains, groups of
    several steps): the block algorithm still equals the sequential shuffle on the same draws."""
    monkeypatch.setattr(R, "_PERM_BLOCK", block)
    monkeypatch.setattr(R, "_PERM_TAIL", tail)
    rng = np.random.default_rng(block)
    for n in [tail + 1, 2 * block + 1] + rng.integers(tail + 1, 3000, 12).tolist():
        seeded(g, int(rng.integers(0, 2 ** 62)))
        perm, expected = _randperm_and_sequential(g, int(n))
        assert perm == expected, n
