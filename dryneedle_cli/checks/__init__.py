"""Checks that build the pages a patient reads to judge them (``dryneedle validate``, reading
grades): above ``query``, since they ask it for every page; ``content/`` keeps what works on
the files and the model."""
