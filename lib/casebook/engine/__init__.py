"""The engine layer: the event graph, the checks, the protocols, the judgement of a case's
record against them under a lens, what the violations led to, and the corpus of many cases.
Imports only the model and the core below it.
"""
