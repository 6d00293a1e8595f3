from g287.cli import main

main()
