"""``dryneedle serve``: the guide over HTTP for a clinic network (issue 24).

A face, like the command line: it parses a request, asks the same query layer and renderers the
CLI uses, and answers. Nothing here holds a word a patient reads (they come from ``data/``) and
nothing about a patient is stored or logged. The content is loaded once per process and only
read afterwards, so several processes behind any load balancer serve the same answers.

``app.create_app`` builds the Starlette app; routes are in ``pages`` and ``sheets`` (and the
EHR routes of ``infobutton`` and ``cds`` when present). Starlette and uvicorn are the optional
extra ``dryneedle[serve]``; nothing else in dryneedle imports this package.
"""
