"""Content: the Q&A and clause libraries (schemas and loading), read by the documents and, as
content data, by anything else (the workbench, a future legislation checker) without going
through a document module."""
