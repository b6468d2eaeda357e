"""Run Airflow on this machine as it is deployed: api-server (UI and REST API on 127.0.0.1), scheduler,
dag-processor, triggerer and, with the CeleryExecutor, Celery workers on a Redis; metadata on PostgreSQL.

    python -m cchc.deploy.local_airflow start    # foreground; Ctrl-C stops every service
    python -m cchc.deploy.local_airflow stop     # stops the services a `start` left, by their PIDs
    python -m cchc.deploy.local_airflow status

Each service runs in its own process group, logs to AIRFLOW_HOME/logs/<service>.log, and its PID is
kept in AIRFLOW_HOME/services.json, so that stopping ends exactly the processes it started.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from cchc.deploy.settings import ADMIN, LocalDeployment, environment, from_environment, write_passwords
from cchc.ports import check_free

STOP_GRACE_SECONDS = 30


class PortInUseError(RuntimeError):
    """The api-server's port is taken by another process on 127.0.0.1."""


@dataclass(frozen=True)
class Service:
    name: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)


def services(deployment: LocalDeployment) -> list[Service]:
    airflow = str(Path(sys.executable).with_name("airflow"))
    found = [
        Service("api-server", [airflow, "api-server", "--host", "127.0.0.1", "--port", str(deployment.port)]),
        Service("scheduler", [airflow, "scheduler"]),
        Service("dag-processor", [airflow, "dag-processor"]),
        Service("triggerer", [airflow, "triggerer"]),
    ]
    if deployment.executor == "CeleryExecutor":
        found += [
            Service(
                f"worker-{n}",
                [airflow, "celery", "worker", "--celery-hostname", f"cchc-worker-{n}@%h"],
                {"CCHC_WORKER_NAME": f"worker-{n}"},
            )
            for n in range(1, deployment.workers + 1)
        ]
    return found


def _pid_file(deployment: LocalDeployment) -> Path:
    return deployment.home / "services.json"


def running(deployment: LocalDeployment) -> dict[str, int]:
    """The services a start left whose process is still alive: name -> PID."""
    path = _pid_file(deployment)
    if not path.exists():
        return {}
    pids = json.loads(path.read_text(encoding="utf-8"))
    return {name: pid for name, pid in pids.items() if _alive(pid)}


