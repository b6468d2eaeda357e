-- Check portal_statistics_vs_dossiers: each count the portal reported for a unit's quarter
-- (value_a, raw.portal_statistics) against the same count of the unit's dossiers in core.fct_dossier,
-- by the counting rules of mart.unit_quarter_indicators (value_b). Units not valid at their level in
-- the quarter are left out (discovery reports their files). When no dossiers file of the unit is
-- loaded, or the loaded one is not the version fetched with the statistics, the detail says so.
insert into mart.reconciliation (
    quarter, province_code, check_name, unit_code, unit_level, scope, reporting_unit_code, file_id, line_number,
    period_start, period_end, measure, source_a, source_b, value_a, value_b, difference, tolerance,
    within_tolerance, detail
)
with statistics as (
    select *
    from raw.portal_statistics
    where quarter = %(quarter)s
),

units as (
    select unit_code, unit_level, province_code
    from core.dim_admin_unit
    where %(last_day)s::date between _valid_from and _valid_to
),

dossier_files as (
    select
        s.unit_code,
        string_agg(f.path, ', ' order by f.path) as paths,
        coalesce(bool_or(f.checksum = s.dossiers_checksum), false) as fetched_together
    from statistics as s
    join raw.landing_file as f
        on f.quarter = s.quarter and f.unit_code = s.unit_code and f.unit_level = s.unit_level
    where f.dataset = 'dossiers' and f.is_current and f.status = 'loaded'
    group by s.unit_code
),

-- The unit's desk, counted as mart.unit_quarter_indicators counts it (core.desk_counts).
counted as (
    select *
    from core.desk_counts(
            %(quarter)s, %(first_day)s::date, %(last_day)s::date, array(select distinct unit_code from statistics)
        )
),

pairs as (
    select
        s.quarter, u.province_code, s.unit_code, u.unit_level, m.measure, m.label_vi, m.label_en,
        m.value_a, m.value_b, f.paths is not null as has_dossiers,
        coalesce(f.fetched_together, false) as fetched_together,
        format(
            'Thống kê của cổng DVC cho %%1$s (%%2$s) / the portal''s statistics for %%1$s (%%2$s)', s.unit_code, s.path
        ) as source_a,
        case
            when f.paths is null
                then format(
                        'Hồ sơ của %%1$s: chưa nạp tệp hồ sơ nào / dossiers of %%1$s: no dossiers file loaded',
                        s.unit_code
                    )
            else format(
                    'Hồ sơ của %%1$s trong core.fct_dossier (%%2$s) / dossiers of %%1$s in core.fct_dossier (%%2$s)',
                    s.unit_code, f.paths
                )
        end as source_b
    from statistics as s
    join units as u on u.unit_code = s.unit_code and u.unit_level = s.unit_level
    join counted as c on c.unit_code = s.unit_code
    left join dossier_files as f on f.unit_code = s.unit_code
    cross join lateral (
        values
        ('carried_over', 'từ kỳ trước chuyển qua', 'carried over', s.carried_over, c.carried_over),
        ('received', 'mới tiếp nhận', 'received', s.received, c.received),
        ('received_online', 'tiếp nhận trực tuyến', 'received online', s.received_online, c.received_online),
        ('received_direct', 'tiếp nhận trực tiếp', 'received in person', s.received_direct, c.received_direct),
        ('received_postal', 'tiếp nhận qua bưu chính', 'received by post', s.received_postal, c.received_postal),
        ('resolved', 'đã giải quyết', 'resolved', s.resolved, c.resolved),
        ('resolved_early', 'giải quyết trước hạn', 'resolved early', s.resolved_early, c.resolved_early),
        ('resolved_on_time', 'giải quyết đúng hạn', 'resolved on time', s.resolved_on_time, c.resolved_on_time),
        ('resolved_late', 'giải quyết quá hạn', 'resolved late', s.resolved_late, c.resolved_late),
        ('pending', 'đang giải quyết', 'pending', s.pending, c.pending),
        ('pending_overdue', 'đang giải quyết quá hạn', 'pending and overdue', s.pending_overdue, c.pending_overdue),
        ('returned_by_post', 'trả kết quả qua bưu chính', 'returned by post', s.returned_by_post, c.returned_by_post)
    ) as m (measure, label_vi, label_en, value_a, value_b)
),

compared as (
    select
        *,
        value_a - value_b as difference,
        core.reconciliation_tolerance(value_b, %(tolerance_abs)s, %(tolerance_percent)s) as tolerance
    from pairs
),

final as (
    select
        quarter, province_code, 'portal_statistics_vs_dossiers' as check_name, unit_code, unit_level,
        'desk' as scope, null::text as reporting_unit_code, null::bigint as file_id, null::integer as line_number,
        %(first_day)s::date as period_start, %(last_day)s::date as period_end, measure, source_a, source_b,
        value_a::bigint, value_b, difference, tolerance,
        abs(difference) <= tolerance as within_tolerance,
        format(
            'Số %%1$s của %%2$s: cổng DVC báo %%3$s, đếm từ hồ sơ %%4$s, chênh lệch %%5$s, cho phép %%6$s%%7$s '
            '/ %%8$s of %%2$s: the portal says %%3$s, its dossiers give %%4$s, difference %%5$s, tolerance %%6$s%%9$s',
            label_vi, unit_code, value_a, value_b,
            case when difference > 0 then '+' else '' end || difference, trim_scale(tolerance),
            case
                when not has_dossiers then '; chưa nạp tệp hồ sơ nào của đơn vị'
                when not fetched_together then '; tệp hồ sơ đã nạp không phải bản được tải cùng số thống kê'
                else ''
            end,
            label_en,
            case
                when not has_dossiers then '; no dossiers file of the unit is loaded'
                when not fetched_together then '; the dossiers file loaded is not the one fetched with the statistics'
                else ''
            end
        ) as detail
    from compared
)

select * from final
order by unit_code, measure
