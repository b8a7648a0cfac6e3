"""The case-study notebook in a real JupyterLab, driven by headless Chromium.

A copy of ``notebooks/case-study.ipynb`` is served from a temporary folder (so autosave never
touches the committed notebook) by a JupyterLab on a free loopback port, with a random token
and every Jupyter directory (config, data, runtime, settings, workspaces, IPython) inside the
temporary folder. Chromium may reach only that server. The test runs all cells through
JupyterLab's own command, then checks that no cell failed and that the plotly figures were
drawn by JupyterLab's plotly renderer. The server (and its kernel) is always shut down.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.browser import (
    FIGURE_TEXTS_JS,
    launch_chromium,
    local_server,
    open_page,
    require_chromium,
    text_clashes,
)
from tests.conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "case-study.ipynb"
JUPYTER = Path(sys.executable).with_name("jupyter")
START_TIMEOUT_S = 90
RUN_TIMEOUT_S = 180
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Lab:
    url: str
    port: int
    token: str
    root: Path
    log: Path
    process: subprocess.Popen[bytes]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, method: str = "GET") -> bytes:
    request = urllib.request.Request(url, method=method)
    with urllib.request.urlopen(request, timeout=5) as response:  # loopback only
        return bytes(response.read())


def _log_tail(log: Path, n: int = 3000) -> str:
    try:
        return log.read_text(encoding="utf-8", errors="replace")[-n:]
    except OSError:
        return "(no log)"


def _start(root: Path, env: dict[str, str], log: Path) -> Lab:
    port, token = _free_port(), secrets.token_hex(24)
    cmd = [str(JUPYTER), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           "--ServerApp.port_retries=0", f"--ServerApp.token={token}",
           f"--ServerApp.root_dir={root}", "--allow-root", "--ServerApp.open_browser=False",
           "--LabApp.news_url=None",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           "--LabApp.extension_manager=readonly",
           "--LabApp.expose_app_in_browser=True"]
    with log.open("ab") as sink:
        process = subprocess.Popen(cmd, cwd=root, env=env, stdout=sink,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    return Lab(f"http://127.0.0.1:{port}", port, token, root, log, process)


def _wait_until_up(lab: Lab) -> bool:
    """True once /api/status answers; False if the server exited (e.g. the port was taken)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if lab.process.poll() is not None:
            return False
        with contextlib.suppress(OSError, urllib.error.URLError):
            json.loads(_get(f"{lab.url}/api/status?token={lab.token}"))
            return True
        time.sleep(0.2)
    raise AssertionError(f"JupyterLab did not answer within {START_TIMEOUT_S} s:\n"
                         + _log_tail(lab.log))


def _kernel_pids(runtime: Path) -> list[int]:
    """Kernels this server started: their command line names a connection file in our
    private runtime folder."""
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            with contextlib.suppress(OSError):
                if str(runtime).encode() in (proc / "cmdline").read_bytes():
                    pids.append(int(proc.name))
    return pids


