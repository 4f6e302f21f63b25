"""Generate COVERAGE.md: the issue's torch names, what numtorch implements for each (function, method,
in-place, out=), and the status of its op_db sweep (tests/opinfo.py, run here in-process).

Usage: python tools/coverage_report.py [output path, default COVERAGE.md in the repo root]
"""
from __future__ import annotations

import collections
import inspect
import os
import sys
import time
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, "tests")]

POINTWISE = """abs neg sign sgn signbit sqrt rsqrt square exp exp2 expm1 log log2 log10 log1p sin cos tan asin acos
atan sinh cosh tanh asinh acosh atanh sigmoid logit erf erfc erfinv lgamma digamma polygamma mvlgamma i0 sinc
deg2rad rad2deg floor ceil round trunc frac fix reciprocal clamp clip clamp_min clamp_max nan_to_num lerp hypot
atan2 arctan2 fmod remainder pow float_power xlogy copysign nextafter ldexp frexp logaddexp logaddexp2 maximum
minimum fmax fmin add sub mul div true_divide floor_divide addcmul addcdiv bitwise_and bitwise_or bitwise_xor
bitwise_not bitwise_left_shift bitwise_right_shift logical_and logical_or logical_xor logical_not eq ne lt le gt
ge greater greater_equal less less_equal not_equal isclose allclose equal isnan isinf isposinf isneginf isfinite
isreal heaviside gcd lcm conj angle real imag polar complex absolute negative subtract multiply divide arccos
arcsin arctan arccosh arcsinh arctanh""".split()
REDUCTIONS = """sum nansum mean nanmean prod std var std_mean var_mean max min amax amin aminmax argmax argmin all any
norm logsumexp cumsum cumprod cummax cummin logcumsumexp median nanmedian mode quantile nanquantile count_nonzero
diff trace""".split()
SORTING = """sort argsort msort topk kthvalue unique unique_consecutive searchsorted bucketize bincount histc
histogram""".split()
LINALG = """matmul mm bmm mv dot vdot inner outer ger addmm addbmm baddbmm addmv addr einsum tensordot kron cross
chain_matmul svd det inverse cholesky qr pinverse""".split() + ["linalg." + n for n in """norm vector_norm
matrix_norm det slogdet inv pinv solve lstsq cholesky qr eig eigh eigvals eigvalsh svd svdvals matrix_rank
matrix_power matrix_exp cond lu_factor solve_triangular vander cross multi_dot""".split()]
SPECIAL = ["special." + n for n in """erf erfc erfcx erfinv expit logit exp2 expm1 log1p gammaln digamma psi
polygamma multigammaln i0 i0e i1 i1e ndtr ndtri log_ndtr sinc round xlogy xlog1py zeta entr logsumexp softmax
log_softmax bessel_j0 bessel_j1 bessel_y0 bessel_y1""".split()]
SECTIONS = {"Pointwise": POINTWISE, "Reductions": REDUCTIONS, "Sorting and counting": SORTING,
            "Linear algebra": LINALG, "torch.special": SPECIAL}


def _resolve(mod, name):
    for part in name.split("."):
        mod = getattr(mod, part, None)
        if mod is None:
            return None
    return mod


