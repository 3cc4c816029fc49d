"""`python -m redflag`: the same program as the `redflag` command."""
from redflag.cli import main

raise SystemExit(main())
