"""The parts of ``benchmarks/generate.py``: a registry grown from the bundled one.

``values`` (what entities are made of), ``yamltext`` (writing YAML text),
``book`` (random streams, ids, files), ``policy`` (the schedules policies/
declare), ``places``, ``agreements`` and ``grower`` (people and hardware),
``defects`` (the findings variant).
"""
