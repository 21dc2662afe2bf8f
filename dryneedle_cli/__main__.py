from dryneedle_cli.cli import main

main()
