"""One module per `isac` subcommand of the compile stage."""
