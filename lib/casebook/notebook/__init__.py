"""The facades the notebooks call: :class:`~casebook.notebook.workbook.Workbook` for the case
study, :mod:`casebook.notebook.corpus` for the corpus page. Notebooks import nothing else."""
