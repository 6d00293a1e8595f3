from g287.entry import main

main()
