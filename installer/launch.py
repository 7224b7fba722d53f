"""The bundled program's entry point: the same command line as `kexie-desktop`."""

import sys

from kexie_desktop.cli import main

sys.exit(main())
