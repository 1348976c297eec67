"""The query library: one documented SPARQL query per ``.rq`` file (see :mod:`kg.query`)."""
