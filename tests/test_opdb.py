"""Differential sweep over torch's OpInfo database (see tests/opinfo.py): every op_db entry numtorch
implements, for float32/float64/int64/bool where op_db says torch supports it, as function, method,
in-place (on a clone) and out= (same object returned), plus one non-contiguous and one broadcast sample.
Known gaps are strict xfails from opinfo.XFAIL, so a fixed op shows up as XPASS."""
import opinfo
import pytest

_CASES = opinfo.cases()


def _param(case):
    reason = opinfo.xfail_reason(*case)
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(*case, id="-".join(case), marks=marks)


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name,variant,dtype", [_param(c) for c in _CASES])
def test_opdb(name, variant, dtype):
    opinfo.run_case(name, variant, dtype)


def test_xfail_table_is_live():
    """Every XFAIL key names a case of the sweep (stale entries would hide nothing and mislead)."""
    names = {c[0] for c in _CASES}
    stale = [k for k in opinfo.XFAIL if k[0] not in names]
    assert not stale, stale
