"""Disclosure on application (依申请公开, Art. 27–45 of the Regulations). Work in progress (issue 4):
so far the rules that need no database: outcomes and report rows, fees, identity numbers, receipt
dates."""
