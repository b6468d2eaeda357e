# The image every Airflow container of docker-compose.yaml runs: Airflow plus the `cchc` package
# with the dependency versions pinned in constraints.txt (the same pins the tests run against).
FROM apache/airflow:3.3.2-python3.11

WORKDIR /opt/airflow
# pyproject.toml names README.md as the package's readme: setuptools refuses to build without it.
COPY --chown=airflow:0 constraints.txt pyproject.toml README.md ./
COPY --chown=airflow:0 plugins/ ./plugins/

# Editable, so that the plugins/ folder compose mounts over this copy is the code that runs, and so
# that cchc.config.PROJECT_ROOT is /opt/airflow, where compose mounts include/ and expectations/.
# The constraints pin apache-airflow itself, so pip cannot swap the image's Airflow for another one.
RUN pip install --no-cache-dir -c constraints.txt -e .

# Mount points of the named volumes compose adds (the quality reports, the logins' passwords file):
# a volume mounted on a folder the image holds takes the folder's owner, so the airflow user can write.
RUN mkdir -p /opt/airflow/data/quality /opt/airflow/auth
