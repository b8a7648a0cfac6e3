"""The model layer: reading case files safely into validated, resolved cases.

YAML read as data only (``yamlsafe``), EDTF dates (``dates``), the case-file models
(``casefile``), the vocabulary and the shared registry, meaning-level checks (``integrity``),
``load_case`` and the resolved :class:`~casebook.model.case.Case`, and the JSON Schema. Imports
nothing above it.
"""