def _has_out(fn):
    try:
        return "out" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def main(path=None):
    import opinfo

    import numtorch
    from numtorch._ops._registry import FUNCTIONS, OPS
    warnings.simplefilter("ignore")
    t0 = time.time()
    results = opinfo.sweep()
    elapsed = time.time() - t0
    by_entry = collections.defaultdict(list)   # op_db full name -> [(variant, dtype, status, reason)]
    for (name, variant, dtype), (status, msg) in results.items():
        reason = opinfo.xfail_reason(name, variant, dtype)
        st = "pass" if status == "pass" else ("xfail" if reason else "FAIL")
        by_entry[name].append((variant, dtype, st, reason or msg))
    # one torch function may have several op_db entries (variant_test_name) and aliases
    entries_of = collections.defaultdict(list)
    for full, op in opinfo.ops().items():
        for n in [op.name] + [a.name for a in op.aliases]:
            entries_of[n].append(full)
    from torch.testing._internal.common_methods_invocations import op_db
    in_db = {op.name for op in op_db} | {a.name for op in op_db for a in op.aliases}

    def status(name):
        rows = [r for e in entries_of.get(name, []) for r in by_entry[e]]
        if not rows:
            if name not in in_db:
                return "not in op_db", rows
            if name in opinfo.SKIP:
                return "in op_db, skipped: " + opinfo.SKIP[name], rows
            if entries_of.get(name):
                return "in op_db, but only for dtypes outside float32/float64/int64/bool", rows
            return "in op_db, numtorch lacks it", rows
        sts = {r[2] for r in rows}
        return ("pass" if sts == {"pass"} else "FAIL" if "FAIL" in sts else "xfail"), rows

    def impl(name):
        fn = _resolve(numtorch, name)
        leaf = name.split(".")[-1]
        is_tensor_ns = "." not in name
        meth = is_tensor_ns and hasattr(numtorch.Tensor, leaf)
        inpl = is_tensor_ns and hasattr(numtorch.Tensor, leaf + "_")
        op = OPS.get(leaf)
        out = fn is not None and (_has_out(fn) or (op is not None and FUNCTIONS.get(leaf) is fn))
        return fn is not None, meth, inpl, out

    lines = ["# numtorch operator coverage", "",
             "Generated by `python tools/coverage_report.py` from the op registry and the op_db sweep of",
             "`tests/test_opdb.py` (torch's own OpInfo sample inputs; float32, float64, int64, bool where",
             "torch supports them; function / method / in-place on a clone / out= / non-contiguous /",
             "broadcast). Do not edit by hand.", ""]
    # counts over all op_db functions the sweep covers (not only the list)
    fn_status = {}
    for full, op in opinfo.ops().items():
        sts = {r[2] for r in by_entry[full]}
        prev = fn_status.get(op.name, "pass")
        cur = "pass" if sts <= {"pass"} else "FAIL" if "FAIL" in sts else "xfail"
        fn_status[op.name] = max(prev, cur, key=["pass", "xfail", "FAIL"].index)
    n_pass = sum(s == "pass" for s in fn_status.values())
    n_cases = len(results)
    n_case_pass = sum(v[0] == "pass" for v in results.values())
    xf = collections.Counter(r[3] for rows in by_entry.values() for r in rows if r[2] == "xfail")
    fails = [(e, r) for e, rows in by_entry.items() for r in rows if r[2] == "FAIL"]
    lines += ["## Summary", "",
              f"- torch functions in the sweep: {len(fn_status)}; **passing all their samples: {n_pass}**",
              f"- functions with a known gap (xfail): {sum(s == 'xfail' for s in fn_status.values())}; "
              f"unexpected failures: {sum(s == 'FAIL' for s in fn_status.values())}",
              f"- sweep cases (op entry x variant x dtype): {n_cases}, passing: {n_case_pass}, "
              f"xfail: {sum(xf.values())}, failing: {len(fails)} (sweep ran in {elapsed:.0f} s)",
              f"- numtorch registry: {len(FUNCTIONS)} namespace functions", "",
              "### Known gaps (xfail cases by reason)", ""]
    lines += [f"- {n} case(s): {reason}" for reason, n in xf.most_common()]
    if fails:
        lines += ["", "### Unexpected failures", ""] + [f"- {e} {r[0]} {r[1]}: {r[3]}" for e, r in fails]
    skipped = [f"- {n}: {why}" for n, why in opinfo.SKIP.items()]
    lines += ["", "### op_db entries not swept", ""] + skipped
    for title, names in SECTIONS.items():
        lines += ["", f"## {title}", "", "| torch name | function | method | in-place | out= | op_db sweep |",
                  "|---|---|---|---|---|---|"]
        for name in names:
            f, m, i, o = impl(name)
            st, rows = status(name)
            if st == "xfail":
                st = "xfail: " + "; ".join(sorted({r[3] for r in rows if r[2] == "xfail"}))
            elif st == "FAIL":
                st = "FAIL: " + "; ".join(sorted({f"{r[0]} {r[1]}" for r in rows if r[2] == "FAIL"}))
            elif st == "pass":
                st = f"pass ({len(rows)} cases)"
            if not f:
                st = "NOT IMPLEMENTED" + ("" if st.startswith("not in") else f" ({st})")
            yn = ["yes" if x else "-" for x in (f, m, i, o)]
            lines.append(f"| `{name}` | " + " | ".join(yn) + f" | {st} |")
    path = path or os.path.join(ROOT, "COVERAGE.md")
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    print(f"wrote {path}: {n_pass} functions pass all samples; {len(fails)} unexpected failing cases")


if __name__ == "__main__":
    main(*sys.argv[1:2])
