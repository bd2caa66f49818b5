"""Disclosure on application (依申请公开, Art. 27–45 of the Regulations): intake, the handling state
machine, deadlines, fees, letters, reconsideration and litigation (docs/applications.md)."""
