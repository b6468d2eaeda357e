-- Percent with 2 decimals; NULL where the denominator is 0 (no dossiers is not a 0% rate).
create or replace function mart.pct(numerator numeric, denominator numeric) returns numeric(6, 2)
language sql immutable as $$
    select case when denominator is null or denominator = 0 then null
                else round(100.0 * numerator / denominator, 2) end
$$;
