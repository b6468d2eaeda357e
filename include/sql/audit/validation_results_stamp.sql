-- Changes whenever a validation result is recorded: the Data Docs site keeps the stamp it was built from.
select count(*)::text || '|' || coalesce(max(validated_at)::text, '')
from audit.validation_suite_result
