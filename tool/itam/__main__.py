from itam.cli import main

main()
