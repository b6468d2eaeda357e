-- The schemas of what staff open without SQL (docs/design.md, Reports). The views of bao_cao are models
-- (include/sql/models/bao_cao).

-- Partitions out of the readers' way: a reporting tool lists every table of schema mart it can see
-- the name of, and a partition read directly would bypass its parent's province filter anyway
-- (readers have no grant on one). New partitions of mart tables are created in mart_partitions
-- (cchc.warehouse.sql_files.partition_name).
create schema mart_partitions;
comment on schema mart_partitions is
    'Phân vùng theo quý của các bảng mart; đọc qua bảng cha trong schema mart / quarter partitions of the mart '
    'tables; read them through their parent tables in schema mart';
revoke all on schema mart_partitions from public;
grant all on schema mart_partitions to cchc_loader;
alter default privileges in schema mart_partitions grant all on tables to cchc_loader;

-- Stable views for staff and reporting tools (Excel, Power BI, Metabase, Superset), with Vietnamese
-- column labels. security_invoker: a reader's query is filtered by the province policies of the mart
-- tables beneath, as if it read them itself. Their names and columns are an interface: change them
-- only in a new view.
create schema bao_cao;
comment on schema bao_cao is
    'Báo cáo CCHC cho cán bộ và công cụ báo cáo: các view ổn định, tên cột tiếng Việt, mỗi tài khoản đọc chỉ thấy '
    'tỉnh của mình / CCHC reports for staff and reporting tools: stable views with Vietnamese column labels, each '
    'reader login sees only its own provinces';
revoke all on schema bao_cao from public;
grant all on schema bao_cao to cchc_loader;
grant usage on schema bao_cao to cchc_reader;
