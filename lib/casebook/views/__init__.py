"""The views layer: what a reader sees — tables, the timeline and event-graph figures, the
cross-case tables and figures, redaction, safe HTML, terminal text — and who sees what
(``audience``). Builds from the model and the engine; writes no files.
"""
