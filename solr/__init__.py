"""The local SolrCloud for development and tests (cluster.py) and its Java launcher."""
