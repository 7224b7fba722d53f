import sys

from kexie_desktop.cli import main

sys.exit(main())
