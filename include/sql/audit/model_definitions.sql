-- What each derived relation was last created from, and its COMMENTs set from.
select relation, definition, docs
from audit.model_definition
