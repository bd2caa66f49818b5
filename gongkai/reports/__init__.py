"""The annual report on government information disclosure (年度报告, Art. 49–50), issue 5: the
national format's tables and identities (``tables``) and their computation from the records
(``compute``)."""
