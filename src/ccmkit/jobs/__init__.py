"""Generation jobs, for the batch and the web alike.

- ``plan``: pure planning, a selection of States → one Task per State with its fingerprint;
- ``run``: one State's package (``run_task``) and the executors (inline, or the local warm
  worker pool, fair between owners, where a dead worker fails its own task only);
- ``store``: job state in the database beside the follow-up log (quota, progress, cleanup);
- ``handouts``: index.csv, the overview, the workshop's ZIP and the download names.
"""
