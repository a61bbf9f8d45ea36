"""The internal workbench (ISU and coordinators only): targeting, briefs, barrier map,
messaging lines. Nothing here is ever part of an outgoing package."""
