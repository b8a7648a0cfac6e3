"""The report kernel: warmed as it boots, stopped by whoever started it, killable from a
signal handler without leaving processes or socket files behind."""

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