def _stop(lab: Lab, runtime: Path) -> None:
    """Shut kernels down through the API, then end the server's process group, then any
    kernel of ours still alive — by process id only."""
    with contextlib.suppress(Exception):
        for kernel in json.loads(_get(f"{lab.url}/api/kernels?token={lab.token}")):
            _get(f"{lab.url}/api/kernels/{kernel['id']}?token={lab.token}", method="DELETE")
    if lab.process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(lab.process.pid, signal.SIGTERM)
        try:
            lab.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(lab.process.pid, signal.SIGKILL)
            lab.process.wait(timeout=10)
    for pid in _kernel_pids(runtime):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def jupyterlab(folder: Path) -> Iterator[Lab]:
    """A JupyterLab serving ``folder``, hermetic and quiet; always stopped afterwards."""
    home = folder.parent / "jupyter-home"
    dirs = {name: home / name for name in ("config", "data", "runtime", "settings",
                                           "workspaces", "ipython")}
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER", "IPYTHON")) and k != "CASEBOOK_ROOT"}
    env |= {"JUPYTER_CONFIG_DIR": str(dirs["config"]), "JUPYTER_DATA_DIR": str(dirs["data"]),
            "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
            "JUPYTERLAB_SETTINGS_DIR": str(dirs["settings"]),
            "JUPYTERLAB_WORKSPACES_DIR": str(dirs["workspaces"]),
            "IPYTHONDIR": str(dirs["ipython"]), "JUPYTER_PLATFORM_DIRS": "1",
            "PYTHONDONTWRITEBYTECODE": "1"}
    # no "get notified about Jupyter news?" toast over the screenshots
    notification = dirs["settings"] / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True, exist_ok=True)
    (notification / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8")
    log = home / "jupyterlab.log"
    lab = None
    try:
        for _attempt in range(3):  # a free port can be taken before the server binds it
            lab = _start(folder, env, log)
            if _wait_until_up(lab):
                break
            _stop(lab, dirs["runtime"])
        else:
            raise AssertionError("JupyterLab would not start:\n" + _log_tail(log))
        yield lab
    finally:
        if lab is not None:
            _stop(lab, dirs["runtime"])
        artifacts = ROOT / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        with contextlib.suppress(OSError):
            shutil.copyfile(log, artifacts / "jupyterlab-server.log")


# JavaScript run in the page (window.jupyterapp exists with expose_app_in_browser).
_NOTEBOOK_OPEN = """() => {
    const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    return !!(w && w.context && w.context.path === 'case-study.ipynb' && w.sessionContext
              && w.content && w.content.widgets.length > 0);
}"""
_KERNEL_IDLE = """() => {
    const k = jupyterapp.shell.currentWidget.sessionContext.session?.kernel;
    return !!k && k.status === 'idle';
}"""
_RUN_ALL = """async () => {
    const w = jupyterapp.shell.currentWidget;
    await w.context.ready;
    await w.sessionContext.ready;
    window.__casebookRun = null;
    jupyterapp.commands.execute('notebook:run-all-cells').then(
        r => { window.__casebookRun = 'done:' + r; },
        e => { window.__casebookRun = 'failed:' + e; });
    return w.content.widgets.length;
}"""
_RUN_FINISHED = """() => {
    const w = jupyterapp.shell.currentWidget;
    const k = w.sessionContext.session?.kernel;
    const busy = [...w.node.querySelectorAll('.jp-InputPrompt')]
        .some(p => p.textContent.includes('*'));
    return window.__casebookRun !== null && !!k && k.status === 'idle' && !busy;
}"""
_CELLS = """() => jupyterapp.shell.currentWidget.content.widgets
    .filter(c => c.model.type === 'code')
    .map((c, i) => ({index: i, count: c.model.executionCount,
                     source: c.model.sharedModel.getSource().slice(0, 60),
                     outputs: c.model.outputs.toJSON()}))"""
_DRAWN = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .filter(div => div.querySelector('.main-svg') && div._fullData).length >= 2"""
#: Each figure's width against its output area's: JupyterLab beside its file browser on a
#: 1,000 px screen leaves an output area about 570 px wide.
_FITS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(div => {
    const out = div.closest('.jp-OutputArea-output');
    return {id: div.id, plot: div.getBoundingClientRect().width, area: out.clientWidth,
            scroll: out.scrollWidth};
})"""
_PLOTS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(div => ({
    svg: div.querySelectorAll('.main-svg').length,
    points: (div._fullData || []).map(t => t.x ? Array.from(t.x)
        .filter(v => v !== null && v !== undefined).length : 0)}))"""


def _cell_errors(cells: list[dict[str, Any]]) -> list[str]:
    return [f"cell {c['index']} ({c['source']!r}): {o.get('ename')}: {o.get('evalue')}\n"
            + _ANSI.sub("", "\n".join(o.get("traceback", [])))[-1500:]
            for c in cells for o in c["outputs"] if o.get("output_type") == "error"]


@pytest.mark.browser
@pytest.mark.slow
def test_notebook_runs_in_jupyterlab_and_draws_its_figures(tmp_path: Path) -> None:
    require_chromium()  # before starting a server we could not use
    folder = tmp_path / "lab"
    folder.mkdir()
    shutil.copyfile(NOTEBOOK, folder / "case-study.ipynb")
    with jupyterlab(folder) as lab, launch_chromium() as browser, \
            open_page(browser, allow=local_server(lab.port), viewport=(1000, 900)) as view:
        page = view.page
        try:
            page.goto(f"{lab.url}/lab/tree/case-study.ipynb?reset&token={lab.token}",
                      wait_until="domcontentloaded")
            page.wait_for_function(_NOTEBOOK_OPEN, timeout=90_000, polling=250)
            page.wait_for_function(_KERNEL_IDLE, timeout=90_000, polling=250)
            page.evaluate(_RUN_ALL)
            page.wait_for_function(_RUN_FINISHED, timeout=RUN_TIMEOUT_S * 1000, polling=500)
        except Exception:
            view.screenshot("jupyterlab-failure")
            raise
        cells = page.evaluate(_CELLS)
        view.screenshot("jupyterlab-notebook")
        errors = _cell_errors(cells)
        assert errors == [], "\n\n".join(errors)
        not_run = [c for c in cells if c["source"].strip() and c["count"] is None]
        assert not_run == [], f"cells that never ran: {not_run}"
        assert page.evaluate("window.__casebookRun") == "done:true"
        stderr = page.evaluate(
            "[...document.querySelectorAll('.jp-OutputArea-output"
            "[data-mime-type=\"application/vnd.jupyter.stderr\"]')].map(e => e.innerText)")
        tracebacks = [t for t in stderr if "Traceback" in t or re.search(r"\w+Error\b", t)]
        assert tracebacks == [], tracebacks
        try:  # JupyterLab's plotly renderer draws after the outputs arrive
            page.wait_for_function(_DRAWN, timeout=30_000, polling=250)
        finally:
            plots = page.evaluate(_PLOTS)
            first = page.locator(".js-plotly-plot").first
            if first.count():
                first.scroll_into_view_if_needed()
                page.wait_for_timeout(300)
            view.screenshot("jupyterlab-timeline")
        drawn = [p for p in plots if p["svg"] >= 1 and max(p["points"], default=0) >= 1]
        assert len(drawn) >= 2, f"plotly figures drawn by JupyterLab: {plots}"
        # each figure fits its output area (no sideways scrolling), and no texts overlap
        fits = page.evaluate(_FITS)
        assert all(f["plot"] <= f["area"] and f["scroll"] <= f["area"] for f in fits), fits
        assert max(f["area"] for f in fits) < 700        # the narrow width that scrolled
        clashes = [c for i in range(len(fits)) for c in text_clashes(page.evaluate(
            f"() => ({FIGURE_TEXTS_JS})(document.querySelectorAll('.js-plotly-plot')[{i}])"))]
        assert clashes == [], clashes
        assert view.page_errors == [], view.page_errors
        outside = [u for u in view.blocked if not u.startswith(lab.url)]
        assert outside == [], f"JupyterLab tried to reach the network: {outside}"


# A trainer steps through the classroom notebook: each decision point is one cell, run alone.
_LESSON_OPEN = """(name) => {
    const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    return !!(w && w.context && w.context.path === name && w.sessionContext
              && w.content && w.content.widgets.length > 0);
}"""
_RUN_CELL = """async (i) => {
    const w = jupyterapp.shell.currentWidget;
    await w.context.ready;
    await w.sessionContext.ready;
    w.content.activeCellIndex = i;
    window.__casebookCell = null;
    jupyterapp.commands.execute('notebook:run-cell').then(
        r => { window.__casebookCell = 'done:' + r; },
        e => { window.__casebookCell = 'failed:' + e; });
    return w.content.activeCellIndex;
}"""
_CELL_DONE = """(i) => {
    const w = jupyterapp.shell.currentWidget;
    const k = w.sessionContext.session?.kernel;
    const c = w.content.widgets[i];
    return window.__casebookCell !== null && !!k && k.status === 'idle'
        && c.model.executionCount !== null;
}"""
_CELL_STATE = """(i) => {
    const c = jupyterapp.shell.currentWidget.content.widgets[i];
    return {count: c.model.executionCount, outputs: c.model.outputs.toJSON(),
            plots: [...c.node.querySelectorAll('.js-plotly-plot')]
                .filter(d => d.querySelector('.main-svg')).length,
            text: c.node.innerText};
}"""


def _outputs_text(outputs: list[dict[str, Any]]) -> str:
    return " ".join("".join(o.get("data", {}).get("text/html", "")) for o in outputs)


@pytest.mark.browser
@pytest.mark.slow
def test_a_trainer_steps_through_the_decision_points_one_cell_at_a_time(tmp_path: Path) -> None:
    import nbformat

    from casebook.run.lesson import write_lesson_notebook

    require_chromium()
    folder = tmp_path / "lab"
    folder.mkdir()
    notebook = write_lesson_notebook(ROOT / "casefile" / "williams-shinola.yaml",
                                     folder / "lesson.ipynb", audience="trainer")
    nb = nbformat.read(notebook, as_version=4)
    first = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and ("setup" in c.metadata.get("tags", []) or
                                           c.source.startswith("lesson = "))]
    points = [(i, c.metadata["casebook"]) for i, c in enumerate(nb.cells)
              if "decision_point" in c.metadata.get("casebook", {})]
    assert len(first) == 2 and len(points) >= 4
    with jupyterlab(folder) as lab, launch_chromium() as browser, \
            open_page(browser, allow=local_server(lab.port), viewport=(1400, 1000)) as view:
        page = view.page

        def run(index: int) -> dict[str, Any]:
            page.evaluate(_RUN_CELL, index)
            page.wait_for_function(_CELL_DONE, arg=index, timeout=RUN_TIMEOUT_S * 1000,
                                   polling=250)
            state: dict[str, Any] = page.evaluate(_CELL_STATE, index)
            errors = [o for o in state["outputs"] if o.get("output_type") == "error"]
            assert errors == [], (index, errors)
            return state

        try:
            page.goto(f"{lab.url}/lab/tree/lesson.ipynb?reset&token={lab.token}",
                      wait_until="domcontentloaded")
            page.wait_for_function(_LESSON_OPEN, arg="lesson.ipynb", timeout=90_000,
                                   polling=250)
            page.wait_for_function(_KERNEL_IDLE, timeout=90_000, polling=250)
            for index in [i for i, c in enumerate(nb.cells)
                          if "parameters" in c.metadata.get("tags", [])] + first:
                run(index)
            for k, (index, meta) in enumerate(points):
                for later, _meta in points[k:]:  # nothing shown yet from here on
                    assert page.evaluate(_CELL_STATE, later)["outputs"] == [], later
                state = run(index)
                markup = _outputs_text(state["outputs"])
                heading = (f'data-event="{meta["event"]}" data-decision-point='
                           f'"{meta["decision_point"]}">Decision point {meta["decision_point"]}:')
                assert heading in markup, markup[:300]
                assert f"Decision point {meta['decision_point']}:" in state["text"]
                page.wait_for_function(
                    "(i) => [...jupyterapp.shell.currentWidget.content.widgets[i].node"
                    ".querySelectorAll('.js-plotly-plot')].filter(d => d.querySelector("
                    "'.main-svg')).length >= 2", arg=index, timeout=30_000, polling=250)
                if k == 1:
                    page.locator(".jp-Cell").nth(index).scroll_into_view_if_needed()
                    view.screenshot("jupyterlab-decision-point")
        except Exception:
            view.screenshot("jupyterlab-lesson-failure")
            raise
        assert view.page_errors == [], view.page_errors
        outside = [u for u in view.blocked if not u.startswith(lab.url)]
        assert outside == [], f"JupyterLab tried to reach the network: {outside}"
