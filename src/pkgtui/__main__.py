from pkgtui.cli import main

raise SystemExit(main())
