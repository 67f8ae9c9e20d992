"""The command line: commands, help, hints, tables, and the README's commands run as written."""
