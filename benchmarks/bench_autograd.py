"""Autograd overhead and memory, numtorch against torch.

1. Time: a 4-op graph (mul, add, exp, sum) forward + backward on a 2x3 tensor; ratio numtorch / torch.
2. Memory: extra peak resident memory during backward through a 50-layer chain of 1M-element float32
   tensors (each layer `sigmoid`, which saves its output; and `* 1.5`, which saves nothing). Measured
   the same way for both libraries in a fresh subprocess: reset the kernel's peak-RSS mark
   (/proc/self/clear_refs), run backward, read VmHWM. numtorch's tracemalloc peak is printed too.

Run: python benchmarks/bench_autograd.py
"""
from __future__ import annotations

import subprocess
import sys
import timeit


def small_graph(T):
    x = T.ones(2, 3, requires_grad=True)
    w = T.full((2, 3), 0.5)

    def step():
        y = ((x * w + 1).exp()).sum()
        y.backward()
    step()
    return step


def best_of(steps, n=2000, rounds=7):
    """Per-call seconds of each step; rounds interleave the libraries so machine load hits both alike."""
    best = [float("inf")] * len(steps)
    for _ in range(rounds):
        for i, s in enumerate(steps):
            best[i] = min(best[i], timeit.timeit(s, number=n) / n)
    return best


_MEM = r"""
import sys, tracemalloc
lib, op = sys.argv[1], sys.argv[2]
T = __import__(lib)

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) * 1024

x = T.ones(1_000_000, requires_grad=True)
y = x
for _ in range(50):
    y = y.sigmoid() if op == "sigmoid" else y * 1.5
loss = y.sum()
if lib == "numtorch":
    tracemalloc.start()
open("/proc/self/clear_refs", "w").write("5")
base = status("VmRSS")
loss.backward()
peak = status("VmHWM") - base
tm = tracemalloc.get_traced_memory()[1] if lib == "numtorch" else 0
print(peak, tm)
"""


def backward_peak(lib, op):
    out = subprocess.run([sys.executable, "-c", _MEM, lib, op], capture_output=True, text=True, check=True)
    peak, tm = out.stdout.split()
    return int(peak), int(tm)


def main():
    import torch

    import numtorch
    torch.set_num_threads(1)
    tn, tt = best_of([small_graph(numtorch), small_graph(torch)])
    print(f"4-op graph fwd+bwd (2x3): numtorch {tn * 1e6:.1f} us, torch {tt * 1e6:.1f} us, "
          f"ratio {tn / tt:.2f} (target <= 1.0)")
    for op in ("sigmoid", "mul"):
        (pn, tm), (pt, _) = backward_peak("numtorch", op), backward_peak("torch", op)
        print(f"backward peak extra RSS, 50 x 1M float32 {op} chain: numtorch {pn / 2**20:.1f} MiB "
              f"(tracemalloc {tm / 2**20:.1f} MiB), torch {pt / 2**20:.1f} MiB, ratio {pn / max(pt, 1):.2f} "
              "(target <= 1.1)")


if __name__ == "__main__":
    main()
