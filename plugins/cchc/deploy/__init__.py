"""Running Airflow as it is deployed, on this machine."""
