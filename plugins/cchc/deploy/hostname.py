"""The host name Airflow records for a task (`[core] hostname_callable`): the machine's, followed by
the Celery worker's name when several workers share one machine, so the UI tells them apart."""

from __future__ import annotations

import socket

from cchc import settings


def hostname() -> str:
    worker = settings.given("CCHC_WORKER_NAME")
    name = socket.getfqdn()
    return f"{name}/{worker}" if worker else name
