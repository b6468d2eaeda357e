-- One schema per layer of the data flow (docs/design.md): raw -> staging -> core -> mart, with
-- rejected rows in quarantine and every step recorded in audit.
create schema if not exists raw;
create schema if not exists staging;
create schema if not exists quarantine;
create schema if not exists core;
create schema if not exists mart;
create schema if not exists audit;

comment on schema raw is 'Dữ liệu như nhận được / rows exactly as received, with file id and line number';
comment on schema staging is 'Dữ liệu đã chuẩn hoá kiểu / typed and normalised rows that passed validation';
comment on schema quarantine is 'Dòng bị loại kèm lý do / rejected rows with the reason';
comment on schema core is 'Chiều và sự kiện / dimensions and facts';
comment on schema mart is 'Chỉ số CCHC cho người dùng / reform indicators for staff and reporting tools';
comment on schema audit is 'Nhật ký chạy / runs, tasks, files and their counts';
