"""Column names the integration tests compare figure by figure, written down once."""

from __future__ import annotations

from cchc.sources.landing import STATISTICS_MEASURES

# The figures of Biểu II.06a, columns (3)-(13), as staging and mart.one_stop_report_ii06a name them.
II06A_FIGURES = (
    "received_total",
    "received_online",
    "received_direct_postal",
    "received_carried_over",
    "resolved_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending_total",
    "pending_in_time",
    "pending_overdue",
)

# A desk's dossier counts, as mart.unit_quarter_indicators names them (the portal's statistics carry the same).
DOSSIER_COUNTS = STATISTICS_MEASURES

# The ten columns of a classic one-stop dossier export, in its order: what the fixtures and the sample
# generator write (the dataset accepts more, e.g. the status and the return date).
DOSSIER_EXPORT_COLUMNS = [
    "dossier_id",
    "unit_code",
    "procedure_code",
    "field",
    "channel",
    "received_at",
    "due_at",
    "resolved_at",
    "returned_by_post",
    "supplement_requests",
]
