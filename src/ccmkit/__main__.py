from ccmkit.cli import main

main()
