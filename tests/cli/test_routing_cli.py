"""The command line on proficiency, selection policies and transfers: terminal, JSON, report."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DESKS = ROOT / "scenarios" / "specialist_desks.yaml"


def test_run_shows_handling_per_group_and_transfers(ccsim, tmp_path):
    out = tmp_path / "run"
    r = ccsim("run", DESKS, "-r", "2", "--no-figures", "--out", out)
    assert r.code == 0, r.err
    assert "first-contact resolution" in r.out and "complaint_desk" in r.out
    assert "transfers from" in r.out and "ASA after (s)" in r.out
    report = (out / "report.html").read_text()
    assert "Per answering group and call type" in report
    assert "Transfers after the first talk" in report
    # the report re-renders from the folder alone
    r = ccsim("report", out, "--no-figures")
    assert r.code == 0, r.err
    assert "transfers from" in r.out


def test_run_json_has_the_blocks(ccsim):
    r = ccsim("run", DESKS, "-r", "2", "--no-output", "--json")
    assert r.code == 0, r.err
    doc = r.json()
    pairs = doc["group_call_types"]
    assert set(pairs["complaint_desk"]) == {"complaint"}
    assert {"answered", "aht_s", "fcr"} <= set(pairs["general"]["query"])
    xt = doc["agent_transfers"]
    assert set(xt) == {"total", "by_group", "desks"}
    assert set(xt["by_group"]) == {"general", "new_hires"}
    rate = xt["by_group"]["new_hires"]["query"]["transfer_rate"]["mean"]
    assert 0.0 < rate < 0.3  # 10 % of the queries new hires answer
    assert "complaint" in xt["desks"]["complaint_desk"]


def test_validate_lists_every_routing_problem(ccsim, tmp_path):
    bad = DESKS.read_text().replace("to: complaint_desk", "to: complaint_dsk")
    bad = bad.replace("fcr: 0.75}", "fcr: 0.75, fcr_factor: 0.9}")
    f = tmp_path / "bad.yaml"
    f.write_text(bad)
    r = ccsim("validate", f)
    assert r.code == 2
    assert "transfers[0].to" in r.err and "complaint_dsk" in r.err
    assert "give fcr or fcr_factor, not both" in r.err
