"""docker-compose.yaml, its Dockerfile and .env.example, read without a Docker engine.

Each test names a way the stack fails only once it is started: containers that disagree on a
secret, a task that cannot reach the execution API, the pipeline writing into Airflow's metadata
database, a mount or a variable that is not there.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from cchc.deploy.settings import SHARED_FILE, read_env_file

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yaml"
ENV_EXAMPLE = ROOT / ".env.example"
AIRFLOW_DOCKERFILE = "docker/airflow.Dockerfile"

# Host paths that `docker compose up` creates (create_host_path) rather than the repository holding.
CREATED_AT_RUN_TIME = {"data/landing", "data/reports"}

# ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message}, $VAR; `$$` is a literal dollar sign.
SUBSTITUTION = re.compile(
    r"(?<!\$)\$\{(?P<name>[A-Za-z_]\w*)(?P<op>:?[-?])?(?P<arg>[^}]*)\}|(?<!\$)\$(?P<bare>[A-Za-z_]\w*)"
)
ENV_ASSIGNMENT = re.compile(r"^(?P<commented>#\s*)?(?P<name>[A-Z_][A-Z0-9_]*)=")
SHORT_VOLUME = re.compile(r"^(?P<source>\$\{[^}]*\}[^:]*|[^:]+):(?P<target>[^:]+)(?::(?P<mode>\w+))?$")

SHARED_AIRFLOW_SETTINGS = [
    "AIRFLOW__API_AUTH__JWT_SECRET",
    "AIRFLOW__CORE__FERNET_KEY",
    "AIRFLOW__API__SECRET_KEY",
    "AIRFLOW__CORE__EXECUTOR",
    "AIRFLOW__CORE__EXECUTION_API_SERVER_URL",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
    "AIRFLOW__CELERY__BROKER_URL",
    "AIRFLOW__CELERY__RESULT_BACKEND",
    "AIRFLOW__CORE__LOAD_EXAMPLES",
    "AIRFLOW__CORE__DAGS_FOLDER",
    "AIRFLOW_CONN_CCHC_WAREHOUSE",
    "CCHC_LANDING",
]
# Without these, each container would make up its own value and reject the others' tokens.
REQUIRED_SECRETS = ["AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__CORE__FERNET_KEY", "AIRFLOW__API__SECRET_KEY"]
AIRFLOW_COMMANDS = ["db migrate", "api-server", "scheduler", "dag-processor", "triggerer", "celery worker"]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


@pytest.fixture(scope="module")
def airflow(services: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The services that run Airflow, whichever image they name."""
    return {
        name: svc
        for name, svc in services.items()
        if dockerfile_of(svc) == AIRFLOW_DOCKERFILE
        or str(svc.get("image", "")).startswith("apache/airflow")
        or any(key.startswith("AIRFLOW__") for key in environment(svc))
    }


@pytest.fixture(scope="module")
def common_env(compose: dict[str, Any]) -> dict[str, str]:
    """The environment every Airflow container shares, from the `x-airflow-common` anchor."""
    return environment(compose["x-airflow-common"])


@pytest.fixture(scope="module")
def env_example() -> dict[str, bool]:
    """Variable name -> whether .env.example sets it (True) or only shows it commented out (False)."""
    found: dict[str, bool] = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if m := ENV_ASSIGNMENT.match(line):
            found[m["name"]] = found.get(m["name"], False) or not m["commented"]
    return found


def dockerfile_of(service: dict[str, Any]) -> str | None:
    build = service.get("build")
    if not isinstance(build, dict):
        return None
    context = PurePosixPath(build.get("context", "."))
    return str(context / build.get("dockerfile", "Dockerfile"))


def env_files(service: dict[str, Any]) -> list[Path]:
    files = service.get("env_file") or []
    files = [files] if isinstance(files, str | dict) else files
    return [ROOT / (item["path"] if isinstance(item, dict) else item) for item in files]


def environment(service: dict[str, Any]) -> dict[str, str]:
    """What the container's environment holds: its env_file(s), overridden by `environment`."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    from_files = {key: value for path in env_files(service) for key, value in read_env_file(path).items()}
    return {**from_files, **{key: str(value) for key, value in env.items()}}


def own_environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def command(service: dict[str, Any]) -> str:
    cmd = service.get("command", "")
    return " ".join(cmd) if isinstance(cmd, list) else str(cmd)


def depends_on(service: dict[str, Any]) -> dict[str, str]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def mounts(service: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(type, source, target) of each volume entry, short or long syntax."""
    found = []
    for entry in service.get("volumes", []):
        if isinstance(entry, dict):
            found.append((entry["type"], entry["source"], entry["target"]))
            continue
        m = SHORT_VOLUME.match(entry)
        assert m, f"unreadable volume entry {entry!r}"
        kind = "bind" if m["source"].startswith((".", "/", "~", "$")) else "volume"
        found.append((kind, m["source"], m["target"]))
    return found


