"""Keeping secrets out of what the pipeline writes down: audit rows, run messages and alerts.

An error message may carry a secret it was never meant to: a URL with its password (a `WAREHOUSE_URL`, a
portal or webhook address), an `Authorization: Bearer` header, or a setting's value quoted back. Every
message the pipeline records or sends passes through `redact`, which replaces:
  - the password of any URL (`postgresql://user:secret@host` -> `postgresql://user:***@host`);
  - a bearer token or a `token=`/`password=`/`secret=`/`key=` parameter;
  - the value of each secret setting in the environment (names with TOKEN, PASSWORD, SECRET or KEY, the
    passwords of AIRFLOW_CONN_* and WAREHOUSE_URL), wherever it appears.
"""

from __future__ import annotations

import os
import re
from urllib.parse import unquote, urlsplit

MASK = "***"
_URL_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@]*:)(?P<secret>[^\s@/]+)(?P<tail>@)")
_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+")
_PARAMETER = re.compile(
    r"(?i)(?<![a-z0-9])((?:access_)?(?:token|password|passwd|pwd|secret|api_key|key)\s*[=:]\s*)([^\s&;,'\"]+)"
)
_SECRET_NAME = re.compile(r"(?i)(TOKEN|PASSWORD|SECRET|KEY)")
_SHORTEST = 6  # shorter values ('1', 'true') would mask ordinary words


def secret_values(environ: dict[str, str] | None = None) -> list[str]:
    """The values of secret settings in the environment, longest first."""
    environ = dict(os.environ if environ is None else environ)
    found: set[str] = set()
    for name, value in environ.items():
        if not value:
            continue
        if _SECRET_NAME.search(name):
            found.add(value)
        if name.startswith("AIRFLOW_CONN_") or name == "WAREHOUSE_URL":
            try:
                password = urlsplit(value).password
            except ValueError:
                password = None
            if password:
                found.update({password, unquote(password)})
    return sorted((value for value in found if len(value) >= _SHORTEST), key=len, reverse=True)


def redact(text: str | None, environ: dict[str, str] | None = None) -> str | None:
    """`text` with every secret it holds masked (None stays None)."""
    if not text:
        return text
    for value in secret_values(environ):
        text = text.replace(value, MASK)
    text = _URL_PASSWORD.sub(lambda match: f"{match['head']}{MASK}{match['tail']}", text)
    text = _BEARER.sub(lambda match: f"{match.group(1)}{MASK}", text)
    return _PARAMETER.sub(lambda match: f"{match.group(1)}{MASK}", text)
