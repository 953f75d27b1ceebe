from omtui.cli import main

main()
