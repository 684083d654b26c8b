"""LabAssess: CNAS-CL01 lab self-assessment and improvement planning."""

__version__ = "0.1.0"
