-- Decision 766 service index per unit of mart.unit_quarter_indicators (built just before in the same
-- transaction). Groups the exports cannot score (transparency, online payment, digitisation, the
-- complaint parts of satisfaction) stay NULL, and points_covered says how much of the 100 the total
-- stands on. Weights and thresholds come from the registry (cchc.indicators.scorecard_parameters).
insert into mart.scorecard_766 (
    quarter, unit_code, unit_name, unit_level, parent_code, province_code,
    transparency_score, progress_score, online_full_eligible, online_full_received_online, online_full_rate,
    online_service_score, online_payment_score, overdue_share, dissatisfied_share, dossier_satisfaction_rate,
    satisfaction_score, digitisation_score, points_covered, total_score, score_of_covered_percent, complete, band
)
with indicators as (
    select *
    from mart.unit_quarter_indicators
    where quarter = %(quarter)s
),

catalogue as (
    select unit_code, catalogue_unit_code, catalogue_quarter
    from core.procedure_catalogue_in_force(%(quarter)s, %(last_day)s::date)
),

reporting_units as (
    select unit_code
    from core.reporting_units(%(quarter)s, 'dossiers')
),

-- Dossiers received in the quarter whose procedure is toàn trình in the catalogue in force for their unit.
full_online_per_unit as (
    select
        r.unit_code,
        count(d.dossier_id) filter (where p.online_service = 'full') as eligible,
        count(d.dossier_id) filter (where p.online_service = 'full' and d.channel = 'online') as received_online
    from reporting_units as r
    join catalogue as c on c.unit_code = r.unit_code
    left join core.fct_dossier as d
        on d.quarter = %(quarter)s
            and d.unit_code = r.unit_code
            and d.received_on between %(first_day)s and %(last_day)s
    left join core.dim_procedure as p
        on p.quarter = c.catalogue_quarter
            and p.catalogue_unit_code = c.catalogue_unit_code
            and p.procedure_code = d.procedure_code
    group by r.unit_code
),

full_online as (
    select a.ancestor_code as unit_code, sum(f.eligible) as eligible, sum(f.received_online) as received_online
    from full_online_per_unit as f
    join core.admin_unit_ancestry(%(last_day)s::date) as a on a.unit_code = f.unit_code
    group by a.ancestor_code
),

rates as (
    select
        i.quarter,
        i.unit_code,
        i.unit_name,
        i.unit_level,
        i.parent_code,
        i.province_code,
        i.progress_score_766 as progress_score,
        f.eligible as online_full_eligible,
        f.received_online as online_full_received_online,
        mart.pct(f.received_online, f.eligible) as online_full_rate,
        mart.pct(i.resolved_late + i.pending_overdue, i.resolved + i.pending) as overdue_share,
        100 - i.satisfied_share as dissatisfied_share
    from indicators as i
    left join full_online as f on f.unit_code = i.unit_code
),

scores as (
    select
        *,
        null::numeric as transparency_score,
        -- least() and greatest() skip NULLs: no data must stay NULL, not become full or zero points.
        case when online_full_rate is not null then
                round(least(%(w_online_service)s, %(w_online_service)s * online_full_rate / %(online_full_at)s), 2)
        end as online_service_score,
        null::numeric as online_payment_score,
        case when overdue_share is not null and dissatisfied_share is not null then
                greatest(0, 100 - (overdue_share + dissatisfied_share))
        end as dossier_satisfaction_rate,
        null::numeric as digitisation_score
    from rates
),

-- Only the dossier-handling part of the satisfaction group can be scored from the exports.
grouped as (
    select
        *,
        case when dossier_satisfaction_rate is not null then
                round(
                    least(
                        %(w_dossier_satisfaction)s,
                        %(w_dossier_satisfaction)s * dossier_satisfaction_rate / %(satisfaction_full_at)s
                    ),
                    2
                )
        end as satisfaction_score
    from scores
),

totals as (
    select
        *,
        case when transparency_score is not null then %(w_transparency)s else 0 end
        + case when progress_score is not null then %(w_progress)s else 0 end
        + case when online_service_score is not null then %(w_online_service)s else 0 end
        + case when online_payment_score is not null then %(w_online_payment)s else 0 end
        + case when satisfaction_score is not null then %(w_dossier_satisfaction)s else 0 end
        + case when digitisation_score is not null then %(w_digitisation)s else 0 end as points_covered,
        (
            select sum(score)
            from unnest(array[
                    transparency_score, progress_score, online_service_score,
                    online_payment_score, satisfaction_score, digitisation_score
                ]) as score
        ) as total_score
    from grouped
),

final as (
    select
        quarter, unit_code, unit_name, unit_level, parent_code, province_code,
        transparency_score, progress_score, online_full_eligible, online_full_received_online, online_full_rate,
        online_service_score, online_payment_score, overdue_share, dissatisfied_share, dossier_satisfaction_rate,
        satisfaction_score, digitisation_score, points_covered, total_score,
        mart.pct(total_score, points_covered) as score_of_covered_percent,
        points_covered = 100 as complete,
        case
            when points_covered <> 100 then null
            when total_score >= %(band_excellent_from)s then 'xuất sắc'
            when total_score < %(band_weak_below)s then 'yếu'
            else 'từ 50 đến dưới 90'
        end as band
    from totals
)

select * from final
order by unit_code
