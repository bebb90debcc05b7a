from studio.app import main

main()
