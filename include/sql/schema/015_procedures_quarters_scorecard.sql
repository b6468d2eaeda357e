-- The calendar dimension: each quarter's days, its Decree 09/2019 reporting period and the map and
-- one-stop decree in force.

-- Calendar quarters -------------------------------------------------------------------------------

create table core.dim_quarter (
    quarter             text primary key check (quarter ~ '^[0-9]{4}Q[1-4]$'),
    year                integer not null,
    quarter_number      smallint not null check (quarter_number between 1 and 4),
    first_day           date not null,
    last_day            date not null,
    label_vi            text not null,
    report_period_start date not null,
    report_period_end   date not null,
    two_level_map       boolean not null,
    one_stop_decree     text not null,
    check (first_day <= last_day and report_period_start <= report_period_end)
);

insert into core.dim_quarter
select
    q.year || 'Q' || q.n,
    q.year,
    q.n,
    q.first_day,
    (q.first_day + interval '3 months' - interval '1 day')::date,
    'Quý ' || (array['I', 'II', 'III', 'IV'])[q.n] || '/' || q.year,
    (q.first_day - interval '1 month' + interval '14 days')::date,
    (q.first_day + interval '2 months' + interval '13 days')::date,
    q.first_day >= date '2025-07-01',
    case when q.first_day >= date '2025-07-01' then 'Nghị định 118/2025/NĐ-CP'
         else 'Nghị định 61/2018/NĐ-CP' end
from (
    select y as year, n, make_date(y, 3 * n - 2, 1) as first_day
    from generate_series(2015, 2035) as y, generate_series(1, 4) as n
) as q;

comment on table core.dim_quarter is
    'Quý dương lịch 2015-2035: ngày đầu, cuối, kỳ báo cáo theo Nghị định 09/2019/NĐ-CP, bản đồ hành chính áp dụng '
    '/ calendar quarters 2015-2035 with their days, the reporting period of Decree 09/2019 and the map in force';
comment on column core.dim_quarter.quarter is 'Quý, ví dụ 2024Q2 / quarter, e.g. 2024Q2';
comment on column core.dim_quarter.year is 'Năm / year';
comment on column core.dim_quarter.quarter_number is 'Quý trong năm 1-4 / quarter of the year, 1-4';
comment on column core.dim_quarter.first_day is 'Ngày đầu quý / first day';
comment on column core.dim_quarter.last_day is 'Ngày cuối quý: địa giới hiệu lực ngày này dùng cho quý / last day: the map valid on it is the quarter''s';
comment on column core.dim_quarter.label_vi is 'Nhãn tiếng Việt, ví dụ Quý II/2024 / Vietnamese label';
comment on column core.dim_quarter.report_period_start is
    'Ngày đầu kỳ chốt số liệu báo cáo quý (ngày 15 tháng trước quý, Nghị định 09/2019/NĐ-CP) '
    '/ first day of the quarter''s reporting period under Decree 09/2019 (15th of the month before)';
comment on column core.dim_quarter.report_period_end is
    'Ngày cuối kỳ chốt số liệu (ngày 14 tháng cuối quý) / last day of the reporting period (14th of the last month)';
comment on column core.dim_quarter.two_level_map is
    'true: chính quyền hai cấp (tỉnh, xã) từ 01/07/2025 / true: the two-level map (province, commune) from 01/07/2025';
comment on column core.dim_quarter.one_stop_decree is
    'Nghị định về cơ chế một cửa áp dụng trong quý / one-stop decree in force in the quarter';
