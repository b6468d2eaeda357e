-- One row per unit valid on the quarter's last day, in every province that sent dossiers,
-- at commune, district and province level. A unit's figures cover its own desk and every unit
-- below it; units with no export in their subtree get NULL counts (no data is not zero).
insert into mart.unit_quarter_indicators (
    quarter, unit_code, unit_name, unit_level, parent_code, province_code, reporting_units,
    carried_over, received, received_online, received_direct, received_postal,
    resolved, resolved_early, resolved_on_time, resolved_late, pending, pending_overdue,
    on_time_rate, early_rate, online_rate, progress_score_766,
    postal_submission_rate, returned_by_post, postal_return_rate, online_target_percent, meets_online_target,
    supplement_rate, rank_on_time_in_parent,
    procedures_catalogued, procedures_online_full, procedures_online_partial, procedures_online_share,
    survey_responses, satisfied_share
)
with units as (
    select unit_code, unit_name, unit_level, parent_code, province_code
    from core.dim_admin_unit
    where %(last_day)s::date between _valid_from and _valid_to
),

reporting_units as (
    select unit_code
    from core.reporting_units(%(quarter)s, 'dossiers')
),

-- A reporting unit's own desk, by the counting rules in core.desk_counts() (local calendar days), as
-- build_core kept it; a reporting unit without a dossier counts 0.
per_unit as (
    select
        r.unit_code,
        coalesce(d.carried_over, 0) as carried_over,
        coalesce(d.received, 0) as received,
        coalesce(d.received_online, 0) as received_online,
        coalesce(d.received_direct, 0) as received_direct,
        coalesce(d.received_postal, 0) as received_postal,
        coalesce(d.resolved, 0) as resolved,
        coalesce(d.resolved_early, 0) as resolved_early,
        coalesce(d.resolved_on_time, 0) as resolved_on_time,
        coalesce(d.resolved_late, 0) as resolved_late,
        coalesce(d.pending, 0) as pending,
        coalesce(d.pending_overdue, 0) as pending_overdue,
        coalesce(d.returned_by_post, 0) as returned_by_post,
        coalesce(d.resolved_with_supplement, 0) as resolved_with_supplement,
        coalesce(d.resolved_in_time_766, 0) as resolved_in_time_766,
        coalesce(d.pending_in_time_766, 0) as pending_in_time_766
    from reporting_units as r
    left join core.int_unit_desk_counts as d on d.quarter = %(quarter)s and d.unit_code = r.unit_code
),

-- Each unit paired with itself and its ancestors (at most commune -> district -> province).
ancestry as (
    select unit_code, ancestor_code
    from core.admin_unit_ancestry(%(last_day)s::date)
),

rolled_up as (
    select
        a.ancestor_code as unit_code,
        count(*) as reporting_units,
        sum(p.carried_over) as carried_over,
        sum(p.received) as received,
        sum(p.received_online) as received_online,
        sum(p.received_direct) as received_direct,
        sum(p.received_postal) as received_postal,
        sum(p.resolved) as resolved,
        sum(p.resolved_early) as resolved_early,
        sum(p.resolved_on_time) as resolved_on_time,
        sum(p.resolved_late) as resolved_late,
        sum(p.pending) as pending,
        sum(p.pending_overdue) as pending_overdue,
        sum(p.returned_by_post) as returned_by_post,
        sum(p.resolved_with_supplement) as resolved_with_supplement,
        sum(p.resolved_in_time_766) as resolved_in_time_766,
        sum(p.pending_in_time_766) as pending_in_time_766
    from per_unit as p
    join ancestry as a on a.unit_code = p.unit_code
    group by a.ancestor_code
),

-- Satisfaction surveys, rolled up like the dossiers; a unit whose file held no valid response counts
-- 0 responses (so a NULL share), a subtree without any surveys file stays NULL.
surveyed_units as (
    select unit_code
    from raw.landing_file
    where quarter = %(quarter)s and dataset = 'surveys' and is_current and status = 'loaded'
    union
    select unit_code
    from core.fct_survey_response
    where quarter = %(quarter)s
),

