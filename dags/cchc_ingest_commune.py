"""
### CCHC ingest: commune exports (xã, phường, thị trấn)

Copies the quarter's `commune/<unit_code>/<YYYYQn>/<dataset>.<csv|xlsx|json>` files from the landing
zone into the warehouse's `raw` schema, one mapped task per file:

prepare_warehouse → fetch_portal_exports → discover_files → load_landing_file (one per file) → publish_asset

* A file identical to the version already loaded is recognised by its SHA-256 and skipped; a re-sent
  file (same path, new content) replaces exactly its rows.
* Files that do not fit the landing contract, or cannot be read, are recorded with the reason in
  `audit.landing_problem` / `raw.landing_file`; the refresh reports them.
* Publishes the asset `cchc_raw_commune` with the quarter in its extra; `cchc_quarterly_refresh` runs
  when all three levels have been ingested (or on its own quarterly schedule).
"""

from cchc.airflow_adapter import build_ingest_dag

build_ingest_dag("commune", doc_md=__doc__)
