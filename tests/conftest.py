from neo4j_server import neo4j_server, neo4j_store  # noqa: F401  (pytest fixtures for @pytest.mark.neo4j tests)
