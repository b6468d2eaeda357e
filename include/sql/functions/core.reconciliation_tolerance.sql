-- How far two reconciled figures may differ: the larger of an absolute number of dossiers and a
-- percentage of the figure they should equal (CCHC_RECONCILE_TOLERANCE_ABS / _PERCENT), to 2 places.
create or replace function core.reconciliation_tolerance(expected numeric, absolute numeric, percent numeric)
returns numeric
language sql immutable
as $$
    select round(greatest(absolute, percent * abs(coalesce(expected, 0)) / 100), 2)
$$;

comment on function core.reconciliation_tolerance(numeric, numeric, numeric) is
'Chênh lệch cho phép khi đối chiếu / allowed difference: greatest(absolute, percent % of |expected|), 2 decimals';