def with_defaults(text: str) -> str:
    """`text` as compose would substitute it with no variable set; fails where that is an error."""

    def default(m: re.Match[str]) -> str:
        if m["op"] in ("-", ":-"):
            return m["arg"]
        pytest.fail(f"{text!r} has no value unless {m['name'] or m['bare']} is set")

    return SUBSTITUTION.sub(default, text)


def variables_in(text: str) -> set[str]:
    return {m["name"] or m["bare"] for m in SUBSTITUTION.finditer(text)}


def strings_in(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for key, value in node.items() for s in (*strings_in(key), *strings_in(value))]
    if isinstance(node, list):
        return [s for item in node for s in strings_in(item)]
    return [node] if isinstance(node, str) else []


def service_with_command(airflow: dict[str, dict[str, Any]], cmd: str) -> str:
    names = [name for name, svc in airflow.items() if command(svc) == cmd]
    assert len(names) == 1, f"expected one Airflow service running `{cmd}`, found {names}"
    return names[0]


def host_service(url: str, services: dict[str, dict[str, Any]]) -> str:
    host = urlsplit(url).hostname
    assert host in services, f"{url!r} points at {host!r}, which is not a service"
    return host


def data_volume(service: dict[str, Any]) -> str:
    [volume] = [src for kind, src, target in mounts(service) if target == "/var/lib/postgresql/data"]
    return volume


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (ROOT / AIRFLOW_DOCKERFILE).read_text(encoding="utf-8")
    lines = [line for line in text.replace("\\\n", " ").splitlines() if not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines if line.strip()]


@pytest.mark.parametrize("cmd", AIRFLOW_COMMANDS)
def test_each_airflow_component_has_a_service(airflow, cmd):
    service_with_command(airflow, cmd)


def test_every_airflow_service_runs_the_project_image(airflow):
    assert {name: dockerfile_of(svc) for name, svc in airflow.items() if dockerfile_of(svc) != AIRFLOW_DOCKERFILE} == {}


def test_broker_is_a_redis_service(services, common_env):
    assert common_env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    broker_url = common_env["AIRFLOW__CELERY__BROKER_URL"]
    assert urlsplit(broker_url).scheme == "redis"
    assert services[host_service(broker_url, services)]["image"].startswith("redis:")


@pytest.mark.parametrize("key", SHARED_AIRFLOW_SETTINGS)
def test_every_airflow_service_has_the_common_setting(airflow, common_env, key):
    assert common_env.get(key), f"x-airflow-common does not set {key}"
    differ = {name: environment(svc).get(key) for name, svc in airflow.items()}
    assert {name: value for name, value in differ.items() if value != common_env[key]} == {}


@pytest.mark.parametrize("key", REQUIRED_SECRETS)
def test_secrets_are_required_substitutions(common_env, key):
    value = common_env[key]
    m = SUBSTITUTION.fullmatch(value)
    assert m and m["op"] == ":?", f"{key} must be ${{VAR:?message}} so compose stops without it: {value!r}"


def test_examples_are_not_loaded(common_env):
    assert common_env["AIRFLOW__CORE__LOAD_EXAMPLES"].lower() == "false"


def test_every_airflow_service_reads_the_shared_settings_and_overrides_none(airflow):
    # airflow.env is the one place for the settings compose shares with `make airflow`: a key set again
    # in a service's environment would make the two deployments differ without anyone noticing.
    shared = read_env_file(SHARED_FILE)
    assert {name for name, svc in airflow.items() if SHARED_FILE not in env_files(svc)} == set()
    set_again = {name: sorted(shared.keys() & own_environment(svc)) for name, svc in airflow.items()}
    assert {name: keys for name, keys in set_again.items() if keys} == {}
    assert shared["AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION"] == "True"