surveys_rolled_up as (
    select
        a.ancestor_code as unit_code,
        count(r.response_id) as survey_responses,
        count(r.response_id) filter (where r.satisfied) as satisfied_responses
    from surveyed_units as s
    join ancestry as a on a.unit_code = s.unit_code
    left join core.fct_survey_response as r on r.quarter = %(quarter)s and r.unit_code = s.unit_code
    group by a.ancestor_code
),

-- Procedures of the unit's own level in the catalogue in force for it (its own, else the nearest above).
catalogue as (
    select
        c.unit_code,
        count(p.procedure_code)::integer as procedures_catalogued,
        (count(p.procedure_code) filter (where p.online_service = 'full'))::integer as procedures_online_full,
        (count(p.procedure_code) filter (where p.online_service = 'partial'))::integer as procedures_online_partial
    from core.procedure_catalogue_in_force(%(quarter)s, %(last_day)s::date) as c
    join units as u on u.unit_code = c.unit_code
    left join core.dim_procedure as p
        on p.quarter = c.catalogue_quarter
            and p.catalogue_unit_code = c.catalogue_unit_code
            and p.procedure_level = u.unit_level
    group by c.unit_code
),

in_scope as (
    select u.*
    from units as u
    where u.province_code in (
            select units.province_code from units join reporting_units using (unit_code)
        )
),

rates as (
    select
        %(quarter)s as quarter,
        s.unit_code,
        s.unit_name,
        s.unit_level,
        s.parent_code,
        s.province_code,
        coalesce(r.reporting_units, 0) as reporting_units,
        r.carried_over,
        r.received,
        r.received_online,
        r.received_direct,
        r.received_postal,
        r.resolved,
        r.resolved_early,
        r.resolved_on_time,
        r.resolved_late,
        r.pending,
        r.pending_overdue,
        mart.pct(r.resolved_early + r.resolved_on_time, r.resolved) as on_time_rate,
        mart.pct(r.resolved_early, r.resolved) as early_rate,
        mart.pct(r.received_online, r.received) as online_rate,
        round(
            mart.pct(r.resolved_in_time_766 + r.pending_in_time_766, r.resolved + r.pending) * %(w_progress)s / 100, 2
        ) as progress_score_766,
        mart.pct(r.received_postal, r.received) as postal_submission_rate,
        r.returned_by_post,
        mart.pct(r.returned_by_post, r.resolved) as postal_return_rate,
        cast(%(online_target)s as numeric(6, 2)) as online_target_percent,
        mart.pct(r.resolved_with_supplement, r.resolved) as supplement_rate,
        c.procedures_catalogued,
        c.procedures_online_full,
        c.procedures_online_partial,
        mart.pct(c.procedures_online_full + c.procedures_online_partial, c.procedures_catalogued)
            as procedures_online_share,
        sv.survey_responses,
        mart.pct(sv.satisfied_responses, sv.survey_responses) as satisfied_share
    from in_scope as s
    left join rolled_up as r on r.unit_code = s.unit_code
    left join catalogue as c on c.unit_code = s.unit_code
    left join surveys_rolled_up as sv on sv.unit_code = s.unit_code
),

-- Online target flag, and the on-time rank among units of one level under one parent (1 = best).
final as (
    select
        quarter, unit_code, unit_name, unit_level, parent_code, province_code, reporting_units,
        carried_over, received, received_online, received_direct, received_postal,
        resolved, resolved_early, resolved_on_time, resolved_late, pending, pending_overdue,
        on_time_rate, early_rate, online_rate, progress_score_766,
        postal_submission_rate, returned_by_post, postal_return_rate, online_target_percent,
        online_rate >= online_target_percent as meets_online_target,
        supplement_rate,
        case when on_time_rate is not null then
                dense_rank() over (
                    partition by unit_level, parent_code, on_time_rate is null order by on_time_rate desc
                )
        end as rank_on_time_in_parent,
        procedures_catalogued, procedures_online_full, procedures_online_partial, procedures_online_share,
        survey_responses, satisfied_share
    from rates
)

select * from final
order by unit_code
