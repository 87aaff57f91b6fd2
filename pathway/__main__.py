"""``python -m pathway`` runs the CLI."""

from pathway.cli.main import main

raise SystemExit(main())
