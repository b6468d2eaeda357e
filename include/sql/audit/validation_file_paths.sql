-- Landing paths of the files a dataset's rows came from, to name them in validation results.
select file_id, path
from raw.landing_file
where file_id = any(%(file_ids)s)
