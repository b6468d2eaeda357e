-- A derived relation just created from its definition (its COMMENTs are set next, and recorded apart).
insert into audit.model_definition (relation, definition, docs)
values (%(relation)s, %(definition)s, '')
on conflict (relation) do update
    set definition = excluded.definition, docs = '', created_at = now()
