"""bench/due_list.py still runs (tiny sizes; the figures themselves are never asserted)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "due_list.py"


def test_bench_runs_and_prints_a_row_per_size(capsys):
    spec = importlib.util.spec_from_file_location("due_list_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--sizes", "20,40", "--jobs", "2", "--repeat", "2"]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.strip().startswith(("20 ", "40 "))]
    assert len(rows) == 2
    assert "growth" in out
    assert "best of 2 runs" in out


def test_synthetic_caseload_is_valid_and_seeded():
    spec = importlib.util.spec_from_file_location("due_list_bench2", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    from omtui.domain.caseformat import caseload_to_dict, parse_caseload

    cases = module.build(200, 3)
    assert cases == module.build(200, 3)
    result = parse_caseload(caseload_to_dict(cases))
    assert result.problems == [] and len(result.cases) == 200
    assert {c.order_type.value for c in cases} == {"CO", "SSO", "licence", "PSS"}
