"""Checks that render the pages to judge them (``dryneedle validate``, reading grades): above
``query``, since they build every page a patient may see; ``content/`` keeps what works on the
files and the model."""
