"""The text layer: reading plain and technical English the same way everywhere.

Checks, drafters and ingest all need to find sentences, numbers, jargon and the study design
in a text; doing it in one place means a draft the offline drafter writes is read by the
checks exactly as the drafter meant it. Modules here import only base modules (models,
errors, resources) and third-party libraries, never checks, drafting, ingest or db.
"""