def test_execution_api_url_points_at_the_api_server(airflow):
    apiserver = service_with_command(airflow, "api-server")
    env = environment(airflow[apiserver])
    url = urlsplit(env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"])
    listens_on = int(env.get("AIRFLOW__API__PORT", 8080))
    assert (url.scheme, url.hostname, url.port, url.path) == ("http", apiserver, listens_on, "/execution/")
    published = [str(p).rsplit(":", 1)[-1].split("/")[0] for p in airflow[apiserver].get("ports", [])]
    assert str(listens_on) in published, f"the UI port {listens_on} is not published: {published}"


def test_warehouse_connection_points_at_the_warehouse_service(services, common_env):
    conn = common_env["AIRFLOW_CONN_CCHC_WAREHOUSE"]
    metadata = host_service(common_env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"], services)
    warehouse = host_service(conn, services)
    assert warehouse == "warehouse"
    assert warehouse != metadata
    server = environment(services[warehouse])
    url = urlsplit(conn)
    assert url.scheme in ("postgres", "postgresql")
    assert (url.username, url.port, url.path) == (server["POSTGRES_USER"], 5432, "/" + server["POSTGRES_DB"])
    assert variables_in(url.password or "") == variables_in(server["POSTGRES_PASSWORD"]) != set()


def test_metadata_db_and_warehouse_are_separate_postgres_servers(compose, services, common_env):
    env = common_env
    metadata = host_service(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"], services)
    warehouse = host_service(env["AIRFLOW_CONN_CCHC_WAREHOUSE"], services)
    for name in (metadata, warehouse):
        assert services[name]["image"].startswith("postgres:16"), name
        assert "healthcheck" in services[name], name
    assert host_service(env["AIRFLOW__CELERY__RESULT_BACKEND"].removeprefix("db+"), services) == metadata
    volumes = {data_volume(services[metadata]), data_volume(services[warehouse])}
    assert len(volumes) == 2, f"metadata DB and warehouse share the data volume {volumes}"
    assert volumes <= set(compose.get("volumes") or {}), "data volumes must be declared named volumes"


def test_every_dependency_is_a_defined_service_that_can_meet_its_condition(services):
    problems = []
    for name, svc in services.items():
        for dep, condition in depends_on(svc).items():
            if dep not in services:
                problems.append(f"{name} depends on undefined {dep}")
            elif condition == "service_healthy" and "healthcheck" not in services[dep]:
                problems.append(f"{name} waits for {dep} to be healthy, which has no healthcheck")
            elif condition == "service_completed_successfully" and services[dep].get("restart", "no") != "no":
                problems.append(f"{name} waits for {dep} to complete, which restarts instead")
    assert not problems
    assert any(depends_on(svc) for svc in services.values())


def test_bind_mounted_host_paths_exist(services):
    missing = []
    for name, svc in services.items():
        for kind, source, _target in mounts(svc):
            if kind != "bind":
                continue
            host = (COMPOSE_FILE.parent / with_defaults(source)).resolve()
            in_repo = host.relative_to(ROOT).as_posix() if host.is_relative_to(ROOT) else None
            if in_repo not in CREATED_AT_RUN_TIME and not host.exists():
                missing.append(f"{name}: {source}")
    assert not missing


def test_named_volumes_are_declared(compose, services):
    used = {src for svc in services.values() for kind, src, _ in mounts(svc) if kind == "volume"}
    assert used, "expected named volumes for the databases and logs"
    assert used <= set(compose.get("volumes") or {})


def test_project_folders_are_mounted_where_cchc_and_airflow_look(airflow):
    for name, svc in airflow.items():
        env = environment(svc)
        targets = {with_defaults(src).removeprefix("./"): PurePosixPath(t) for _, src, t in mounts(svc)}
        assert {"dags", "plugins", "include", "expectations", "data/landing"} <= set(targets), name
        assert str(targets["dags"]) == env["AIRFLOW__CORE__DAGS_FOLDER"], name
        assert str(targets["data/landing"]) == env["CCHC_LANDING"], name
        # cchc.config finds include/ and expectations/ beside the folder holding the cchc package.
        project_root = targets["plugins"].parent
        assert targets["include"] == project_root / "include", name
        assert targets["expectations"] == project_root / "expectations", name


def test_dockerfile_installs_the_project_with_the_constraints():
    instructions = dockerfile_instructions()
    pins = dict(line.split("==", 1) for line in (ROOT / "constraints.txt").read_text().splitlines() if "==" in line)
    [base] = [args for instr, args in instructions if instr == "FROM"]
    assert base == f"apache/airflow:{pins['apache-airflow']}-python3.11"
    installs = [i for i, (instr, args) in enumerate(instructions) if instr == "RUN" and "pip install" in args]
    assert installs, "the Dockerfile installs nothing"
    run = instructions[installs[0]][1]
    assert re.search(r"(?:-c|--constraint)[ =]\S*constraints\.txt\b", run), run
    assert re.search(r"\s(?:-e\s+)?\.(?:\s|$)", run), f"does not install the project: {run}"
    copied = " ".join(args for instr, args in instructions[: installs[0]] if instr == "COPY")
    readme = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"].get("readme", "pyproject.toml")
    for needed in ("constraints.txt", "pyproject.toml", "plugins", readme):
        assert re.search(rf"(?:^|\s){re.escape(needed)}/?(?:\s|$)", copied), f"{needed} not copied"


def test_env_example_documents_every_substitution(compose, env_example):
    used = {var for s in strings_in(compose) for var in variables_in(s)}
    assert used, "the compose file substitutes no variables"
    assert not used - set(env_example), f"not in .env.example: {sorted(used - set(env_example))}"
    without_default = {
        m["name"] or m["bare"]
        for s in strings_in(compose)
        for m in SUBSTITUTION.finditer(s)
        if m["op"] not in ("-", ":-")
    }
    commented_out = {var for var in without_default if not env_example[var]}
    assert not commented_out, f"compose needs these, but .env.example only shows them: {commented_out}"


def test_env_example_explains_each_variable():
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    unexplained = [
        line
        for above, line in zip(["", *lines], lines, strict=False)
        if ENV_ASSIGNMENT.match(line) and not (above.startswith("#") and not ENV_ASSIGNMENT.match(above))
    ]
    assert not unexplained


def test_env_file_is_not_committed():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".env" in {line.strip() for line in ignored}


def test_the_data_docs_the_workers_write_are_served(services, common_env):
    docs = common_env["CCHC_DATA_DOCS"]
    served = services["quality-docs"]
    assert served["environment"]["CCHC_DATA_DOCS"] == docs
    assert served["entrypoint"] == ["cchc"]
    assert served["command"][:2] == ["quality", "--serve"]
    port = served["command"][served["command"].index("--port") + 1]
    assert served["ports"] == [f"{port}:{port}"] and port != "8080"  # Airflow's UI has 8080
    assert served["command"][served["command"].index("--host") + 1] == "0.0.0.0"

    def volume_holding(service: dict) -> str:
        for volume in service["volumes"]:
            source, target = (volume["source"], volume["target"]) if isinstance(volume, dict) else volume.split(":")[:2]
            if docs.startswith(target.rstrip("/") + "/"):
                return source
        raise AssertionError(f"no volume holds {docs}")

    assert volume_holding(services["airflow-worker"]) == volume_holding(served) == "quality"
    assert any(v.get("read_only") for v in served["volumes"] if isinstance(v, dict))


def test_logins_come_from_env_and_reach_the_tasks(services, common_env):
    # One service writes SimpleAuthManager's passwords file from .env before any Airflow service starts;
    # the tasks read the password of their login (cchc_tasks) and the api-server's URL.
    writer = services["airflow-passwords"]
    assert writer["command"] == ["python", "-m", "cchc.deploy.passwords_file"]
    assert SUBSTITUTION.fullmatch(writer["environment"]["AIRFLOW_ADMIN_PASSWORD"])["op"] == ":?"
    assert SUBSTITUTION.fullmatch(common_env["CCHC_AIRFLOW_API_PASSWORD"])["op"] == ":?"
    assert common_env["CCHC_AIRFLOW_API_USER"] == "cchc_tasks"
    assert "cchc_tasks:user" in read_env_file(SHARED_FILE)["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"].split(",")
    assert host_service(common_env["CCHC_AIRFLOW_API_URL"], services) == "airflow-apiserver"
    for name in ("airflow-apiserver", "airflow-scheduler", "airflow-worker"):
        assert depends_on(services[name])["airflow-passwords"] == "service_completed_successfully", name
    file = common_env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"]
    mounted = [v.split(":")[1] for v in services["airflow-passwords"]["volumes"] if isinstance(v, str)]
    assert any(file.startswith(target + "/") for target in mounted)
    # The mount point exists in the image, so the volume is the airflow user's to write.
    made = " ".join(args for kind, args in dockerfile_instructions() if kind == "RUN")
    assert "/opt/airflow/auth" in made and "/opt/airflow/data/quality" in made
