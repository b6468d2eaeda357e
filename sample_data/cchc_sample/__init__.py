"""Sample landing data for the CCHC warehouse: synthetic exports of communes, districts and provinces in
the forms their software writes, and the seed articles' scenarios. A package of its own: the pipeline
(`cchc`) never imports it, and the Airflow image does not ship it."""
