"""The printed forms (screening questions, information and consent), one module per document
format, each with ``render(handout, font=None) -> bytes`` like the sheet modules beside them.
``handouts.forms.document`` picks the module."""
