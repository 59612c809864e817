"""The benchmark: ``cli`` (command line, table, JSON), ``measure`` (one corpus size), ``child``
(fresh processes for build and cold start). Past runs' JSON is kept beside them."""
