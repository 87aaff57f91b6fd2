"""``python -m pathway`` runs the CLI."""

from pathway.cli import main

raise SystemExit(main())
