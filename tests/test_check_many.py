"""``casebook check DIR --format csv``: the engine over many case files, one findings table,
an invalid file reported and the rest checked."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from casebook.cli import main
from casebook.run import check_many
from tests.conftest import FIXTURES

CASES = FIXTURES / "cases"
CLEAN = CASES / "clean-investigation--clean.yaml"


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_a_folder_is_one_table_of_every_case_and_its_invalid_file_is_located(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    shutil.copy(CLEAN, folder / "a-clean.yaml")
    witness = next(CASES.glob("witness-not-present--fails-*.yaml"))
    shutil.copy(witness, folder / "b-witness.yaml")
    shutil.copy(FIXTURES / "invalid" / "bad-dates--error.yaml", folder / "c-broken.yaml")
    one = {}
    for name in ("a-clean.yaml", "b-witness.yaml"):  # each alone, the one-case route
        main(["check", str(folder / name), "--format", "csv", "--lens", "best",
              "--as-of", "2026-11-22"])
        one[name] = _rows(capsys.readouterr().out)
    monkeypatch.setattr(check_many, "CHUNK", 1)  # one task per file: the order is kept

    code = main(["check", str(folder), "--format", "csv", "--jobs", "2", "--lens", "best",
                 "--as-of", "2026-11-22"])
    out = capsys.readouterr()
    assert code == 2  # an invalid file, reported; the others still checked
    assert out.out.count("case,protocol,") == 1  # one header
    rows = _rows(out.out)
    assert rows == one["a-clean.yaml"] + one["b-witness.yaml"]
    assert {r["case"] for r in rows} == {"clean-investigation", "witness-not-present"}
    assert any(r["violation"] == "True" for r in rows)
    assert "c-broken.yaml:9:11: events[0].when" in out.err
    assert "3 case files checked" in out.err and "1 with violations, 1 invalid" in out.err


def test_several_valid_files_exit_1_on_a_violation(capsys: pytest.CaptureFixture[str]) -> None:
    witness = next(CASES.glob("witness-not-present--fails-*.yaml"))
    assert main(["check", str(CLEAN), str(witness), "--format", "csv", "--jobs", "1",
                 "--lens", "best", "--as-of", "2026-11-22"]) == 1
    assert {r["case"] for r in _rows(capsys.readouterr().out)} == {
        "clean-investigation", "witness-not-present"}


def test_several_files_need_the_csv_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(CASES)]) == 2
    assert "give --format csv" in capsys.readouterr().err


def test_an_unknown_protocol_stops_a_folder_check_before_any_case(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(CASES), "--format", "csv", "--protocol", "dpd-307-6"]) == 2
    err = capsys.readouterr().err
    assert "dpd-307-6" in err and "case files checked" not in err
