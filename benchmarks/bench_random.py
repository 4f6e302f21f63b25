"""numtorch's random engine against torch's CPU generator, side by side in one process.

    python benchmarks/bench_random.py            # 10**6 and 10**7 elements, plus tiny calls
    python benchmarks/bench_random.py --quick    # 10**6 only
    python benchmarks/bench_random.py --api      # also time the public numtorch.* functions at 10**6
    python benchmarks/bench_random.py --cpu      # thread CPU time instead of wall time (busy machines)

Each case is timed as the best of several interleaved repetitions (torch and numtorch alternate, so load
from other processes hits both alike).  torch runs with one thread; its RNG kernels are serial anyway.
The ratio is numtorch time / torch time.  Both generators are seeded identically and the outputs are
checked for equality once per case, so a ratio is never reported for wrong numbers.
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import torch  # noqa: E402

from numtorch import _random  # noqa: E402

torch.set_num_threads(1)


CLOCK = time.perf_counter


def best(fn, reps, number):
    fn()
    t = float("inf")
    for _ in range(reps):
        t0 = CLOCK()
        for _ in range(number):
            fn()
        t = min(t, (CLOCK() - t0) / number)
    return t


def compare(name, tfn, nfn, reps, number, check=True):
    torch.manual_seed(1234)
    g.manual_seed(1234)
    if check:
        a = tfn()
        b = nfn()
        a = a.numpy() if hasattr(a, "numpy") else np.asarray(a)
        ok = a.shape == np.shape(b) and a.tobytes() == np.ascontiguousarray(b).tobytes()
    else:
        ok = True
    tt = nt = float("inf")
    for _ in range(reps):  # interleave
        tt = min(tt, best(tfn, 1, number))
        nt = min(nt, best(nfn, 1, number))
    unit, scale = ("us", 1e6) if tt < 1e-3 else ("ms", 1e3)
    flag = "" if ok else "   VALUES DIFFER"
    print(f"{name:34s} torch {tt * scale:9.3f} {unit}   numtorch {nt * scale:9.3f} {unit}   "
          f"ratio {nt / tt:6.2f}{flag}")
    return nt / tt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--api", action="store_true", help="also time numtorch's public functions")
    ap.add_argument("--cpu", action="store_true", help="measure this thread's CPU time, not wall time")
    args = ap.parse_args()
    if args.cpu:
        global CLOCK
        CLOCK = time.thread_time
    sizes = [10 ** 6] if args.quick else [10 ** 6, 10 ** 7]
    print(f"torch {torch.__version__}, numpy {np.__version__}, cpu capability "
          f"{torch.backends.cpu.get_cpu_capability()}, clock {'thread CPU' if args.cpu else 'wall'}")
    for n in sizes:
        reps = 7 if n <= 10 ** 6 else 3
        print(f"--- n = {n:,}")
        f32, f64 = np.float32, np.float64
        compare("rand f32", lambda: torch.rand(n), lambda: g.uniform(n, f32), reps, 1)
        compare("rand f64", lambda: torch.rand(n, dtype=torch.float64), lambda: g.uniform(n, f64), reps, 1)
        compare("uniform_(-2, 3) f32", lambda: torch.empty(n).uniform_(-2, 3),
                lambda: g.uniform(n, f32, -2, 3), reps, 1)
        compare("randint(0, 10) int64", lambda: torch.randint(0, 10, (n,)),
                lambda: g.randint(n, 0, 10), reps, 1)
        compare("randint(0, 2**40) int64", lambda: torch.randint(0, 2 ** 40, (n,)),
                lambda: g.randint(n, 0, 2 ** 40), reps, 1)
        compare("randn f32", lambda: torch.randn(n), lambda: g.normal(n, f32), reps, 1)
        compare("normal_(2, 0.5) f32", lambda: torch.empty(n).normal_(2, 0.5),
                lambda: g.normal(n, f32, 2, 0.5), reps, 1)
        compare("randn f64", lambda: torch.randn(n, dtype=torch.float64), lambda: g.normal(n, f64), reps, 1)
        compare("randperm", lambda: torch.randperm(n), lambda: g.randperm(n), reps, 1)
    print("--- tiny calls")
    for k in (3, 6):
        compare(f"rand({k})", lambda: torch.rand(k), lambda: g.uniform(k, np.float32), 7, 2000)
    compare("randn(3)", lambda: torch.randn(3), lambda: g.normal(3, np.float32), 7, 2000)
    compare("randn(100)", lambda: torch.randn(100), lambda: g.normal(100, np.float32), 7, 500)
    compare("randint(0, 10, (6,))", lambda: torch.randint(0, 10, (6,)), lambda: g.randint(6, 0, 10), 7, 2000)
    compare("randperm(10)", lambda: torch.randperm(10), lambda: g.randperm(10), 7, 2000)
    import numtorch
    print("--- tiny calls through the public API (what users call: includes argument handling and the Tensor)")
    x = {torch: torch.ones(2, 3), numtorch: numtorch.ones(2, 3)}
    for name, f in (("rand(3)", lambda L: L.rand(3)), ("randn(3)", lambda L: L.randn(3)),
                    ("rand(2, 3)", lambda L: L.rand(2, 3)), ("randn(2, 3)", lambda L: L.randn(2, 3)),
                    ("randint(0, 10, (6,))", lambda L: L.randint(0, 10, (6,))),
                    ("randperm(10)", lambda L: L.randperm(10)), ("rand_like(x)", lambda L: L.rand_like(x[L])),
                    ("empty(3).uniform_()", lambda L: L.empty(3).uniform_())):
        compare(name, lambda: f(torch), lambda: f(numtorch), 7, 2000, check=False)
    if args.api:
        print("--- public numtorch API at 10**6 elements")
        n = 10 ** 6
        for name, tf, nf in (("torch.rand(n)", lambda: torch.rand(n), lambda: numtorch.rand(n)),
                             ("torch.randn(n)", lambda: torch.randn(n), lambda: numtorch.randn(n))):
            compare(name, tf, nf, 5, 1, check=False)


g = _random.Generator()

if __name__ == "__main__":
    main()
