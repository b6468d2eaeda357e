-- The quarters a derived table holds rows of (before it is dropped and recreated empty).
select distinct quarter
from {relation}
order by quarter
