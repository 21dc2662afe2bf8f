"""What record systems (EHRs) ask of dryneedle, without any web framework: the HL7 Infobutton
feed (``infobutton``), CDS Hooks cards (``cds``) and OpenEMR's local education files
(``openemr``). The service's routes (``dryneedle_cli.serve``) and the CLI's ``export`` call
these; the tests call them directly."""
