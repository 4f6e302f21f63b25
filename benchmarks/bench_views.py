"""View and indexing hot paths, numtorch vs torch in one run: a[0], a[:, 1], a[mask], a[idx], a.view(-1),
a.permute(1, 0). Prints each timing, the ratio numtorch/torch (lower is better) and the median ratio."""
import statistics
import timeit

import numpy as np
import torch

import numtorch as nt


def _best(fn, number=20000, repeat=5):
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def main():
    x = np.random.default_rng(0).standard_normal((64, 64)).astype(np.float32)
    a, ta = nt.tensor(x), torch.tensor(x)
    m, tm = a > 0, ta > 0
    i, ti = nt.tensor([3, 1, 60, 7]), torch.tensor([3, 1, 60, 7])
    cases = {
        "a[0]": (lambda: a[0], lambda: ta[0]),
        "a[:, 1]": (lambda: a[:, 1], lambda: ta[:, 1]),
        "a[mask]": (lambda: a[m], lambda: ta[tm]),
        "a[idx]": (lambda: a[i], lambda: ta[ti]),
        "a.view(-1)": (lambda: a.view(-1), lambda: ta.view(-1)),
        "a.permute(1, 0)": (lambda: a.permute(1, 0), lambda: ta.permute(1, 0)),
    }
    ratios = []
    print(f"{'case':<18}{'numtorch us':>12}{'torch us':>10}{'ratio':>8}")
    for name, (f, tf) in cases.items():
        n, t = _best(f), _best(tf)
        ratios.append(n / t)
        print(f"{name:<18}{n * 1e6:>12.2f}{t * 1e6:>10.2f}{n / t:>8.2f}")
    print(f"median ratio: {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
