# Source this to use `cchc` and `airflow` by hand the way `make` does: `. scripts/env.sh`
_cchc_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
. "$_cchc_root/.venv/bin/activate"
export AIRFLOW_HOME="${AIRFLOW_HOME:-$_cchc_root/.airflow}"
export AIRFLOW__CORE__DAGS_FOLDER="$_cchc_root/dags"
export AIRFLOW__CORE__PLUGINS_FOLDER="$_cchc_root/plugins"
set -a; . "$_cchc_root/airflow.env"; set +a   # the Airflow settings shared with make and compose
unset _cchc_root
