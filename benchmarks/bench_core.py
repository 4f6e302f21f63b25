"""Core overhead: numtorch beside torch in one run, printing ratios (numtorch / torch; lower is better).

- import time: a fresh interpreter per import, best of 5, both libraries loading compiled bytecode (numtorch
  is byte-compiled first and PYTHONDONTWRITEBYTECODE is dropped: torch's wheel ships its .pyc files, and a
  user's numtorch install has them too)
- import memory: resident-set growth (VmRSS from /proc/self/status) across the import, in a fresh interpreter
- a basket of small-op latencies on 2x3 float32 tensors; the median ratio is the headline (target <= 1.0)

Run: python benchmarks/bench_core.py [--quick]
"""
from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import timeit

_IMPORT_TIME = "import time; t = time.perf_counter(); import {mod}; print(time.perf_counter() - t)"
_IMPORT_RSS = """
def rss():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS:'):
            return int(line.split()[1])
before = rss()
import {mod}
print(rss() - before)
"""


def _env():
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _fresh(code):
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=_env())
    return float(out.stdout.strip().splitlines()[-1])


def import_cost(mod, repeats=5):
    if mod == "numtorch":
        import numtorch
        compileall.compile_dir(os.path.dirname(numtorch.__file__), quiet=1)
    t = min(_fresh(_IMPORT_TIME.format(mod=mod)) for _ in range(repeats))
    kb = min(_fresh(_IMPORT_RSS.format(mod=mod)) for _ in range(max(1, repeats // 2)))
    return t, kb / 1024.0


BASKET = {
    "a+b": "a + b",
    "a*2": "a * 2",
    "a.sum()": "a.sum()",
    "torch.sin(a)": "lib.sin(a)",
    "a[0]": "a[0]",
    "a.reshape(3,2)": "a.reshape(3, 2)",
    "a @ b.T": "a @ b.T",
    "a.clone()": "a.clone()",
    "a.to(float64)": "a.to(lib.float64)",
    "a.mean()": "a.mean()",
    "a.view(-1)": "a.view(-1)",
    "torch.zeros(2,3)": "lib.zeros(2, 3)",
    "a > 0": "a > 0",
    "a.exp()": "a.exp()",
    "-a": "-a",
}


def latency(lib, stmt, number):
    a = lib.tensor([[1.0, -2.0, 3.0], [0.5, 4.0, -1.5]])
    b = lib.tensor([[0.25, 1.0, 2.0], [-1.0, 3.0, 0.5]])
    env = {"lib": lib, "a": a, "b": b}
    try:
        eval(stmt, env)
    except Exception as e:  # noqa: BLE001 - an op still missing shows as n/a, not a crash
        return None, f"{type(e).__name__}: {e}"[:60]
    times = timeit.repeat(stmt, globals=env, number=number, repeat=5)
    return min(times) / number * 1e6, None


def main(argv):
    quick = "--quick" in argv
    number = 2000 if quick else 20000
    import torch

    import numtorch
    torch.set_num_threads(1)

    print(f"{'measure':<20}{'numtorch':>12}{'torch':>12}{'ratio':>8}")
    if "--no-import" not in argv:
        nt_t, nt_m = import_cost("numtorch", 3 if quick else 5)
        th_t, th_m = import_cost("torch", 3 if quick else 5)
        print(f"{'import time (s)':<20}{nt_t:>12.3f}{th_t:>12.3f}{nt_t / th_t:>8.2f}")
        print(f"{'import RSS (MiB)':<20}{nt_m:>12.1f}{th_m:>12.1f}{nt_m / th_m:>8.2f}")

    ratios = []
    for name, stmt in BASKET.items():
        n, err = latency(numtorch, stmt, number)
        t, _ = latency(torch, stmt, number)
        if n is None:
            print(f"{name:<20}{'n/a':>12}{t:>11.2f}u{'':>8}  ({err})")
            continue
        ratios.append(n / t)
        print(f"{name:<20}{n:>11.2f}u{t:>11.2f}u{n / t:>8.2f}")
    if ratios:
        med = statistics.median(ratios)
        print(f"{'median ratio':<20}{'':>24}{med:>8.2f}   (target <= 1.0; u = microseconds)")


if __name__ == "__main__":
    main(sys.argv[1:])
