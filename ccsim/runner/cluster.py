"""Dask clusters for ``--dask ADDRESS``: a scheduler's address, or ``local:N`` workers here.

The replications of ``run``, ``compare``, ``staff``, ``sweep`` and ``intraday`` are independent tasks
(each draws from its own named streams), so on a cluster they give the same numbers, bit
for bit, as local processes. A worker lost in the middle is no loss: the scheduler runs
its tasks again elsewhere, and a task's result depends on its arguments only.

Every machine of a cluster needs the same ccsim version (``pip install 'ccsim[dask]'``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ccsim.errors import InputError, Problem

_LOCAL = re.compile(r"^local:(\d+)$")
#: How a scheduler's address may begin (dask's own transports).
SCHEMES = ("tcp", "tls", "ws", "wss", "ucx", "inproc")
#: Seconds to wait for a remote scheduler before calling its address bad input.
CONNECT_TIMEOUT_S = 10


def address_problems(address: str) -> list[Problem]:
    """Problems of a ``--dask`` value (``local:N`` with N >= 1, or a scheduler address)."""
    m = _LOCAL.match(address)
    if m is not None and int(m.group(1)) < 1:
        return [Problem("--dask", "local:N needs N >= 1 workers", address)]
    if m is None and (address.startswith("local") or not address.strip()):
        return [
            Problem("--dask", "must be a scheduler address (tcp://host:8786) or local:N", address)
        ]
    if m is None:
        scheme, sep, rest = address.rpartition("://")
        port = rest.rpartition(":")[2] if ":" in rest else None
        if sep and scheme not in SCHEMES:
            return [
                Problem("--dask", f"must be a scheduler address (tcp://host:8786) or local:N; transports: {', '.join(SCHEMES)}", address)
            ]  # fmt: skip
        if port is not None and not port.isdigit():
            return [Problem("--dask", "must end with a port number (tcp://host:8786)", address)]
    return []


@contextmanager
def dask_client(address: str) -> Iterator[Any]:
    """A ``dask.distributed`` client for ``address``; a ``local:N`` cluster is closed after."""
    problems = address_problems(address)
    if problems:
        raise InputError(problems)
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise InputError(
            [Problem("--dask", "needs the optional extra: pip install 'ccsim[dask]'", address)]
        ) from None
    m = _LOCAL.match(address)
    cluster = None
    try:
        if m is not None:
            cluster = LocalCluster(
                n_workers=int(m.group(1)), threads_per_worker=1, processes=True,
                dashboard_address=None,
            )  # fmt: skip
            client = Client(cluster)
        else:
            client = Client(address, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError, TypeError, ImportError) as exc:
        if cluster is not None:
            cluster.close()
        # dask raises ValueError for an address it cannot read (no port, unknown scheme),
        # TypeError or ImportError for a transport it cannot start here (tls without
        # certificates, ucx without its library)
        rule = (
            f"must be a scheduler address (tcp://host:8786) or local:N ({exc})"
            if isinstance(exc, ValueError)
            else f"cannot connect with this transport here ({exc})"
            if isinstance(exc, (TypeError, ImportError))
            else f"cannot reach the scheduler ({exc})"
        )
        raise InputError([Problem("--dask", rule, address)]) from None
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def dask_option(command: Any) -> Any:
    """``--dask ADDRESS|local:N`` for commands that run replications."""
    import click

    return click.option(
        "--dask",
        "dask_address",
        metavar="ADDRESS",
        help="Run the replications on a Dask cluster: a scheduler address (tcp://host:8786) "
        "or local:N (N local workers). Same numbers as local processes.",
    )(command)
