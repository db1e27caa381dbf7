"""Warm kernels: an IPython kernel started once, given the templates' imports before any step is
ready, then used for one notebook after another (its namespace reset between them); a pool of such
kernels, each owned by one thread, runs independent steps at the same time."""

from __future__ import annotations

import ast
import json
import queue
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from functools import cache
from pathlib import Path
from types import SimpleNamespace

from .. import i18n
from ..errors import ExecutionError
from ..i18n import t
from ..schema import STEPS
from .templates import KERNEL, available_template, template_path

STARTUP_TIMEOUT = 60  # seconds for a kernel to answer
# no kernel chatter on the console, no history file (as nbclient starts its kernels)
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR", "--HistoryManager.hist_file=:memory:"]


@cache
def template_imports(steps: tuple[str, ...] = STEPS) -> str:
    """The import statements of the templates of ``steps`` (default: every template), run in a
    kernel before a step needs them. The notebooks are read as the JSON they are: the kernel is
    launched with these lines, so reading them must not wait for the notebook stack to load."""
    lines = []
    for step in steps:
        if not available_template(step):
            continue
        for cell in json.loads(template_path(step).read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            lines += [ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    return "\n".join(dict.fromkeys(lines))


def warming(steps: tuple[str, ...]) -> list[str]:
    """The kernel's launch arguments that import what the templates of ``steps`` import while the
    kernel starts, before it answers its client: no round trip waits on the parent process. They
    run in a namespace of their own (the kernel's stays as new, its first notebook needs no reset);
    a template whose imports fail says so when its step runs.

    Then everything the kernel holds so far (IPython, the modules: objects that live as long as the
    kernel) is frozen out of the garbage collector's reach: a full collection, which every namespace
    reset between two notebooks makes, walks only what the notebooks made (0.2 s down to 0.02 s per
    reset on the example), and the templates' own collections get cheaper alike."""
    if not steps:
        return []
    code = (
        f"try:\n    exec({template_imports(tuple(steps))!r}, {{}})\nexcept Exception:\n    pass\n"
        "__import__('gc').freeze()"
    )
    return [f"--IPKernelApp.exec_lines={json.dumps([code])}"]


async def _call(client, code: str, timeout: float) -> dict:
    """Run ``code`` silently in the client's kernel and return the reply's content."""
    msg_id = client.execute(code, silent=True, store_history=False)
    deadline = time.monotonic() + timeout
    while True:
        reply = await client.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]


class Kernel:
    """An IPython kernel started once (retried once: parallel launches race for ports), warmed
    with the templates' imports, then used for one notebook after another.

    It belongs to the thread that created it: its sockets live on that thread's event loop.
    """

    def __init__(self, warm: tuple[str, ...] = (), launched: threading.Event | None = None):
        """``launched`` is set as soon as the kernel's process is started."""
        self.client = None
        self._arguments = KERNEL_ARGUMENTS + warming(tuple(warm))  # a replacement kernel is warmed alike
        self._start(launched)

    def _start(self, launched: threading.Event | None = None) -> None:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self.used = False  # no notebook has run in this kernel yet
        for attempt in (1, 2):
            km, client = AsyncKernelManager(kernel_name=KERNEL), None
            try:
                run_sync(km.start_kernel)(extra_arguments=list(self._arguments), cwd=tempfile.gettempdir())
                if launched is not None:
                    launched.set()
                import nbformat  # the notebook stack (about 0.3 s) loads while the kernel starts
                from nbclient import NotebookClient

                client = NotebookClient(
                    nbformat.v4.new_notebook(),
                    km=km,
                    kernel_name=KERNEL,
                    record_timing=False,
                    startup_timeout=STARTUP_TIMEOUT * 5,  # the templates' imports come first
                )
                client.start_new_kernel_client()
                self.client = client
                return
            except Exception as error:  # a port taken between its choice and the kernel's bind
                _stop(client or SimpleNamespace(km=km, kc=None))
                if attempt == 2:
                    raise ExecutionError(
                        t("pack.kernel_failed", i18n.DEFAULT_LANG, error=error)
                        + "\n"
                        + t("pack.kernel_failed", "en", error=error)
                    ) from None

    def _call(self, code: str, timeout: float) -> None:
        from jupyter_core.utils import run_sync

        content = run_sync(_call)(self.client.kc, code, timeout)
        if content["status"] != "ok":
            raise ExecutionError(f"{content.get('ename')}: {content.get('evalue')}")

    def execute(self, notebook, cwd: Path, timeout: int, lent: Path | None = None):
        """Execute ``notebook`` in place with a fresh namespace, in ``cwd``, as a new kernel would;
        ``lent``: the workbook the runner read, lent to the notebook's first read of that file
        (:mod:`clusterkit.workbook.lending`)."""
        from nbclient.exceptions import DeadKernelError

        if not self.alive():
            _stop(self.client)
            self._start()
        # The counter is reset so that outputs do not depend on which steps ran here before.
        # The previous step's folder is gone: move first, then forget everything it defined (a
        # reset costs a full garbage collection: a kernel that ran nothing yet has nothing to forget).
        setup = f"import os, matplotlib.pyplot\nos.chdir({str(cwd)!r})\nmatplotlib.pyplot.close('all')\n"
        if self.used:
            setup += "get_ipython().run_line_magic('reset', '-f')\n"
        if lent is not None:
            setup += f"import clusterkit.workbook.lending\nclusterkit.workbook.lending.borrow({str(lent)!r})\n"
        self._call(
            f"exec({setup + 'get_ipython().execution_count = 1'!r}, {{'get_ipython': get_ipython}})", STARTUP_TIMEOUT
        )
        self.used = True
        self.client.nb = notebook
        self.client.timeout = timeout
        try:
            self.client.execute(cleanup_kc=False)
        except (DeadKernelError, TimeoutError):
            _stop(self.client)  # a dead or stuck kernel is replaced before its next notebook
            raise
        return notebook

    def alive(self) -> bool:
        from jupyter_core.utils import run_sync

        return self.client is not None and self.client.km is not None and run_sync(self.client.km.is_alive)()

    def shutdown(self) -> None:
        _stop(self.client)


def _stop(client) -> None:
    from jupyter_core.utils import run_sync

    if client is None or client.km is None:
        return
    try:
        if client.kc is not None:
            client.kc.stop_channels()
        process = getattr(client.km.provisioner, "process", None)
        if process is not None and process.poll() is None:  # a local kernel: killed and reaped at
            run_sync(client.km.provisioner.kill)()  # once, not polled every 0.1 s as shutdown_kernel does
            process.wait(STARTUP_TIMEOUT)
        if run_sync(client.km.is_alive)():
            run_sync(client.km.shutdown_kernel)(now=True)
        run_sync(client.km.cleanup_resources)()
    except Exception:  # already gone: nothing left to stop
        pass
    client.kc = client.km = None


class KernelPool:
    """``size`` kernels, each owned by one thread, running jobs (callables taking the kernel).

    The kernels start, and import what the templates of ``steps`` import, as soon as the pool is
    created.
    """

    def __init__(self, size: int = 1, steps: tuple[str, ...] = STEPS):
        self._steps = tuple(steps)
        self._jobs: queue.Queue = queue.Queue()
        self._closed = threading.Event()
        launched = [threading.Event() for _ in range(max(1, size))]
        self._threads = [
            threading.Thread(target=self._serve, args=(event,), name=f"clusterkit-kernel-{i}")
            for i, event in enumerate(launched)
        ]
        for thread in self._threads:
            thread.start()
        # The caller goes on once the kernels' processes run: its own work (reading the workbook
        # imports pandas) would otherwise hold the interpreter while the threads prepare the launch.
        for event in launched:
            event.wait(STARTUP_TIMEOUT)

    def _serve(self, launched: threading.Event) -> None:
        kernel, failure = None, None
        try:
            kernel = Kernel(warm=() if self._closed.is_set() else self._steps, launched=launched)
        except Exception as error:  # every job this thread takes reports it
            failure = error
        finally:
            launched.set()  # also when no kernel started: the pool's creator waits for it
        try:
            while (job := self._jobs.get()) is not None:
                function, future = job
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    if failure is not None:
                        raise failure
                    future.set_result(function(kernel))
                except BaseException as error:
                    future.set_exception(error)
        finally:
            if kernel is not None:
                kernel.shutdown()

    def submit(self, function: Callable) -> Future:
        future: Future = Future()
        self._jobs.put((function, future))
        return future

    def close(self, wait: bool = True) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        for _ in self._threads:
            self._jobs.put(None)
        if wait:
            for thread in self._threads:
                thread.join()

    def run_all(self, jobs: list[Callable], meanwhile: Callable[[], object] | None = None) -> list:
        """The results of ``jobs``, in order; the first failure cancels the jobs not started.
        ``meanwhile`` is called in this thread while the kernels work."""
        futures = [self.submit(job) for job in jobs]
        try:
            if meanwhile is not None:
                meanwhile()
            return [f.result() for f in futures]
        finally:
            for future in futures:
                future.cancel()
            for future in futures:
                if not future.cancelled():
                    future.exception()  # running steps finish before their folder is removed

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close(wait=exc[0] is None)