def migrate(deployment: LocalDeployment, env: dict[str, str]) -> None:
    """Create or upgrade Airflow's metadata schema (its own tables only; the warehouse has its migrations)."""
    deployment.log_dir.mkdir(parents=True, exist_ok=True)
    log = deployment.log_dir / "db-migrate.log"
    airflow = str(Path(sys.executable).with_name("airflow"))
    with log.open("w", encoding="utf-8") as out:
        done = subprocess.run([airflow, "db", "migrate"], env=env, stdout=out, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        tail = "".join(log.read_text(encoding="utf-8").splitlines(keepends=True)[-20:])
        raise RuntimeError(f"airflow db migrate failed (see {log}):\n{tail}")


def start(deployment: LocalDeployment, extra_env: dict[str, str] | None = None) -> dict[str, int]:
    """Migrate, then start every service (with `extra_env` added to their environment); returns
    name -> PID. Refuses if services of this home run."""
    already = running(deployment)
    if already:
        raise RuntimeError(
            f"Airflow services of {deployment.home} are already running ({', '.join(already)}): "
            "stop them first (make airflow-stop)"
        )
    _refuse_taken_port(deployment)
    env = {**environment(deployment), **(extra_env or {})}
    migrate(deployment, env)
    write_passwords(deployment)
    pids: dict[str, int] = {}
    try:
        for service in services(deployment):
            log = (deployment.log_dir / f"{service.name}.log").open("ab")
            process = subprocess.Popen(
                service.command,
                env={**env, **service.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            log.close()
            pids[service.name] = process.pid
            _pid_file(deployment).write_text(json.dumps(pids), encoding="utf-8")
    except BaseException:
        stop(deployment)
        raise
    return pids


def wait_until_healthy(deployment: LocalDeployment, timeout: float = 180) -> dict:
    """The api-server's health report once the metadatabase and the scheduler are healthy."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        dead = dead_services(deployment)
        if dead:
            if "api-server" in dead and _api_server_lost_its_port(deployment):
                raise PortInUseError(_port_taken(deployment))
            raise RuntimeError(
                f"{', '.join(sorted(dead))} exited while starting: see {deployment.log_dir}/<service>.log"
            )
        try:
            with urllib.request.urlopen(f"{deployment.ui_url}/api/v2/monitor/health", timeout=5) as response:
                health = json.load(response)
            if all(health.get(part, {}).get("status") == "healthy" for part in ("metadatabase", "scheduler")):
                return health
            last = health
        except (urllib.error.URLError, OSError, ValueError) as error:
            last = error
        time.sleep(1)
    raise TimeoutError(f"Airflow was not healthy after {timeout:.0f} s (last: {last}); see {deployment.log_dir}")


def _port_taken(deployment: LocalDeployment) -> str:
    return f"port {deployment.port} on 127.0.0.1 is in use by another program: set CCHC_AIRFLOW_PORT to a free one"


def _refuse_taken_port(deployment: LocalDeployment) -> None:
    """Fail before starting anything rather than let the health check answer for another server on the port."""
    try:
        check_free("127.0.0.1", deployment.port)
    except OSError as error:
        raise PortInUseError(_port_taken(deployment)) from error


def _api_server_lost_its_port(deployment: LocalDeployment) -> bool:
    """Another program took the port between the check and the api-server's own bind: the last words of
    its log (appended to across starts, so only the end is this start's) say so."""
    log = deployment.log_dir / "api-server.log"
    try:
        tail = log.read_text(encoding="utf-8", errors="replace")[-4000:]
    except OSError:
        return False
    return "address already in use" in tail.lower()


def services_named(deployment: LocalDeployment) -> list[str]:
    return [service.name for service in services(deployment)]


def dead_services(deployment: LocalDeployment) -> set[str]:
    """The services of the deployment whose process is not running."""
    return set(services_named(deployment)) - set(running(deployment))


def stop(deployment: LocalDeployment) -> list[str]:
    """End the services a start left: SIGTERM to each process group, SIGKILL to what is left after the
    grace period. Returns the names stopped."""
    alive = running(deployment)
    for pid in alive.values():
        _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    while time.monotonic() < deadline and any(_alive(pid) for pid in alive.values()):
        time.sleep(0.2)
    for pid in alive.values():
        _signal_group(pid, signal.SIGKILL)
        _reap(pid)
    _pid_file(deployment).unlink(missing_ok=True)
    return sorted(alive)


def _signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def _alive(pid: int) -> bool:
    _reap(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _reap(pid: int) -> None:
    """Collect a child that has exited (a zombie still answers kill 0)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _announce(deployment: LocalDeployment, pids: dict[str, int]) -> None:
    print(f"Airflow UI and REST API: {deployment.ui_url}/  (login {ADMIN} / CCHC_AIRFLOW_PASSWORD, default admin)")
    print(f"executor: {deployment.executor}; services: {', '.join(f'{n} (pid {p})' for n, p in pids.items())}")
    print(f"logs: {deployment.log_dir}/<service>.log; task logs under {deployment.log_dir}/tasks")
    print("the DAGs start paused: unpause them in the UI or with `airflow dags unpause <dag_id>`")
    print("Ctrl-C (or `make airflow-stop` from another shell) stops every service")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cchc.deploy.local_airflow", description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=["start", "stop", "status"])
    parser.add_argument("--detach", action="store_true", help="start and return, leaving the services running")
    args = parser.parse_args(argv)
    try:
        deployment = from_environment()
        if args.action == "stop":
            stopped = stop(deployment)
            print(f"stopped: {', '.join(stopped)}" if stopped else "no Airflow services of this home were running")
            return 0
        if args.action == "status":
            alive = running(deployment)
            for name in services_named(deployment):
                print(f"{name}: {'running (pid ' + str(alive[name]) + ')' if name in alive else 'not running'}")
            return 0 if alive else 3
        pids = start(deployment)
        try:
            wait_until_healthy(deployment)
        except (RuntimeError, TimeoutError):
            stop(deployment)
            raise
        _announce(deployment, pids)
        if args.detach:
            return 0
        return _watch(deployment)
    except (RuntimeError, TimeoutError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _watch(deployment: LocalDeployment) -> int:
    """Wait in the foreground until Ctrl-C (or SIGTERM), or until a service dies; then stop them all."""
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        while True:
            dead = dead_services(deployment)
            if dead:
                print(
                    f"{', '.join(sorted(dead))} exited: stopping the others; see {deployment.log_dir}", file=sys.stderr
                )
                stop(deployment)
                return 1
            time.sleep(2)
    except KeyboardInterrupt:
        print("stopping Airflow services ...")
        print(f"stopped: {', '.join(stop(deployment))}")
        return 0


if __name__ == "__main__":
    sys.exit(main())
