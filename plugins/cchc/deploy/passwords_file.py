"""Write SimpleAuthManager's passwords file from the environment, for a deployment whose logins come
from its secrets (docker-compose.yaml's airflow-passwords): the UI's admin (AIRFLOW_ADMIN_PASSWORD) and
the login tasks write their run's note with (CCHC_AIRFLOW_API_PASSWORD), into the file
AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE names.

    python -m cchc.deploy.passwords_file
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from cchc.deploy.settings import ADMIN, TASKS_USER, write_passwords_file

NEEDED = ("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE", "AIRFLOW_ADMIN_PASSWORD", "CCHC_AIRFLOW_API_PASSWORD")


def main(environ: dict[str, str] | None = None) -> int:
    env = dict(os.environ if environ is None else environ)
    missing = [name for name in NEEDED if not env.get(name)]
    if missing:
        print(f"error: set {', '.join(missing)}", file=sys.stderr)
        return 2
    path = Path(env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"])
    write_passwords_file(path, {ADMIN: env["AIRFLOW_ADMIN_PASSWORD"], TASKS_USER: env["CCHC_AIRFLOW_API_PASSWORD"]})
    print(f"wrote the logins {ADMIN} and {TASKS_USER} into {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
