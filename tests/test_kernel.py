"""The report kernel: warmed as it boots, stopped by whoever started it, killable from a
signal handler without leaving processes or socket files behind; one client per kernel, kept
from notebook to notebook."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from casebook.run.kernel import kernel_for, kill_kernel, run_in_kernel, start_kernel

pytestmark = pytest.mark.slow


def _files(km) -> list[Path]:
    ports = (km.shell_port, km.iopub_port, km.stdin_port, km.hb_port, km.control_port)
    return [Path(km.connection_file), *(Path(f"{km.ip}-{p}") for p in ports)]


def test_the_kernel_has_imported_casebook_before_the_first_cell() -> None:
    with kernel_for() as km:
        run_in_kernel(km, "import sys\nassert 'casebook.notebook.workbook' in sys.modules\n"
                          "assert 'pandas' in sys.modules and 'plotly' in sys.modules")
        with pytest.raises(RuntimeError, match="AssertionError"):
            run_in_kernel(km, "assert 'no.such.module' in sys.modules")
        assert km.transport == "ipc"
        # kept lean: the imports out of the collector's scans, no input history written
        run_in_kernel(km, "import gc\nassert gc.get_freeze_count() > 10_000\n"
                          "assert not get_ipython().history_manager.enabled")
        assert all(p.exists() for p in _files(km))
        started = km
    assert not started.has_kernel  # kernel_for stopped the kernel it started


def test_a_given_kernel_is_left_running() -> None:
    km = start_kernel()
    try:
        with kernel_for(km) as same:
            assert same is km
        assert km.has_kernel and km.provisioner.process.poll() is None
    finally:
        kill_kernel(km)


def test_kill_kernel_leaves_no_process_and_no_files() -> None:
    km = start_kernel()
    run_in_kernel(km, "pass")
    pid = km.provisioner.process.pid
    files = _files(km)
    kill_kernel(km)
    km.provisioner.process.wait(timeout=10)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not [p for p in files if p.exists()]


def test_code_sent_to_a_dead_kernel_is_an_error_not_a_hang() -> None:
    km = start_kernel()
    run_in_kernel(km, "pass")
    km.provisioner.process.kill()
    km.provisioner.process.wait(timeout=10)
    with pytest.raises(RuntimeError, match="the kernel died"):
        run_in_kernel(km, "pass", timeout=60)
    kill_kernel(km)


def test_notebooks_and_resets_share_one_client_made_once(tmp_path: Path) -> None:
    """Every request to a kernel goes through its one client: a second client would take
    the replies meant for the first (the session is the manager's), and a client per notebook
    would leave its sockets open, case after case."""
    from casebook.run.kernel import kernel_client, shutdown_kernel
    from casebook.run.report import render_report
    from tests.conftest import FIXTURES

    case = FIXTURES / "cases" / "clean-investigation--clean.yaml"
    km = start_kernel()
    made = []
    make = km.client

    def counted(**kw: object) -> object:
        made.append(kw)
        return make(**kw)

    km.client = counted
    try:
        kc = kernel_client(km)
        for n in range(3):
            run_in_kernel(km, "%reset -f")
            render_report(case, tmp_path / f"r{n}", km=km)
        assert kernel_client(km) is kc
        assert len(made) == 1  # one client, made once, for three notebooks and their resets
    finally:
        shutdown_kernel(km)
    assert not kc.channels_running
