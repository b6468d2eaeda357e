-- The COMMENTs of a derived relation just set from its model file.
update audit.model_definition
set docs = %(docs)s, docs_at = now()
where relation = %(relation)s
