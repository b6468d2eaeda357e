-- The quarter's dossier facts from staging, with local calendar days and the resolution class: of every
-- file, or (file_ids not NULL) of the files of the landing units a late file changed.
insert into core.fct_dossier (
    quarter, unit_code, dossier_id, source_level, procedure_code, field, channel,
    received_at, due_at, resolved_at, received_on, due_on, resolved_on, resolution_status,
    returned_by_post, supplement_requests, file_id, line_number
)
with staged as (
    select *
    from staging.stg_one_stop__dossiers
    where quarter = %(quarter)s
        and (%(file_ids)s::bigint[] is null or file_id = any(%(file_ids)s::bigint[]))
),

localised as (
    select
        staged.*,
        (staged.received_at at time zone 'Asia/Ho_Chi_Minh')::date as received_on,
        (staged.due_at at time zone 'Asia/Ho_Chi_Minh')::date as due_on,
        (staged.resolved_at at time zone 'Asia/Ho_Chi_Minh')::date as resolved_on
    from staged
),

final as (
    select
        quarter, unit_code, dossier_id, source_level, procedure_code, field, channel,
        received_at, due_at, resolved_at, received_on, due_on, resolved_on,
        core.resolution_status(due_on, resolved_on) as resolution_status,
        returned_by_post, supplement_requests, file_id, line_number
    from localised
)

select * from final
